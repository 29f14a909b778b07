"""What a backup is made of, and what its manifest (manifest.json) records: shared by backup and restore.

A backup is a directory (or the same files under an S3 prefix)::

    manifest.json          what follows, with a size and a SHA-256 for every file
    database.dump          PostgreSQL: pg_dump's custom format (a consistent snapshot by itself)
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    media/...              the uploaded documents (MEDIA_ROOT), as stored

The issuer keys are in the database, still sealed with the key-encryption key (credentials/keys.py); the manifest
names each key with the public id of the KEK that opens it (a keyed hash, not the KEK). The development KEK file
(VAR_DIR/credential-kek.dev) is never copied: a backup that holds the keys and the key that opens them is one stolen
disk away from every issuer's signature.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import subprocess
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from microcred.core.exceptions import DomainError

FORMAT = "microcred-backup/1"
MANIFEST = "manifest.json"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup cannot be made or restored; the message says why and what to do. Nothing was changed."""

    code = "backup"
    status = 400


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, with forward slashes
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


def sha256_of_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def entry_for(root: Path, path: Path) -> FileEntry:
    size, digest = sha256_of_file(path)
    return FileEntry(path.relative_to(root).as_posix(), size, digest)


def safe_relative_path(text) -> PurePosixPath | None:
    """The manifest's path as a relative path inside the backup, or None if it could point elsewhere."""
    if not isinstance(text, str) or not text or "\\" in text or "\x00" in text:
        return None
    path = PurePosixPath(text)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return None
    return path


def application_version() -> dict:
    """The version in pyproject.toml and the git commit of the code, when it is a git checkout."""
    base = Path(__file__).resolve().parents[2]  # the checkout: microcred/operations/ is two levels down
    version = ""
    with contextlib.suppress(OSError, KeyError, tomllib.TOMLDecodeError):
        version = tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    commit = ""
    try:
        done = subprocess.run(  # noqa: S603
            ["git", "-C", str(base), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if done.returncode == 0:
            commit = done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return {"name": "microcred", "version": version, "git_commit": commit}


def applied_migrations() -> dict[str, list[str]]:
    """Every migration the database records as applied, per app (the backup's schema)."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def database_server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""


def audit_log_summary(last_id: int | None = None) -> dict:
    """The audit log's row count, last id and a SHA-256 over every row up to ``last_id`` (all when None), in id
    order: a restore compares the same figures, so a lost, changed or reordered event is seen."""
    from microcred.audit.models import AuditEvent

    rows = AuditEvent.objects.order_by("id")
    if last_id is not None:
        rows = rows.filter(id__lte=last_id)
    digest = hashlib.sha256()
    count = 0
    last = 0
    fields = ("id", "at", "actor_id", "action", "object_type", "object_id", "object_repr", "summary", "changes")
    for row in rows.values_list(*fields).iterator(chunk_size=2000):
        record = [*row[:-1], json.dumps(row[-1], sort_keys=True, ensure_ascii=False)]
        record[1] = record[1].astimezone(UTC).isoformat() if record[1] else ""
        digest.update(("\t".join("" if value is None else str(value) for value in record) + "\n").encode("utf-8"))
        count += 1
        last = row[0]
    return {"count": count, "last_id": last, "sha256": digest.hexdigest()}


def file_fields():
    """(model, field) for every FileField of every installed model: where uploaded documents are named."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def stored_document_count() -> int:
    total = 0
    for model, field in file_fields():
        total += model._default_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True}).count()
    return total


def contents_summary() -> dict:
    """What the restore must find again: issuer keys (with their KEK's public id), credentials, documents and the
    audit log. Read in the same transaction as the database copy, so the figures describe the copy."""
    from microcred.credentials.models import HolderBoundCredential, IssuedCredential, IssuerKey

    keys = [
        {"issuer": slug, "number": number, "kek_id": sealed.split("$")[1] if sealed.count("$") == 2 else ""}
        for slug, number, sealed in IssuerKey.objects.order_by("issuer__slug", "number").values_list(
            "issuer__slug", "number", "sealed_private_key"
        )
    ]
    return {
        "issuer_keys": keys,
        "issued_credentials": IssuedCredential.objects.count(),
        "revoked_credentials": IssuedCredential.objects.filter(revoked_at__isnull=False).count(),
        "holder_bound_credentials": HolderBoundCredential.objects.count(),
        "documents": stored_document_count(),
        "audit_log": audit_log_summary(),
    }


def build_manifest(*, database: dict, migrations: dict, contents: dict, files: list[FileEntry]) -> dict:
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "application": application_version(),
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": database,
        "migrations": migrations,
        "contents": contents,
        "files": [entry.as_dict() for entry in sorted(files, key=lambda entry: entry.path)],
    }


def read_manifest(text: bytes | str, where: str) -> dict:
    """The manifest, checked for shape; BackupError with what is wrong otherwise."""
    try:
        manifest = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{where}: {MANIFEST} is corrupt (not JSON: {exc}); this backup cannot be restored.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise BackupError(
            f"{where}: {MANIFEST} is not a manifest of this platform's backups ({FORMAT}; found {found!r})."
        )
    problems = []
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in ("postgresql", "sqlite"):
        problems.append("database.vendor is missing or unknown")
    elif database.get("file") not in (POSTGRESQL_DUMP, SQLITE_COPY):
        problems.append("database.file is missing or unknown")
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        problems.append("files is missing or empty")
    else:
        seen = set()
        for entry in files:
            ok = (
                isinstance(entry, dict)
                and safe_relative_path(entry.get("path")) is not None
                and isinstance(entry.get("size"), int)
                and entry["size"] >= 0
                and isinstance(entry.get("sha256"), str)
                and len(entry["sha256"]) == 64
            )
            if not ok:
                problems.append(f"a file entry is malformed or points outside the backup: {entry!r}"[:300])
            elif entry["path"] in seen:
                problems.append(f"{entry['path']} is listed twice")
            else:
                seen.add(entry["path"])
        if isinstance(database, dict) and database.get("file") not in seen:
            problems.append("the database file is not in the file list")
    if not isinstance(manifest.get("migrations"), dict):
        problems.append("migrations is missing")
    if not isinstance(manifest.get("contents"), dict):
        problems.append("contents is missing")
    if problems:
        raise BackupError(f"{where}: {MANIFEST} is corrupt: " + "; ".join(problems) + ".")
    return manifest
