"""Restore a backup into an empty installation, then prove it works (`manage.py restore --from DIR|s3://…`).

In this order, and nothing is written before step 4:

1. read manifest.json (a corrupt one is refused with what is wrong);
2. check every file's size and SHA-256 against it (a missing, changed or unlisted file is refused);
3. check the installation can take it: the same database vendor, no migration this code does not know (a backup
   from a newer version), and an EMPTY database (no tables) and MEDIA_ROOT (no files). There is no --force:
   restoring over data is never what anyone means; create a new database instead;
4. restore the database with its own tools (``pg_restore --single-transaction``; SQLite: the copy put in place),
   then the uploaded documents;
5. ``migrate``: a backup made by an older version is upgraded here;
6. check the result (:func:`check_installation`): the audit log's append-only guard is in place and refuses an
   update, the audit log is intact (count and SHA-256 of its rows up to the backup), the issuer keys open with
   this installation's CREDENTIAL_KEK, every credential's signature verifies with the restored issuer keys and its
   status says what the database says (revoked or not), every stored document is there with its checksum, and
   the counts match the manifest's.

``manage.py restore --check`` runs step 6 alone on the current installation (with ``--from`` to compare against a
backup's manifest), for the regular restore drill.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from microcred.audit.services import record_audit_event
from microcred.operations import backup_manifest as bm
from microcred.operations.backup import media_root, postgresql_environment, run_tool, tool_version
from microcred.operations.backup_manifest import BackupError

Progress = Callable[[str], None]
AUDIT_TABLE = "audit_auditevent"
AUDIT_TRIGGER = "audit_auditevent_no_update"
EXAMPLES = 5


@dataclass
class Check:
    name: str
    passed: bool
    message: str


@dataclass
class RestoreReport:
    source: str
    manifest: dict | None
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def as_dict(self) -> dict:
        return {"source": self.source, "passed": self.passed, "checks": [asdict(check) for check in self.checks]}


# 1 and 2: the backup is what its manifest says -------------------------------------------------------------------


def verified_manifest(root: Path) -> dict:
    """The manifest of the backup in ``root`` once every file matches it; BackupError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise BackupError(f"{root} is not a directory holding a backup.")
    manifest_path = root / bm.MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{root} has no {bm.MANIFEST}: it is not a complete backup of this platform.")
    manifest = bm.read_manifest(manifest_path.read_bytes(), str(root))
    problems = []
    listed = set()
    for entry in manifest["files"]:
        listed.add(entry["path"])
        path = root.joinpath(*bm.safe_relative_path(entry["path"]).parts)
        if path.is_symlink() or not path.is_file():
            problems.append(f"{entry['path']} is missing")
            continue
        size, digest = bm.sha256_of_file(path)
        if size != entry["size"] or digest != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its checksum (changed or damaged)")
    for folder, _directories, files in os.walk(root):
        for name in files:
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if relative != bm.MANIFEST and relative not in listed:
                problems.append(f"{relative} is not in the manifest")
    if problems:
        shown = problems[:20] + ([f"and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise BackupError(f"{root}: the backup does not match its manifest, nothing was restored: " + "; ".join(shown))
    return manifest


# 3: the installation can take it ------------------------------------------------------------------------------


def unknown_migrations(manifest: dict) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest["migrations"].items())
        for name in names
        if (app, name) not in known
    ]


def check_restorable(manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {vendor} database and this installation uses {connection.vendor}: restore it into "
            f"a {vendor} database (DATABASE_URL)."
        )
    newer = unknown_migrations(manifest)
    if newer:
        raise BackupError(
            "This backup was made by a newer version of the platform (its database has migrations this code does "
            f"not know: {', '.join(newer[:10])}). Install that version or a later one, then restore."
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(sorted(tables)[:3])}): a backup is restored only into an empty database. Create a new one "
            "(PostgreSQL: createdb; SQLite: a new file) and point DATABASE_URL at it."
        )
    media = media_root()
    if media.exists() and any(path.is_file() for path in media.rglob("*")):
        raise BackupError(f"MEDIA_ROOT ({media}) already holds files: restore only into an empty one.")


# 4 and 5: the database, the documents, the migrations --------------------------------------------------------


def _restore_postgresql(dump: Path) -> None:
    tool_version("pg_restore")
    environment = postgresql_environment(connection.settings_dict)
    connection.close()
    run_tool(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        environment,
        "pg_restore",
    )


