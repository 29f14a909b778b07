"""Migrations on a populated PostgreSQL database without long locks (issue #19, item 5; docs/operations.md,
"Upgrades").

Two tools:

* ``find_lock_risks()``: a static look at every migration of the project for operations known to hold a long lock
  on a large table on PostgreSQL (an index built without CONCURRENTLY, a constraint validated in place, a column
  type change or SET NOT NULL, a callable default, data migrations). ``manage.py check_migration_locks`` fails
  while one of them is not in ``REVIEWED`` (each existing one is listed there with the reason it is acceptable).
* ``rehearse()``: on a scratch PostgreSQL database, fill the large tables with rows, then migrate every migration
  that touches them backwards and forwards again while a second connection keeps asking for the lock an INSERT
  needs (ROW EXCLUSIVE) on each large table and records how long it waited. Run by
  microcred/operations/tests/test_migration_locks.py.

PostgreSQL lock modes: PostgreSQL documentation, "Explicit Locking" (13.3) and "ALTER TABLE" (which subcommands
take ACCESS EXCLUSIVE, and that ADD COLUMN with a non-volatile default does not rewrite the table since 11).
"""

from __future__ import annotations

import datetime
import decimal
import json
import threading
import time
import uuid
from dataclasses import dataclass

from django.db import migrations as m
from django.db import models

# The tables that grow with use (one row per credential, per audited write, per enrolment).
LARGE_MODELS = {
    ("credentials", "issuedcredential"),
    ("audit", "auditevent"),
    ("learning", "enrolment"),
}

# (app, migration, operation index) → why the lock it takes is acceptable. Figures: the rehearsal on 100,000 rows
# per table (test_migration_locks.py; the longest wait an INSERT had on this table during the migration).
REVIEWED = {
    ("audit", "0002_append_only_triggers", 0): "creates the append-only triggers (CREATE TRIGGER: a brief SHARE ROW "
    "EXCLUSIVE lock, no scan of the rows).",
    ("credentials", "0004_one_active_issuance_job", 6): "stops duplicate active issuance jobs: reads and updates "
    "issuance jobs only, never the credentials table.",
    ("credentials", "0005_sources_and_learner", 3): "the learner foreign key's index, built without CONCURRENTLY "
    "(writes wait, reads go on): well under a second for 100,000 rows in the rehearsal.",
    ("credentials", "0006_fill_sources_and_learners", 0): "one UPDATE of every credential, then one UPDATE per "
    "credential without a learner: row locks only (INSERTs do not wait: 4.3 s on 100,000 rows in the rehearsal).",
    ("credentials", "0007_source_required", 0): "SET NOT NULL scans the table under ACCESS EXCLUSIVE: well under a "
    "second for 100,000 rows in the rehearsal.",
    ("credentials", "0007_source_required", 1): "index on (source_type, source_id) built without CONCURRENTLY "
    "(writes wait, reads go on): well under a second for 100,000 rows in the rehearsal.",
    ("credentials", "0007_source_required", 3): "CHECK constraint validated in place (ACCESS EXCLUSIVE while it "
    "scans): well under a second for 100,000 rows in the rehearsal.",
    ("credentials", "0013_status_list_entries_taken", 1): "counts each status list's credentials and copies (reads "
    "of the unique index: no lock that an INSERT waits for) and updates the status lists' own rows, a few an issuer.",
    ("credentials", "0014_credential_documents_compressed_with_lz4", 0): "SET COMPRESSION (PostgreSQL): ACCESS "
    "EXCLUSIVE for a change to the catalogue, no rewrite and no scan (values stored keep their compression).",
}


@dataclass(frozen=True)
class LockRisk:
    app_label: str
    migration: str
    index: int
    operation: str
    table: str
    why: str

    @property
    def key(self):
        return (self.app_label, self.migration, self.index)

    def __str__(self):
        return (
            f"{self.app_label}.{self.migration} operation {self.index} ({self.operation}) on {self.table}: {self.why}"
        )


