"""Celery side of `npm run bench -- --peers`: time N independent `sh -c true` tasks (a group) or a
chain of N, against a worker the bench started (celery_tasks.py's app).

Usage: python3 celery_jobs.py independent|chain N. Waits for the worker to answer a ping, runs
one warm-up task, then prints the wall milliseconds from the first submit to the last result."""
import sys
import time

from celery import chain, group

from celery_tasks import app, sh_true


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    deadline = time.monotonic() + 120
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline:
            sys.exit("celery worker did not answer a ping within 120 s")
    sh_true.delay("warm-up").get(timeout=120)
    began = time.perf_counter()
    if mode == "independent":
        group(sh_true.s(i) for i in range(n))().get(timeout=3600)
    else:
        chain(sh_true.si(i) for i in range(n))().get(timeout=3600)
    print(f"{(time.perf_counter() - began) * 1000:.3f}")


if __name__ == "__main__":
    main()