def _restore_sqlite(copy: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: restore into a SQLite file (DATABASE_URL=sqlite:///…).")
    target = Path(name)
    connection.close()
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(copy, partial)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    os.replace(partial, target)


def _restore_media(source: Path, manifest: dict) -> None:
    media = media_root()
    prefix = f"{bm.MEDIA_DIR}/"
    for entry in manifest["files"]:
        if not entry["path"].startswith(prefix):
            continue
        relative = bm.safe_relative_path(entry["path"][len(prefix) :])
        target = media.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source.joinpath(*bm.safe_relative_path(entry["path"]).parts), partial)
        os.replace(partial, target)


def restore_from_directory(
    root: Path, progress: Progress = lambda message: None, source: str | None = None
) -> RestoreReport:
    """Restore the backup in ``root``; ``source``: where it came from (an s3:// prefix), for the report and the
    audit log, when ``root`` is only a temporary copy."""
    root = Path(root)
    source = source or str(root)
    progress(f"Checking every file of {root} against its manifest…")
    manifest = verified_manifest(root)
    check_restorable(manifest)
    database_file = root / manifest["database"]["file"]
    progress(f"Restoring the {manifest['database']['vendor']} database…")
    if manifest["database"]["vendor"] == "postgresql":
        _restore_postgresql(database_file)
    else:
        _restore_sqlite(database_file)
    progress("Restoring the uploaded documents…")
    try:
        _restore_media(root, manifest)
    except OSError as exc:
        raise BackupError(
            f"The database was restored but the documents could not be written ({exc}); empty the database and "
            "MEDIA_ROOT and restore again."
        ) from exc
    progress("Applying migrations (a backup of an older version is upgraded)…")
    call_command("migrate", interactive=False, verbosity=0)
    progress("Checking the restored installation…")
    report = RestoreReport(source, manifest, check_installation(manifest))
    record_audit_event(
        actor=None,
        action="operations.backup_restored",
        summary=f"Restored from {source}",
        changes={
            "backup_created_at": manifest.get("created_at", ""),
            "backup_version": manifest.get("application", {}).get("version", ""),
            "checks_passed": report.passed,
            "failed_checks": [check.name for check in report.checks if not check.passed],
        },
    )
    return report


@contextlib.contextmanager
def _local_copy(source: str, progress: Progress):
    """The backup at ``source`` as a local directory: the directory itself, or ``s3://bucket/prefix`` downloaded
    into a temporary one (removed afterwards)."""
    if source.startswith("s3://"):
        from microcred.operations.backup_s3 import download_from_s3

        with tempfile.TemporaryDirectory(prefix="microcred-restore-") as folder:
            progress(f"Downloading {source}…")
            download_from_s3(source, Path(folder))
            yield Path(folder)
        return
    if "://" in source:
        raise BackupError(f"{source}: a backup is restored from a directory or from s3://bucket/prefix.")
    yield Path(source)


def restore_backup(source: str, progress: Progress = lambda message: None) -> RestoreReport:
    with _local_copy(source, progress) as root:
        return restore_from_directory(root, progress, source=source if source.startswith("s3://") else None)


def manifest_of(source: str) -> dict:
    """The verified manifest of a backup (for ``restore --check --from``)."""
    with _local_copy(source, lambda message: None) as root:
        return verified_manifest(root)


# 6: the checks ----------------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _refused(sql: str) -> bool:
    """Whether the database refuses ``sql`` (always rolled back, whatever happens)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            raise _Rollback
    except _Rollback:
        return False
    except DatabaseError:
        return True


def _trigger_installed() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s AND tgenabled <> 'D'",
                [AUDIT_TABLE, AUDIT_TRIGGER],
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s", [AUDIT_TRIGGER])
        return cursor.fetchone()[0] == 1


def check_audit_guard() -> Check:
    from microcred.audit.models import AuditEvent

    if not _trigger_installed():
        return Check(
            "audit_guard", False, f"The trigger {AUDIT_TRIGGER} that keeps the audit log append-only is missing."
        )
    first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    if first is None:
        return Check("audit_guard", True, "The append-only trigger is in place (no events to try it on).")
    # Constant table name and an integer id: no input reaches these statements.
    tried = {"UPDATE": f"UPDATE {AUDIT_TABLE} SET summary = summary || 'x' WHERE id = {int(first)}"}  # noqa: S608
    if connection.vendor == "postgresql":
        tried["DELETE"] = f"DELETE FROM {AUDIT_TABLE} WHERE id = {int(first)}"  # noqa: S608
    allowed = [verb for verb, sql in tried.items() if not _refused(sql)]
    if allowed:
        return Check("audit_guard", False, f"The database accepted {' and '.join(allowed)} of an audit event.")
    return Check("audit_guard", True, f"The database refuses {' and '.join(tried)} of an audit event.")


def check_audit_log(manifest: dict | None) -> Check:
    if not manifest:
        summary = bm.audit_log_summary()
        return Check("audit_log", True, f"{summary['count']} events (no backup to compare with).")
    expected = manifest["contents"]["audit_log"]
    found = bm.audit_log_summary(last_id=expected["last_id"])
    if found["count"] != expected["count"] or found["sha256"] != expected["sha256"]:
        return Check(
            "audit_log",
            False,
            f"The audit log differs from the backup's: {found['count']} events up to #{expected['last_id']}, "
            f"{expected['count']} expected, checksum {'equal' if found['sha256'] == expected['sha256'] else 'different'}.",
        )
    return Check("audit_log", True, f"{found['count']} events, identical to the backup's (SHA-256 of every row).")


def check_issuer_keys(manifest: dict | None) -> Check:
    from microcred.credentials.keys import KeyEncryptionKeyError, unseal
    from microcred.credentials.models import IssuerKey

    keys = list(IssuerKey.objects.select_related("issuer").order_by("issuer__slug", "number"))
    if manifest is not None:
        expected = {(key["issuer"], key["number"]) for key in manifest["contents"]["issuer_keys"]}
        found = {(key.issuer.slug, key.number) for key in keys}
        if not expected <= found:
            missing = sorted(expected - found)[:EXAMPLES]
            return Check("issuer_keys", False, f"Issuer keys of the backup are missing: {missing}.")
    try:
        for key in keys:
            unseal(key.sealed_private_key, key.associated_data)
    except KeyEncryptionKeyError as exc:
        return Check("issuer_keys", False, f"{key.issuer.slug} key-{key.number}: {exc.message}")
    return Check("issuer_keys", True, f"{len(keys)} issuer keys open with this installation's CREDENTIAL_KEK.")


def _credential_problem(document: dict, revoked: bool) -> str:
    from microcred.credentials.services.verification import verify_credential_document

    report = verify_credential_document(document)
    checks = {check.check: check for check in report.checks}
    for name in ("signature", "issuer"):
        if checks.get(name) is None or checks[name].passed is not True:
            return f"{name}: {checks[name].message if name in checks else 'not checked'}"
    status = checks.get("status")
    if status is None or status.passed is None:
        return "status: could not be checked"
    if status.passed == revoked:
        return f"status says {'not ' if revoked else ''}revoked, the database says {'' if revoked else 'not '}revoked"
    return ""


def check_credentials(manifest: dict | None) -> Check:
    """Every issued credential (and holder-bound copy) is verified by the verification service: its signature with
    the restored issuer key, its issuer, and its status against the restored status list (revoked exactly when
    the database says so). Expiry is not a restore problem, so validity dates are not held against it."""
    from microcred.credentials.models import HolderBoundCredential, IssuedCredential

    failures = []
    total = 0
    originals = IssuedCredential.objects.values_list("uuid", "document", "revoked_at")
    copies = HolderBoundCredential.objects.values_list("uuid", "document", "original__revoked_at")
    for rows in (originals, copies):
        for uuid, document, revoked_at in rows.order_by("id").iterator(chunk_size=500):
            total += 1
            problem = _credential_problem(document, revoked_at is not None)
            if problem:
                failures.append(f"{uuid}: {problem}")
    if manifest is not None:
        contents = manifest["contents"]
        expected = contents["issued_credentials"] + contents["holder_bound_credentials"]
        if total != expected:
            failures.insert(0, f"{total} credentials, the backup had {expected}")
    if failures:
        return Check("credentials", False, f"{len(failures)} problems: " + "; ".join(failures[:EXAMPLES]))
    return Check("credentials", True, f"{total} credentials verify (signature, issuer, revocation status).")


def check_documents(manifest: dict | None) -> Check:
    """Every document a row names can be read back (as a download reads it) with its recorded size and SHA-256."""
    import hashlib

    failures = []
    total = 0
    for model, file_field in bm.file_fields():
        names = {f.name for f in model._meta.concrete_fields}
        wanted = ["pk", file_field.name] + [name for name in ("sha256", "size") if name in names]
        rows = model._default_manager.exclude(**{file_field.name: ""}).order_by("pk").values_list(*wanted)
        for row in rows.iterator(chunk_size=500):
            values = dict(zip(wanted, row, strict=True))
            total += 1
            label = f"{model._meta.label} #{values['pk']} ({values[file_field.name]})"
            try:
                with file_field.storage.open(values[file_field.name], "rb") as handle:
                    digest, size = hashlib.sha256(), 0
                    while chunk := handle.read(bm.CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except OSError:
                failures.append(f"{label}: missing")
                continue
            if "sha256" in values and values["sha256"] != digest.hexdigest():
                failures.append(f"{label}: checksum differs")
            elif "size" in values and values["size"] != size:
                failures.append(f"{label}: size differs")
    if manifest is not None and total != manifest["contents"]["documents"]:
        failures.insert(0, f"{total} documents, the backup had {manifest['contents']['documents']}")
    if failures:
        return Check("documents", False, f"{len(failures)} problems: " + "; ".join(failures[:EXAMPLES]))
    return Check("documents", True, f"{total} documents are there with their checksums.")


def check_migrations() -> Check:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return Check("migrations", False, f"{len(plan)} migrations are not applied (run manage.py migrate).")
    return Check("migrations", True, "Every migration is applied.")


def check_installation(manifest: dict | None = None) -> list[Check]:
    return [
        check_migrations(),
        check_audit_guard(),
        check_audit_log(manifest),
        check_issuer_keys(manifest),
        check_credentials(manifest),
        check_documents(manifest),
    ]


def settings_summary() -> str:
    return f"database {connection.settings_dict['NAME']} ({connection.vendor}), MEDIA_ROOT {settings.MEDIA_ROOT}"
