"""What every task that does lasting work is declared with (Celery): acknowledged when it ends, so that a
worker killed in the middle leaves the message with the broker, which hands it to another worker after its
visibility timeout (Celery documentation, "Using Redis": visibility timeout); a lost database connection or
network error retried with back-off, which stays far below that timeout. The task itself must be safe to run
again (each caller's service says how)."""

from django.db import InterfaceError, OperationalError

DURABLE_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError, OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "ignore_result": True,
}
