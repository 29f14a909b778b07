"""Is the database answering? What /healthz asks, bounded in time (HEALTHZ_DB_TIMEOUT seconds).

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