def _large_table(app_label, model_name, state):
    key = (app_label, model_name.lower())
    if key not in LARGE_MODELS:
        return None
    model_state = state.models.get(key)
    return (model_state.options.get("db_table") if model_state else None) or f"{app_label}_{model_name.lower()}"


def _field_risks(old, new):
    """Why altering ``old`` into ``new`` holds a long lock, or None. Compares what Django would change in SQL."""
    reasons = []
    if old.get_internal_type() != new.get_internal_type() or getattr(old, "max_length", None) != getattr(
        new, "max_length", None
    ):
        # A shorter varchar or another type rewrites or scans the table (a longer varchar does not, but say so).
        reasons.append("changes the column type (a rewrite or scan under ACCESS EXCLUSIVE)")
    if old.null and not new.null:
        reasons.append("SET NOT NULL scans the whole table under ACCESS EXCLUSIVE")
    if (new.db_index and not old.db_index) or (new.unique and not old.unique):
        reasons.append("builds an index without CONCURRENTLY (writes wait)")
    return "; ".join(reasons) or None


def operation_risk(operation, app_label, state):
    """(table, why) when ``operation`` holds a long lock on a large table in the project ``state`` before it."""
    from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently

    if isinstance(operation, m.RunPython):
        # Code over the models of an app with a large table: it may walk the whole table.
        tables = sorted(_large_table(a, n, state) for a, n in LARGE_MODELS if a == app_label)
        if tables:
            return ", ".join(tables), "RunPython in an app with a large table: may run over the whole table"
        return None
    if isinstance(operation, m.RunSQL):
        sql = json.dumps(operation.sql).lower()
        tables = sorted(t for a, n in LARGE_MODELS if (t := _large_table(a, n, state)) and t in sql)
        return (", ".join(tables), "RunSQL on a large table: review its locks") if tables else None
    if isinstance(operation, (AddIndexConcurrently, RemoveIndexConcurrently)):
        return None
    model_name = getattr(operation, "model_name", None) or getattr(operation, "name", None)
    if not model_name or not (table := _large_table(app_label, model_name, state)):
        return None
    if isinstance(operation, m.AddIndex):
        return table, "AddIndex without CONCURRENTLY: writes wait while the index is built (AddIndexConcurrently)"
    if isinstance(operation, m.AddConstraint):
        if isinstance(operation.constraint, models.UniqueConstraint):
            return table, "a unique constraint builds its index under ACCESS EXCLUSIVE"
        return table, "the constraint is validated by a scan under ACCESS EXCLUSIVE (add it NOT VALID, validate later)"
    if isinstance(operation, (m.AlterUniqueTogether, m.AlterIndexTogether)) and operation.option_value:
        return table, "builds an index without CONCURRENTLY (writes wait)"
    if isinstance(operation, m.AddField):
        field = operation.field
        if not field.null and callable(field.default):
            return table, "NOT NULL with a callable default: one value for every row (add nullable, fill in batches)"
        if not field.null and not field.has_default() and field.db_default is models.NOT_PROVIDED:
            return table, "NOT NULL without a default: fails or rewrites on a populated table"
        if field.db_index or field.unique:
            return table, "builds an index without CONCURRENTLY (writes wait)"
        return None
    if isinstance(operation, m.AlterField):
        old = state.models[(app_label, model_name.lower())].fields.get(operation.name)
        if old is None:
            return None
        why = _field_risks(old, operation.field)
        return (table, why) if why else None
    return None


