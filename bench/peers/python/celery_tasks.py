"""Celery app for `npm run bench -- --peers`: one task that runs `sh -c true`. The broker and the
result backend are the bench's private redis-server, named by JOBGRAPH_BENCH_BROKER."""
import os
import subprocess

from celery import Celery

app = Celery("jobgraph_bench", broker=os.environ["JOBGRAPH_BENCH_BROKER"], backend=os.environ["JOBGRAPH_BENCH_BROKER"])
app.conf.task_default_queue = "jobgraph_bench"


@app.task
def sh_true(*_):
    subprocess.run(["sh", "-c", "true"], check=True)
