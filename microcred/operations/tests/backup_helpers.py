"""What the backup and restore tests share: a small demo, fresh databases, and a restore run as a new installation
(its own process, its own DATABASE_URL and VAR_DIR) the way an operator runs it."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from microcred.credentials.tests.conftest import TEST_KEK

PUBLIC_BASE_URL = "https://mc.example.eu"

# Run in the restored installation: every credential through the verification service, every supporting document
# downloaded through its page by its proposer, as JSON.
PROBE = """
import hashlib, json
from django.test import Client
from django.urls import reverse
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.verification import verify_credential_document
from microcred.proposals.models import SupportingDocument
out = {"credentials": {}, "documents": {}}
for credential in IssuedCredential.objects.all():
    report = verify_credential_document(credential.document)
    out["credentials"][str(credential.uuid)] = {
        "result": report.result, "checks": {c.check: c.passed for c in report.checks}}
for document in SupportingDocument.objects.select_related("version__proposal"):
    client = Client()
    client.force_login(document.version.proposal.proposer)
    answer = client.get(reverse("proposals:document", args=[document.version.proposal_id, document.pk]), HTTP_HOST="localhost")
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    out["documents"][str(document.pk)] = {"status": answer.status_code, "sha256": hashlib.sha256(body).hexdigest()}
print("PROBE" + json.dumps(out))
"""


def installation_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PG", "AWS_")) and key not in ("VAR_DIR", "CREDENTIAL_KEK")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        CREDENTIAL_KEK=TEST_KEK,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        **extra,
    )
    return env


def manage(env: dict[str, str], *arguments: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``manage.py <arguments>`` in a process of its own with exactly ``env`` (also the upgrade checks' runner)."""
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def probe(env: dict[str, str]) -> dict:
    done = manage(env, "shell", "-c", PROBE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.split("PROBE", 1)[1])


@contextmanager
def fresh_database(tmp_path: Path):
    """(DATABASE_URL of a new, empty database of the vendor under test, a raw DB-API connection factory)."""
    if connection.vendor == "sqlite":
        path = tmp_path / f"restored-{secrets.token_hex(3)}.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    params = connection.settings_dict
    name = f"microcred_restore_{secrets.token_hex(4)}"
    server = {
        "host": params.get("HOST") or "127.0.0.1",
        "port": params.get("PORT") or 5432,
        "user": params.get("USER") or "postgres",
        "password": params.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    try:
        yield url, lambda: psycopg.connect(dbname=name, **server)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_count(connect) -> int:
    database = connect()
    try:
        cursor = database.cursor()
        if isinstance(database, sqlite3.Connection):
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0]
    finally:
        database.close()
