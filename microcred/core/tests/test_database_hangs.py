"""A database that accepts connections and never answers: /healthz says 503 within 5 s, and the site's own
connections give up after DB_CONNECT_TIMEOUT instead of holding the worker."""

import contextlib
import json
import socket
import threading

import pytest
from django.conf import settings
from django.db import connection

from microcred.core.tests import fresh_process


@contextlib.contextmanager
def hung_database():
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte → its port."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                accepted.append(server.accept()[0])  # kept open, never read or answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for sock in accepted:
            sock.close()
        server.close()


PROBE = """
import json, time
from django.db import OperationalError, connection
from django.test import Client

started = time.monotonic()
response = Client().get("/healthz")
healthz = {"status": response.status_code, "body": response.json(), "seconds": time.monotonic() - started}
try:
    connection.ensure_connection()
    own = "connected"
except OperationalError as exc:
    own = str(exc)
print("RESULT " + json.dumps({"healthz": healthz, "own": own}))
"""


def test_a_hung_database_gets_503_from_healthz_within_5_seconds_and_connections_time_out(tmp_path):
    """The whole site as deployed (settings from the environment), its DATABASE_URL at the hung server."""
    with hung_database() as port:
        # The time limit (120 s) is a safety net only: without connect timeouts this would wait forever.
        result = fresh_process.shell(
            PROBE,
            settings_module="config.settings.local",
            DEBUG="0",
            ALLOWED_HOSTS="testserver",
            VAR_DIR=str(tmp_path),
            DATABASE_URL=f"postgres://nobody@127.0.0.1:{port}/microcred",
            DB_CONNECT_TIMEOUT="2",
        )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout + result.stderr
    outcome = json.loads(lines[0].removeprefix("RESULT "))
    assert outcome["healthz"]["status"] == 503
    assert outcome["healthz"]["body"] == {
        "status": "unavailable",
        "database": "not answering",
        "cache": "ok",
        "broker": "not used",
    }
    # The probe gives up after HEALTHZ_DB_TIMEOUT (2 s by default); the requirement is an answer within 5 s,
    # so a loaded machine has 3 s of margin before this fails.
    assert outcome["healthz"]["seconds"] < 5
    assert "timeout expired" in outcome["own"]  # libpq's connect_timeout (DB_CONNECT_TIMEOUT), not a hang


@pytest.mark.django_db
def test_postgresql_connections_carry_the_statement_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a PostgreSQL setting (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    assert shown == (f"{settings.DB_STATEMENT_TIMEOUT}s" if settings.DB_STATEMENT_TIMEOUT else "0")
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
