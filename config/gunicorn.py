"""gunicorn's configuration for the web processes (deploy/systemd/microcred-web.service, deploy/Dockerfile).

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics into that directory and a scrape of /metrics adds
them up (prometheus-client's multiprocess mode; docs/operations.md "Metrics"): the directory is emptied when the
server starts, so counts of an earlier run are not added in, and a worker that exits is marked dead so its gauges
stop counting."""

import os
import shutil
from pathlib import Path


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        if path.exists():
            for child in path.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