def find_lock_risks(loader=None, extra_migrations=()):
    """Every risky operation of the project's migrations (and of ``extra_migrations``: Migration objects not on
    disk, for tests), in graph order."""
    from django.db.migrations.loader import MigrationLoader

    loader = loader or MigrationLoader(None, ignore_no_migrations=True)  # the files only, no database
    risks = []
    project = [key for key in loader.graph.leaf_nodes() if _is_project(key[0])]
    nodes = list(dict.fromkeys(n for leaf in project for n in loader.graph.forwards_plan(leaf)))
    checked = [(key, loader.graph.nodes[key]) for key in nodes if _is_project(key[0])]
    for migration in extra_migrations:
        checked.append(((migration.app_label, migration.name), migration))
    for key, migration in checked:
        if key in loader.graph.nodes:
            state = loader.project_state(key, at_end=False)
        else:
            state = loader.project_state([(a, n) for a, n in migration.dependencies if (a, n) in loader.graph.nodes])
        created = set()  # a table created in the same migration is empty: nothing to lock for long
        for index, operation in enumerate(migration.operations):
            if isinstance(operation, m.CreateModel):
                created.add(operation.name_lower)
            found = operation_risk(operation, migration.app_label, state)
            model_name = getattr(operation, "model_name", None)
            if found and not (model_name and model_name.lower() in created):
                risks.append(LockRisk(key[0], key[1], index, type(operation).__name__, *found))
            operation.state_forwards(migration.app_label, state)
    return risks


def _is_project(app_label):
    from django.apps import apps

    try:
        return apps.get_app_config(app_label).name.startswith("microcred.")
    except LookupError:
        return False


def unreviewed(risks):
    return [risk for risk in risks if risk.key not in REVIEWED]


# --- Rehearsal on PostgreSQL ------------------------------------------------------------------------------------


def migrations_touching_large_tables(loader):
    """The latest migration of each large table's app, and the project's migrations whose operations reference a
    large model (the graph's own test,
    ``Operation.references_model``; RunPython/RunSQL only in the model's own app), except those that create it (no
    rows can exist before them) → [(app, name)] in graph order."""
    from django.db.migrations.operations.models import ModelOperation

    found = []
    leaves = [key for key in loader.graph.leaf_nodes() if _is_project(key[0])]
    large_apps = {app for app, _ in LARGE_MODELS}
    for key in dict.fromkeys(n for leaf in leaves for n in loader.graph.forwards_plan(leaf)):
        if not _is_project(key[0]):
            continue
        if key in leaves and key[0] in large_apps:
            found.append(key)  # the latest migration of a large table's app, whatever it touches
            continue
        migration = loader.graph.nodes[key]
        creates = any(
            isinstance(op, m.CreateModel) and (key[0], op.name_lower) in LARGE_MODELS for op in migration.operations
        )
        if creates:
            continue
        for op in migration.operations:
            if isinstance(op, (m.RunPython, m.RunSQL)):
                hit = any(a == key[0] for a, _ in LARGE_MODELS)
            elif isinstance(op, ModelOperation) or hasattr(op, "model_name"):
                # Model, field and index operations: on the model, or a foreign key to it (which locks it too).
                hit = any(op.references_model(name, app) for app, name in LARGE_MODELS)
            else:
                hit = False  # other operations say "maybe" about every model
            if hit:
                found.append(key)
                break
    return found


_LATER = iter(range(1, 1_000_000))  # each date is later than the one before: "from" fields come before "until"s


def _value(field, parents):
    if field.is_relation:
        return parents(field.related_model).pk
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.choices:
        return field.choices[0][0]
    kind = field.get_internal_type()
    if kind in {"CharField", "TextField", "SlugField"}:
        return "x"[: field.max_length or 1]
    if kind == "EmailField":
        return "x@example.org"
    if kind == "URLField":
        return "https://example.org/"
    if "Integer" in kind:
        return 1
    if kind == "DecimalField":
        return decimal.Decimal(0)
    if kind == "BooleanField":
        return False
    if kind == "DateTimeField":
        return datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=next(_LATER))
    if kind == "DateField":
        return datetime.date.today() + datetime.timedelta(days=next(_LATER))
    if kind == "JSONField":
        return {}
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind == "BinaryField":
        return b""
    if kind == "DurationField":
        return datetime.timedelta(0)
    raise ValueError(f"no sample value for {field.model.__name__}.{field.name} ({kind})")


