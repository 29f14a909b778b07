"""Make a consistent backup of everything that matters (`manage.py backup --to DIR|s3://bucket/prefix`).

* The database with its own tools: PostgreSQL's ``pg_dump --format=custom`` of a snapshot exported by the
  transaction that also reads the manifest's figures (so they describe exactly the dump); SQLite's online backup
  API, inside one transaction likewise. The issuer keys are rows of the database, still sealed.
* Then the uploaded documents (MEDIA_ROOT). Stored files are never changed in place (a new upload gets a new
  name), so every file the database copy names is already on disk when the files are copied.
* Then manifest.json: versions, migration state per app, the database vendor and version, each file's size and
  SHA-256, and the contents the restore must find again.

Written into a hidden sibling directory first and renamed into place at the end: a backup directory exists
complete or not at all, and an existing one is never overwritten. For S3, see backup_s3.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction

from microcred.audit.services import record_audit_event
from microcred.credentials.keys import DEV_KEK_FILENAME
from microcred.operations import backup_manifest as bm
from microcred.operations.backup_manifest import BackupError, FileEntry

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BackupResult:
    location: str
    manifest: dict


def postgresql_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore from Django's connection settings (the password never on the
    command line, where other users could read it)."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    env["PGCONNECT_TIMEOUT"] = str(options.get("connect_timeout", 10))
    return env


def tool_version(tool: str) -> str:
    try:
        done = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(
            f"{tool} is not installed or cannot be run ({exc.strerror}); install the PostgreSQL client "
            f"of the server's major version or newer (Debian: apt-get install postgresql-client)."
        ) from exc
    return done.stdout.strip()


def run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed ({command[0]} exit code {done.returncode}): {done.stderr.strip()[:2000]}")


def _dump_postgresql(destination: Path) -> dict:
    """pg_dump of the snapshot this transaction exported; the manifest's figures are read in the same snapshot."""
    version = tool_version("pg_dump")
    connection.ensure_connection()  # its set-up statements must not open the transaction below
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        migrations = bm.applied_migrations()
        contents = bm.contents_summary()
        server = bm.database_server_version()
        run_tool(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={destination}",
            ],
            postgresql_environment(connection.settings_dict),
            "pg_dump",
        )
    database = {"vendor": "postgresql", "server_version": server, "tool": version, "file": bm.POSTGRESQL_DUMP}
    return {"database": database, "migrations": migrations, "contents": contents}


def _copy_sqlite(destination: Path) -> dict:
    """SQLite's online backup API, in one read transaction with the manifest's figures (a snapshot in WAL mode).

    A deferred transaction of our own: the backup API cannot copy from a connection that holds the write lock
    (Django's atomic blocks take it at once here, transaction_mode IMMEDIATE), so it waits for nothing else."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot be made inside a transaction.")
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        migrations = bm.applied_migrations()
        contents = bm.contents_summary()
        target = sqlite3.connect(destination)
        try:
            raw.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file: no -wal beside it
        finally:
            target.close()
    finally:
        raw.execute("COMMIT")
    database = {
        "vendor": "sqlite",
        "server_version": bm.database_server_version(),
        "tool": "sqlite3 online backup API",
        "file": bm.SQLITE_COPY,
    }
    return {"database": database, "migrations": migrations, "contents": contents}


def media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            f"Uploaded documents are kept in {type(default_storage).__name__}, not in files under MEDIA_ROOT: "
            "back that storage up with its own tools; this command copies MEDIA_ROOT only."
        )
    return Path(settings.MEDIA_ROOT)


def _copy_media(source: Path, destination: Path) -> list[Path]:
    """Copy every regular file under MEDIA_ROOT (symbolic links are not followed: they could lead anywhere)."""
    copied = []
    if not source.is_dir():
        return copied
    for folder, directories, files in os.walk(source):
        directories.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file() or name == DEV_KEK_FILENAME:
                continue
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied.append(target)
    return copied


def write_backup_directory(work: Path, progress: Progress) -> dict:
    """Fill the empty directory ``work`` with a backup; returns its manifest."""
    if connection.vendor == "postgresql":
        progress("Dumping the PostgreSQL database (pg_dump, custom format)…")
        described = _dump_postgresql(work / bm.POSTGRESQL_DUMP)
        database_file = work / bm.POSTGRESQL_DUMP
    elif connection.vendor == "sqlite":
        progress("Copying the SQLite database (online backup API)…")
        described = _copy_sqlite(work / bm.SQLITE_COPY)
        database_file = work / bm.SQLITE_COPY
    else:
        raise BackupError(f"Backups of a {connection.vendor} database are not supported (PostgreSQL or SQLite).")
    progress("Copying the uploaded documents (MEDIA_ROOT)…")
    media = _copy_media(media_root(), work / bm.MEDIA_DIR)
    progress("Computing checksums and writing manifest.json…")
    entries: list[FileEntry] = [bm.entry_for(work, database_file), *(bm.entry_for(work, path) for path in media)]
    manifest = bm.build_manifest(files=entries, **described)
    manifest_text = bm_json(manifest)
    (work / bm.MANIFEST).write_text(manifest_text, encoding="utf-8")
    _fsync_tree(work)
    return manifest


def bm_json(manifest: dict) -> str:
    import json

    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _fsync_tree(root: Path) -> None:
    for folder, _directories, files in os.walk(root):
        for name in files:
            with open(Path(folder) / name, "rb") as handle:
                os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def backup_to_directory(target: Path, progress: Progress = lambda message: None) -> BackupResult:
    target = Path(target).absolute()
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists: a backup never overwrites anything. Choose a new directory.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} does not exist: create it first (backups go in a new directory in it).")
    media = Path(settings.MEDIA_ROOT).resolve()
    if target.resolve().is_relative_to(media):
        raise BackupError(
            f"{target} is inside MEDIA_ROOT ({media}): the backup would copy itself with the documents. "
            "Choose a directory outside it."
        )
    work = target.parent / f".{target.name}.partial-{secrets.token_hex(4)}"
    work.mkdir(mode=0o700)
    try:
        manifest = write_backup_directory(work, progress)
        if target.exists():
            raise BackupError(f"{target} appeared while the backup was being made; it was left alone.")
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    record_backup(str(target), manifest)
    return BackupResult(str(target), manifest)


def record_backup(location: str, manifest: dict) -> None:
    """The audit event of a backup, written after the copy (so the backup itself does not contain it)."""
    contents = manifest["contents"]
    record_audit_event(
        actor=None,
        action="operations.backup_made",
        summary=f"Backup to {location}",
        changes={
            "location": location,
            "files": len(manifest["files"]),
            "issued_credentials": contents["issued_credentials"],
            "documents": contents["documents"],
            "audit_events": contents["audit_log"]["count"],
        },
    )


def make_backup(target: str, progress: Progress = lambda message: None) -> BackupResult:
    """Back up to a directory, or to ``s3://bucket/prefix`` (an S3-compatible object store)."""
    if not target.strip():  # Path("") is the current directory: say what is missing, not that it exists
        raise BackupError("Name where the backup goes: --to DIR (a new directory) or --to s3://bucket/prefix.")
    if target.startswith("s3://"):
        from microcred.operations.backup_s3 import backup_to_s3

        return backup_to_s3(target, progress)
    if "://" in target:
        raise BackupError(f"{target}: a backup goes to a directory or to s3://bucket/prefix.")
    return backup_to_directory(Path(target), progress)
