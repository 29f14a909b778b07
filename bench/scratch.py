"""What the PostgreSQL benchmarks share: a scratch database made for one run (or kept, or reused), the
statement that makes and drops it, and the nearest-rank percentile they report."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def admin_sql(server_url: str, sql: str) -> None:
    """Run one statement on the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``th percentile (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


@contextmanager
def scratch_database(server: str, prefix: str, *, reuse: str | None = None, keep: bool = False) -> Iterator[bool]:
    """Django set up on a database of its own on ``server``: ``<prefix>_<pid>``, created here and dropped at the
    end (unless ``keep``), or the kept one named ``reuse``. Yields whether it is new (and so needs its data)."""
    db_name = reuse or f"{prefix}_{os.getpid()}"
    os.environ.update(
        DATABASE_URL=f"{server.rstrip('/')}/{db_name}",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    sys.path.insert(0, str(ROOT))
    if not reuse:
        admin_sql(server, f'CREATE DATABASE "{db_name}"')
    try:
        import django

        django.setup()
        print(f"database: {db_name} on {server.split('@')[-1]}")
        yield not reuse
    finally:
        if not (keep or reuse):
            from django.db import connections

            connections.close_all()
            admin_sql(server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            print(f"database {db_name} dropped")
