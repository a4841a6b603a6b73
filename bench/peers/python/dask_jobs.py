"""Dask distributed side of `npm run bench -- --peers`: time N independent `sh -c true` tasks
(or a chain of N) on a LocalCluster of <cores> single-threaded worker processes.

Usage: python3 dask_jobs.py independent|chain N CORES. Prints the wall milliseconds from the
first submit to the last result; the cluster's start and one warm-up task are not counted (as
the jobgraph figures leave out the services' start)."""
import subprocess
import sys
import time

from distributed import Client, LocalCluster, wait


def sh_true(*_):
    subprocess.run(["sh", "-c", "true"], check=True)


def main():
    mode, n, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            client.submit(sh_true, "warm-up", pure=False).result()
            began = time.perf_counter()
            if mode == "independent":
                wait(client.map(sh_true, range(n), pure=False))
            else:
                link = None
                for i in range(n):
                    link = client.submit(sh_true, i, link, pure=False)
                link.result()
            print(f"{(time.perf_counter() - began) * 1000:.3f}")


if __name__ == "__main__":
    main()
