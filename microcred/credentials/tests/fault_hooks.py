"""Fault injection for test_worker_killed: a Celery worker started with ``--include`` of this module stops,
as if frozen, at two points, so the test can kill it there with SIGKILL:

* MICROCRED_FAULT_JOB_PAUSE_AFTER=n: after the n-th batch of completions an issuance job committed in this
  process (MICROCRED_FAULT_JOB_BATCH_SIZE=k: k completions per batch, so that n batches are n×k completions);
* MICROCRED_FAULT_MAIL_PAUSE_AT=n: in the n-th outbox delivery, holding the row lock, before sending.

With MICROCRED_FAULT_WORKER=name, every batch of an issuance job this process processed adds a line ``name``
to ``batches.log`` in MICROCRED_FAULT_DIR (which worker did what, for test_workers_share_a_job).

Each pause first creates a file in MICROCRED_FAULT_DIR (``job-paused``, ``mail-paused``). Without
MICROCRED_FAULT_DIR nothing is changed. Never imported by the application itself.
"""

import os
import time
from pathlib import Path

FAULT_DIR = os.environ.get("MICROCRED_FAULT_DIR")


def _freeze(marker: str) -> None:
    Path(FAULT_DIR, marker).touch()
    while True:  # until SIGKILL
        time.sleep(1)


if FAULT_DIR:
    from microcred.credentials.services import bulk
    from microcred.outbox import services as outbox

    _counts = {"job": 0, "mail": 0}
    _real_process, _real_handler = bulk._process, outbox._handler
    _job_pause = int(os.environ.get("MICROCRED_FAULT_JOB_PAUSE_AFTER", "0"))
    _mail_pause = int(os.environ.get("MICROCRED_FAULT_MAIL_PAUSE_AT", "0"))
    bulk.BATCH_SIZE = int(os.environ.get("MICROCRED_FAULT_JOB_BATCH_SIZE", bulk.BATCH_SIZE))

    _worker = os.environ.get("MICROCRED_FAULT_WORKER")

    def _process(*args, **kwargs):
        going_on = _real_process(*args, **kwargs)
        _counts["job"] += 1
        if _worker:
            with Path(FAULT_DIR, "batches.log").open("a") as log:
                log.write(_worker + "\n")
        if _counts["job"] == _job_pause:
            _freeze("job-paused")
        return going_on

    def _handler(path):
        handler = _real_handler(path)

        def build(**payload):
            _counts["mail"] += 1
            if _counts["mail"] == _mail_pause:
                _freeze("mail-paused")
            return handler(**payload)

        return build

    bulk._process = _process
    outbox._handler = _handler