def seed_parents():
    """One row of every model a large table's foreign keys need, made from the models' own field lists (their
    defaults, else the first choice or a typed sample) → {model: instance}."""
    made = {}

    def parent(model):
        model = model._meta.concrete_model
        if model not in made:
            values = {}
            for field in model._meta.concrete_fields:
                if field.primary_key and field.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}:
                    continue
                values[field.attname] = _value(field, parent)
            (made[model],) = model._base_manager.bulk_create([model(**values)])
        return made[model]

    return parent


def fill_large_tables(connection, rows):
    """``rows`` rows in each large table by INSERT … SELECT generate_series (columns: the models' own)."""
    from django.apps import apps

    parent = seed_parents()
    credential = apps.get_model("credentials", "IssuedCredential")
    version = parent(apps.get_model("catalogue", "MicroCredentialVersion"))
    user = parent(apps.get_model("accounts", "User"))
    per_table = {
        credential: {
            "uuid": "md5(g::text)::uuid",
            "completion_key": "'rehearsal-' || g",
            "source_type": "'catalogue.MicroCredentialVersion'",
            "source_id": str(version.pk),
            "micro_credential_version_id": str(version.pk),
            "learner_email": "'learner' || g || '@example.org'",
            "learner_name": "'Learner ' || g",
            "status_index": "g",
            "document": "jsonb_build_object('id', 'urn:uuid:' || md5(g::text)::uuid)",
            "issued_at": "now() - g * interval '1 minute'",
            "awarded_on": "current_date",
            "learner_id": str(user.pk),
        },
        apps.get_model("audit", "AuditEvent"): {
            "at": "now() - g * interval '1 second'",
            "actor_id": str(user.pk),
            "action": "'rehearsal.row'",
            "object_id": "g::text",
            "summary": "'Row ' || g",
            "changes": "'{}'::jsonb",
        },
        apps.get_model("learning", "Enrolment"): {
            "learner_id": str(user.pk),
            "status": "'cancelled'",  # one active enrolment per learner and offering; these are past ones
            "created_at": "now() - g * interval '1 minute'",
            "cancelled_at": "now()",
        },
    }
    with connection.cursor() as cursor:
        for model, given in per_table.items():
            columns, expressions = [], []
            for field in model._meta.concrete_fields:
                if field.primary_key:
                    continue
                columns.append(connection.ops.quote_name(field.column))
                if field.column in given:
                    expressions.append(given[field.column])
                elif field.attname in given:
                    expressions.append(given[field.attname])
                else:
                    value = _value(field, parent)
                    prepared = field.get_db_prep_save(value, connection)
                    expressions.append(cursor.mogrify("%s", [prepared]) if prepared is not None else "NULL")
            cursor.execute(
                # Table and column names from the models, values quoted by the driver, rows an int: no input.
                f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(e if isinstance(e, str) else e.decode() for e in expressions)} "
                f"FROM generate_series(1, {int(rows)}) AS g"
            )
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class LockProbe:
    """A second connection that keeps taking, then releasing, the lock an INSERT takes (ROW EXCLUSIVE) on each
    table, and records the longest wait per phase (the phase is whatever ``phase`` was when the wait started)."""

    def __init__(self, dsn, tables):
        self.dsn, self.tables = dsn, tables
        self.phase = "idle"
        self.longest = {}  # phase → {table: seconds}
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(120)

    def _run(self):
        import psycopg

        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                while not self._stop.is_set():
                    for table in self.tables:
                        phase = self.phase
                        try:
                            with conn.transaction(force_rollback=True):
                                conn.execute("SET LOCAL lock_timeout = '60s'")
                                started = time.monotonic()
                                conn.execute(f'LOCK TABLE "{table}" IN ROW EXCLUSIVE MODE')
                                waited = time.monotonic() - started
                        except psycopg.errors.UndefinedTable:
                            self.errors.append(f"{table} missing during {phase}")
                            continue
                        slot = self.longest.setdefault(phase, {})
                        slot[table] = max(slot.get(table, 0.0), waited)
                    time.sleep(0.01)
        except Exception as exc:  # reported by rehearse(): a probe that died measured nothing
            self.errors.append(repr(exc))


