"""Migrations on a populated PostgreSQL database without long locks (issue #19, item 5; docs/operations.md,
"Upgrades"): the static check every new migration goes through, and a rehearsal of the migrations that touch the
large tables on 100,000 rows each, with a second connection measuring how long an INSERT would have waited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from microcred.operations.migration_locks import REVIEWED, find_lock_risks, unreviewed

ROWS = 100_000
BUDGET_SECONDS = 2.0


def _new_migration(*operations):
    """A migration that is not on disk, after the latest credentials migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = [key for key in loader.graph.leaf_nodes() if key[0] == "credentials"]
    migration = migrations.Migration("9999_new", "credentials")
    migration.dependencies = [leaf]
    migration.operations = list(operations)
    return loader, migration


def _new_risks(*operations):
    loader, migration = _new_migration(*operations)
    return [risk for risk in find_lock_risks(loader, [migration]) if risk.migration == "9999_new"]


def test_the_migrations_on_disk_pass_the_check_and_every_reviewed_entry_still_matches(capsys):
    call_command("check_migration_locks")
    out = capsys.readouterr().out
    assert "NOT REVIEWED" not in out and "stale" not in out
    assert {risk.key for risk in find_lock_risks()} == set(REVIEWED)
    assert all(len(reason) > 20 for reason in REVIEWED.values())  # each entry says why


def test_a_new_index_on_a_large_table_fails_the_check_unless_built_concurrently():
    from django.contrib.postgres.operations import AddIndexConcurrently

    index = models.Index(fields=["learner_email"], name="issued_credential_email")
    (risk,) = _new_risks(migrations.AddIndex("issuedcredential", index))
    assert risk.table == "credentials_issuedcredential" and "CONCURRENTLY" in risk.why
    assert unreviewed([risk]) == [risk]
    assert _new_risks(AddIndexConcurrently("issuedcredential", index)) == []
    # A small table is not the check's business.
    assert _new_risks(migrations.AddIndex("issuancejob", models.Index(fields=["runner"], name="job_runner"))) == []


@pytest.mark.parametrize(
    ("operation", "words"),
    [
        (migrations.AlterField("issuedcredential", "grade", models.TextField(blank=True)), "column type"),
        (
            migrations.AlterField("issuedcredential", "revoked_at", models.DateTimeField()),
            "SET NOT NULL",
        ),
        (migrations.AddField("issuedcredential", "token", models.UUIDField(default=uuid.uuid4)), "callable default"),
        (
            migrations.AddConstraint(
                "issuedcredential", models.CheckConstraint(condition=~models.Q(grade="x"), name="no_x_grade")
            ),
            "NOT VALID",
        ),
        (migrations.RunPython(migrations.RunPython.noop), "whole table"),
    ],
)
def test_each_kind_of_long_lock_on_a_large_table_is_reported(operation, words):
    (risk,) = _new_risks(operation)
    assert words in risk.why, risk


def test_the_command_fails_on_an_unreviewed_operation(monkeypatch):
    loader, migration = _new_migration(
        migrations.AddIndex("issuedcredential", models.Index(fields=["grade"], name="issued_credential_grade"))
    )
    real = find_lock_risks
    monkeypatch.setattr(
        "microcred.operations.management.commands.check_migration_locks.find_lock_risks",
        lambda: real(loader, [migration]),
    )
    with pytest.raises(CommandError, match="not reviewed"):
        call_command("check_migration_locks")


def _server_dsn(database):
    s = connection.settings_dict
    user, host, port = s.get("USER") or "postgres", s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{database}"


def test_the_large_tables_migrations_hold_no_lock_longer_than_the_budget_on_100000_rows():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: PostgreSQL's locks on 100,000 rows (DATABASE_URL=postgres://…)")
    import psycopg

    name = f"microcred_locks_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=_server_dsn(name),
            REHEARSAL_DSN=_server_dsn(name),
            DB_STATEMENT_TIMEOUT="0",
        )
        done = subprocess.run(
            [sys.executable, "-m", "microcred.operations.migration_locks", str(ROWS)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    report = json.loads(line.removeprefix("REPORT "))
    print(json.dumps(report, indent=1))  # the figures docs/operations.md quotes (pytest -s)
    assert report["probe_errors"] == []
    # The rows survived every round trip: each migration ran on a populated table.
    assert report["rows_after"] == dict.fromkeys(
        ["audit_auditevent", "credentials_issuedcredential", "learning_enrolment"], ROWS
    )
    skipped = {entry["migration"]: entry["skipped"] for entry in report["migrations"] if "skipped" in entry}
    # Only those whose reversal would drop a large table itself (before any row could exist); an irreversible
    # migration on a large table must get its own rehearsal rather than pass unmeasured.
    assert all(reason.startswith("going back before it drops") for reason in skipped.values()), skipped
    measured = {entry["migration"]: entry for entry in report["migrations"] if "longest_wait_seconds" in entry}
    # The latest migration of each large table's app that can be reversed without dropping it (the credentials
    # app's is read from the graph: it gains migrations more often than the others), and the ones that rewrite or
    # index the credentials table.
    (latest_credentials,) = [
        f"{app}.{name}" for app, name in MigrationLoader(None).graph.leaf_nodes() if app == "credentials"
    ]
    for expected in (
        "audit.0002_append_only_triggers",
        "learning.0004_offering_ended_announced_at",
        latest_credentials,
        "credentials.0005_sources_and_learner",
        "credentials.0006_fill_sources_and_learners",
        "credentials.0007_source_required",
    ):
        assert expected in measured, sorted(measured)
    steps = {f"{name} forwards": entry["longest_wait_seconds"] for name, entry in measured.items()}
    steps.update(
        (f"{entry['migration']} backwards", entry["backwards_longest_wait_seconds"])
        for entry in measured.values()
        if "backwards_longest_wait_seconds" in entry
    )
    steps.update(
        (f"{app}: the rest forwards", rest["longest_wait_seconds"]) for app, rest in report["rest_forwards"].items()
    )
    for step, longest in steps.items():
        assert set(longest) == set(report["rows_after"]), (step, longest)  # the probe ran during the step
        for table, waited in longest.items():
            assert waited < BUDGET_SECONDS, f"{step}: an INSERT into {table} waited {waited} s"
