"""gunicorn's configuration for the web processes (deploy/systemd/microcred-web.service, deploy/Dockerfile).

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics into that directory and a scrape of /metrics adds
them up (prometheus-client's multiprocess mode; docs/operations.md "Metrics"): the directory is emptied when the
server starts, so counts of an earlier run are not added in, and a worker that exits is marked dead so its gauges
stop counting. Only what prometheus-client leaves there (``*.db`` files) and empty directories are removed: a
directory holding anything else is not the metrics directory (a mistyped setting), and gunicorn refuses to start
rather than delete it."""

import gc
import os
from pathlib import Path


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        if path.exists():
            children = list(path.iterdir())
            foreign = [
                child.name
                for child in children
                if not (child.is_file() and child.suffix == ".db") and not (child.is_dir() and not any(child.iterdir()))
            ]
            if foreign:
                raise RuntimeError(
                    f"PROMETHEUS_MULTIPROC_DIR={directory} holds {', '.join(sorted(foreign)[:5])}, not only metrics "
                    "files: set it to a directory of its own (it is emptied at every start)."
                )
            for child in children:
                child.rmdir() if child.is_dir() else child.unlink()
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The application a worker has just loaded lives as long as the process: out of the garbage collector's full
    collections, as in the Celery workers (config/celery.py)."""
    gc.freeze()
