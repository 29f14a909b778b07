"""What /healthz/ready (and /healthz) asks: do the database, the cache and the broker answer, each bounded in time.

Liveness (/healthz/live) asks nothing of them: the process answers. Readiness asks the three side by side and
gives each HEALTHZ_DB_TIMEOUT seconds from the start (``readiness``); one that fails or does not answer in time
makes the answer 503.
The cache is asked directly (a Redis PING), not through the fallback to process memory that keeps pages
working while Redis is gone (microcred/core/cache.py). The broker is not used in the embedded default (tasks
run eagerly): it then counts as ready.

The database:

A load balancer asks often, and a database that accepts connections and never answers must not hold the
web worker that asks (nor make it wait for the site's own DB_CONNECT_TIMEOUT). For a database over the
network the probe opens its own connection, with libpq's connect_timeout and a statement_timeout of
HEALTHZ_DB_TIMEOUT (PostgreSQL documentation, "Parameter Key Words" and "Client Connection Defaults"), in
a thread the request waits for at most that long. A probe still stuck on a hung database is waited on
again rather than joined by another, so a hung database costs one thread, not one per request.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError, load_backend

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_running: _Probe | None = None


class _Probe:
    def __init__(self, settings_dict: dict, timeout: float):
        self.finished = threading.Event()
        self.answered = False
        self._settings = settings_dict
        self._timeout = timeout
        threading.Thread(target=self._run, name="healthz-database-probe", daemon=True).start()

    def _run(self) -> None:
        try:
            self.answered = _select_one(self._settings, self._timeout)
        except DatabaseError as exc:
            logger.warning("Health probe: the database does not answer: %s", exc)
        except Exception:  # the probe must say "no", never crash the thread silently
            logger.exception("Health probe failed")
        finally:
            self.finished.set()


def _select_one(settings_dict: dict, timeout: float) -> bool:
    """SELECT 1 on a new connection made with ``settings_dict`` and time limits of ``timeout`` seconds."""
    settings_dict = {**settings_dict, "OPTIONS": dict(settings_dict.get("OPTIONS") or {}), "CONN_MAX_AGE": 0}
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options = settings_dict["OPTIONS"]
        options["connect_timeout"] = max(2, math.ceil(timeout))  # libpq counts whole seconds, at least 2
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(timeout * 1000)}".strip()
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="healthz")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        wrapper.close()


def database_answers(alias: str = DEFAULT_DB_ALIAS, timeout: float | None = None) -> bool:
    """True when the database answers SELECT 1 within ``timeout`` seconds (HEALTHZ_DB_TIMEOUT)."""
    global _running
    timeout = settings.HEALTHZ_DB_TIMEOUT if timeout is None else timeout
    connection = connections[alias]
    if connection.vendor == "sqlite":  # a file on this machine: nothing to wait for over a network
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                return cursor.fetchone() == (1,)
        except DatabaseError:
            return False
    with _lock:
        probe = _running
        if probe is None or probe.finished.is_set():
            probe = _running = _Probe(dict(connection.settings_dict), timeout)
    return probe.finished.wait(timeout) and probe.answered


# -- the cache and the broker ----------------------------------------------------------------------------------

OK = "ok"
NOT_ANSWERING = "not answering"
NOT_USED = "not used"


class _Asking:
    """``check`` running in a thread of its own, started at once: ask several dependencies side by side, then
    collect each answer by one deadline (``answered``).

    The clients asked here have socket timeouts of their own, so a thread left behind by a hung dependency ends
    soon after; the request never waits for it.
    """

    def __init__(self, check, name: str):
        self._answered = False
        self._name = name
        self._check = check
        self._thread = threading.Thread(target=self._run, name=f"healthz-{name}-probe", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._answered = bool(self._check())
        except Exception as exc:  # any failure of the dependency means "not ready", never a crash
            logger.warning("Health probe: the %s does not answer: %s", self._name, exc)

    def answered(self, deadline: float) -> bool:
        """True if it answered yes by ``deadline`` (time.monotonic()); False if it failed or is still asking."""
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return not self._thread.is_alive() and self._answered


def _within(check, timeout: float, name: str) -> bool:
    """Run ``check`` in a thread and wait for it at most ``timeout`` seconds; False if it fails or is late."""
    return _Asking(check, name).answered(time.monotonic() + timeout)


def _ping_cache(timeout: float) -> bool:
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches[DEFAULT_CACHE_ALIAS]  # the backend itself (django.core.cache.cache is a proxy)
    if isinstance(cache, RedisCache):  # also RedisCacheWithFallback: ask Redis itself, not the fallback
        return cache._cache.get_client(write=True).ping()
    key = "healthz:probe"
    cache.set(key, "1", timeout=max(1, int(timeout)))
    return cache.get(key) == "1"


def cache_answers(timeout: float | None = None) -> bool:
    timeout = settings.HEALTHZ_DB_TIMEOUT if timeout is None else timeout
    return _within(lambda: _ping_cache(timeout), timeout, "cache")


def broker_in_use() -> bool:
    from celery import current_app

    return not current_app.conf.task_always_eager


def _connect_broker(timeout: float) -> bool:
    from celery import current_app

    with current_app.connection_for_write() as connection:
        connection.connect_timeout = timeout
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return connection.connected


def broker_answers(timeout: float | None = None) -> bool:
    timeout = settings.HEALTHZ_DB_TIMEOUT if timeout is None else timeout
    return _within(lambda: _connect_broker(timeout), timeout, "broker")


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {component: state}) for the database, the cache and the broker, asked side by side: the answer
    takes at most HEALTHZ_DB_TIMEOUT (and a little), not that once per dependency, when several hang."""
    timeout = settings.HEALTHZ_DB_TIMEOUT
    deadline = time.monotonic() + timeout
    cache = _Asking(lambda: _ping_cache(timeout), "cache")
    broker = _Asking(lambda: _connect_broker(timeout), "broker") if broker_in_use() else None
    database = database_answers(timeout=timeout)  # in this thread for SQLite (its connection is this thread's)
    states = {
        "database": OK if database else NOT_ANSWERING,
        "cache": OK if cache.answered(deadline) else NOT_ANSWERING,
        "broker": NOT_USED if broker is None else OK if broker.answered(deadline) else NOT_ANSWERING,
    }
    return all(state != NOT_ANSWERING for state in states.values()), states
