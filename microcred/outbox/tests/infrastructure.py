"""What the fault tests need of the machine: PostgreSQL, Redis, a broker to point Celery at, free ports.

Tests that need PostgreSQL or Redis are skipped when the suite runs on SQLite or no Redis answers at
TEST_REDIS_URL (default redis://127.0.0.1:6379; `make test` starts a throwaway Redis when none answers);
`make test`'s PostgreSQL half runs them. They use Redis databases 10-15 only.
"""

from __future__ import annotations

import contextlib
import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

_REDIS = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"))
REDIS_HOST, REDIS_PORT = _REDIS.hostname or "127.0.0.1", _REDIS.port or 6379


def redis_up() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
    except OSError:
        return False
    return True


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


requires_postgresql = pytest.mark.skipif(not on_postgresql(), reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
requires_redis = pytest.mark.skipif(not redis_up(), reason=f"no Redis server at {REDIS_HOST}:{REDIS_PORT}")


def redis_url(db: int) -> str:
    assert 10 <= db <= 15, "the fault tests use Redis databases 10-15"
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


def free_port() -> int:
    """A TCP port nothing listens on (bound and released: nothing else on this machine takes it meanwhile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reset_pools(app) -> None:
    """Forget the connection pools made for the previous broker (kombu keeps them per broker URL)."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str):
    """Send this process's Celery tasks to the broker at ``url`` (not eagerly) for the block.

    The project's app reads Django settings with the CELERY namespace, so its configuration is changed
    under those names (``broker_url=`` would be ignored)."""
    from config.celery import app

    saved = {"CELERY_BROKER_URL": app.conf.broker_url, "CELERY_TASK_ALWAYS_EAGER": app.conf.task_always_eager}
    app.conf.update(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False)
    _reset_pools(app)
    assert app.conf.broker_url == url and not app.conf.task_always_eager
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_pools(app)