def _drops_large_table(executor, target):
    """The large model that migrating back to ``target`` would drop (its CreateModel unapplied), or None."""
    for migration, backwards in executor.migration_plan([target]):
        for op in migration.operations:
            if backwards and isinstance(op, m.CreateModel) and (migration.app_label, op.name_lower) in LARGE_MODELS:
                return f"{migration.app_label}.{op.name}"
    return None


def rehearse(rows=100_000, dsn=None):
    """On the current (scratch!) PostgreSQL database: migrate to the latest state, fill the large tables, then for
    each app with migrations touching them migrate back to just before the first of them and forward again one
    migration at a time, the probe measuring each step. → report dict (seconds per step, longest waits)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)  # the latest state
    started = time.monotonic()
    fill_large_tables(connection, rows)
    report = {"rows": rows, "fill_seconds": round(time.monotonic() - started, 2), "migrations": []}
    tables = sorted(_large_table(a, n, executor.loader.project_state()) for a, n in LARGE_MODELS)
    touching = migrations_touching_large_tables(executor.loader)
    by_app = {}
    for key in touching:
        by_app.setdefault(key[0], []).append(key)

    def run(phase, goal):
        probe.phase = phase
        t0 = time.monotonic()
        MigrationExecutor(connection).migrate(goal)
        time.sleep(0.1)  # the probe's last round finishes inside this phase
        return round(time.monotonic() - t0, 2)

    def waits(phase):
        return {t: round(w, 3) for t, w in sorted(probe.longest.get(phase, {}).items())}

    with LockProbe(dsn, tables) as probe:
        time.sleep(0.2)
        # Per app: back once to just before its first migration here (not further: that would drop a large table),
        # then forward one migration at a time, then the rest of the project forward again.
        for app_label, keys in by_app.items():
            entries = []
            for key in keys:
                migration = executor.loader.graph.nodes[key]
                parents = [p.key for p in executor.loader.graph.node_map[key].parents if p.key[0] == app_label]
                before = parents[0] if parents else (app_label, None)  # (app, None): none of its tables yet
                entry = {"migration": f"{key[0]}.{key[1]}", "before": before}
                drops = _drops_large_table(MigrationExecutor(connection), before)
                if not all(op.reversible for op in migration.operations) or drops:
                    # Not rehearsed here; the test fails on "not reversible" (rehearse such a migration alone).
                    entry["skipped"] = f"going back before it drops {drops}" if drops else "not reversible"
                else:
                    entries.append(entry)
                report["migrations"].append(entry)
            if not entries:
                continue
            back = f"{app_label} back to before {entries[0]['migration']}"
            entries[0]["backwards_seconds"] = run(back, [entries[0]["before"]])
            entries[0]["backwards_longest_wait_seconds"] = waits(back)
            for entry in entries:
                app, name = entry["migration"].split(".", 1)
                phase = f"{entry['migration']} forwards"
                entry["forwards_seconds"] = run(phase, [(app, name)])
                entry["longest_wait_seconds"] = waits(phase)
            rest = f"{app_label}: the rest of the project forwards"
            report.setdefault("rest_forwards", {})[app_label] = {
                "seconds": run(rest, targets),
                "longest_wait_seconds": waits(rest),
            }
        probe.phase = "idle"
    for entry in report["migrations"]:
        entry["before"] = ".".join(str(part) for part in entry["before"])
    report["probe_errors"] = probe.errors
    with connection.cursor() as cursor:
        report["rows_after"] = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - a table name from the models
            report["rows_after"][table] = cursor.fetchone()[0]
    return report


def main():  # pragma: no cover - the rehearsal's subprocess entry point (test_migration_locks.py)
    import os
    import sys

    import django

    django.setup()
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print("REPORT " + json.dumps(rehearse(rows, os.environ["REHEARSAL_DSN"])))


if __name__ == "__main__":
    main()
