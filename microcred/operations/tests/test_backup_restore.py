"""Backup and restore round trip (issue #19, item 1), on the database the suite runs on: SQLite in the SQLite job,
PostgreSQL (pg_dump/pg_restore) in the PostgreSQL job (where the restored guard must refuse a DELETE as well).

A small demo (credentials, one revoked; a supporting document; audit events) is backed up by `manage.py backup`,
restored by `manage.py restore` in a new installation (its own process, database and VAR_DIR), and checked from
outside the restore's own checks: every credential verifies in the restored installation, every document downloads
with its checksum, the audit log has every event and its guard refuses an update.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from uuid import UUID

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from microcred.audit.models import AuditEvent
from microcred.audit.services import record_audit_event
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.status import revoke_credential
from microcred.operations.backup_manifest import MANIFEST
from microcred.operations.tests.backup_helpers import (
    PUBLIC_BASE_URL,
    fresh_database,
    installation_env,
    manage,
    probe,
    table_count,
)
from microcred.proposals.models import SupportingDocument
from microcred.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

UPDATE_FIRST_EVENT = "UPDATE audit_auditevent SET summary = 'x' WHERE id = (SELECT min(id) FROM audit_auditevent)"
DELETE_FIRST_EVENT = "DELETE FROM audit_auditevent WHERE id = (SELECT min(id) FROM audit_auditevent)"
PDF = b"%PDF-1.4\n% a supporting document of the demo\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


@pytest.fixture
def demo(settings, tmp_path, issue, make_version, make_user, institution):
    """Three credentials (one revoked), a supporting document on disk, and the audit events they leave."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    version = make_version()
    credentials = [
        issue(version=version, learner_name=name, awarded_on=date(2026, 7, 1))
        for name in ("Ana García", "Bence Kovács", "Chloé Martin")
    ]
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credentials[1].pk, "Issued in error, confirmed by the board.")
    proposal_version = version.proposal_version
    document = SupportingDocument(
        version=proposal_version,
        original_name="support.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=proposal_version.proposal.proposer,
    )
    document.file.save("support.pdf", ContentFile(PDF), save=False)
    document.save()
    record_audit_event(
        actor=proposal_version.proposal.proposer,
        action="proposal.document_added",
        target=proposal_version.proposal,
        summary="support.pdf",
    )
    return {"credentials": credentials, "revoked": credentials[1], "document": document}


def _rows(connect, sql: str) -> list[tuple]:
    database = connect()
    try:
        cursor = database.cursor()
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        database.close()


def _refused(connect, sql: str) -> bool:
    database = connect()
    try:
        cursor = database.cursor()
        try:
            cursor.execute(sql)
            database.commit()
        except (sqlite3.DatabaseError, Exception) as exc:  # psycopg.errors.RaiseException on PostgreSQL
            return "append-only" in str(exc)
        return False
    finally:
        database.close()


def test_round_trip_restores_a_working_installation(demo, tmp_path):
    events_before = list(AuditEvent.objects.order_by("id").values_list("id", "action", "summary"))
    assert len(events_before) >= 5  # issued ×3, revoked, document added (and what publishing wrote)
    originals = {str(c.uuid): c.document for c in IssuedCredential.objects.all()}

    backup = tmp_path / "backups" / "2026-12-03"
    backup.parent.mkdir()
    call_command("backup", "--to", str(backup), verbosity=0)

    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["contents"]["issued_credentials"] == 3
    assert manifest["contents"]["revoked_credentials"] == 1
    assert manifest["contents"]["documents"] == 1
    assert manifest["contents"]["audit_log"]["count"] == len(events_before)
    assert {key["issuer"] for key in manifest["contents"]["issuer_keys"]} == {"alliance", "ub", "uu"}
    assert "audit" in manifest["migrations"] and manifest["django"]
    names = {entry["path"] for entry in manifest["files"]}
    assert f"media/{demo['document'].file.name}" in names
    assert not any("kek" in name for name in names)  # the development KEK never travels with the keys
    assert not [p.name for p in backup.parent.iterdir() if p.name.startswith(".")]  # no partial directory left
    # The backup itself leaves an audit event, after the copy.
    assert AuditEvent.objects.filter(action="operations.backup_made").count() == 1

    with fresh_database(tmp_path) as (url, connect):
        env = installation_env(url, tmp_path / "restored-var")
        done = manage(env, "restore", "--from", str(backup), "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["passed"] and {c["name"] for c in report["checks"]} >= {
            "audit_guard",
            "audit_log",
            "issuer_keys",
            "credentials",
            "documents",
        }

        # From outside the restore's checks: the rows, the files, the guard.
        restored_events = _rows(connect, "SELECT id, action, summary FROM audit_auditevent ORDER BY id")
        assert restored_events[: len(events_before)] == events_before
        assert [row[1] for row in restored_events[len(events_before) :]] == ["operations.backup_restored"]
        assert _refused(connect, UPDATE_FIRST_EVENT)
        if connection.vendor == "postgresql":
            assert _refused(connect, DELETE_FIRST_EVENT)
        restored_documents = dict(_rows(connect, "SELECT uuid, document FROM credentials_issuedcredential"))
        restored_documents = {
            str(UUID(str(uuid))): document if isinstance(document, dict) else json.loads(document)
            for uuid, document in restored_documents.items()
        }
        assert restored_documents == originals
        restored_file = tmp_path / "restored-var" / "media" / demo["document"].file.name
        assert restored_file.read_bytes() == PDF

        # In the restored installation: every credential verifies, the revoked one says so; documents download.
        seen = probe(env)
        revoked = str(demo["revoked"].uuid)
        for uuid, result in seen["credentials"].items():
            assert result["checks"]["signature"] is True and result["checks"]["issuer"] is True, (uuid, result)
            assert result["result"] == ("invalid" if uuid == revoked else "valid"), (uuid, result)
            assert result["checks"]["status"] is (uuid != revoked)
        assert set(seen["credentials"]) == set(originals)
        assert seen["documents"] == {
            str(demo["document"].pk): {"status": 200, "sha256": hashlib.sha256(PDF).hexdigest()}
        }

        # The checks can fail: a credential altered after the restore is caught by `restore --check`.
        database = connect()
        cursor = database.cursor()
        altered = json.dumps({**originals[str(demo["credentials"][0].uuid)], "name": "Altered"})
        cursor.execute(
            "UPDATE credentials_issuedcredential SET document = %s WHERE uuid = %s".replace(
                "%s", "?" if isinstance(database, sqlite3.Connection) else "%s"
            ),
            [
                altered,
                demo["credentials"][0].uuid.hex
                if isinstance(database, sqlite3.Connection)
                else demo["credentials"][0].uuid,
            ],
        )
        database.commit()
        database.close()
        checked = manage(env, "restore", "--check", "--from", str(backup), "--json")
        assert checked.returncode == 1
        failed = {c["name"]: c for c in json.loads(checked.stdout)["checks"] if not c["passed"]}
        assert set(failed) == {"credentials"} and str(demo["credentials"][0].uuid) in failed["credentials"]["message"]


def _corrupt(backup, how: str) -> str:
    manifest_path = backup / MANIFEST
    if how == "manifest not JSON":
        manifest_path.write_text(manifest_path.read_text()[:-40])
        return "manifest.json is corrupt"
    if how == "manifest missing":
        manifest_path.unlink()
        return "has no manifest.json"
    if how == "file changed":
        document = next(p for p in (backup / "media").rglob("*") if p.is_file())
        document.write_bytes(document.read_bytes().replace(b"supporting", b"SUPPORTING"))
        return "does not match its checksum"
    if how == "file added":
        (backup / "media" / "extra.pdf").write_bytes(b"%PDF-1.4\n")
        return "media/extra.pdf is not in the manifest"
    if how == "path escapes":
        manifest = json.loads(manifest_path.read_text())
        manifest["files"][0]["path"] = "../../etc/passwd"
        manifest_path.write_text(json.dumps(manifest))
        return "points outside the backup"
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["manifest not JSON", "manifest missing", "file changed", "file added", "path escapes"])
def test_a_damaged_backup_is_refused_before_anything_is_written(demo, tmp_path, how):
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup), verbosity=0)
    expected = _corrupt(backup, how)
    with fresh_database(tmp_path) as (url, connect):
        var_dir = tmp_path / "restored-var"
        done = manage(installation_env(url, var_dir), "restore", "--from", str(backup))
        assert done.returncode != 0
        assert expected in done.stderr, done.stderr
        assert table_count(connect) == 0
        media = var_dir / "media"
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_restore_into_an_installation_with_data_is_refused(demo, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup), verbosity=0)
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"is not empty .* restored only into an empty database"):
        call_command("restore", "--from", str(backup), verbosity=0)
    assert AuditEvent.objects.count() == events
    assert IssuedCredential.objects.count() == 3


def test_restore_into_a_database_of_another_vendor_is_refused(demo, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup), verbosity=0)
    manifest = json.loads((backup / MANIFEST).read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["database"]["vendor"] = other
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", "--from", str(backup), verbosity=0)


def test_a_backup_made_by_a_newer_version_is_refused(demo, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup), verbosity=0)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["migrations"]["credentials"].append("9999_from_the_future")
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"newer version .*credentials\.9999_from_the_future"):
        call_command("restore", "--from", str(backup), verbosity=0)


def test_a_backup_never_overwrites(demo, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="already exists: a backup never overwrites"):
        call_command("backup", "--to", str(target), verbosity=0)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("to", ["", "  "])
def test_a_backup_without_a_destination_says_so_and_writes_nothing(to, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty --to would otherwise mean the current directory
    with pytest.raises(CommandError, match=r"Name where the backup goes: --to DIR"):
        call_command("backup", "--to", to, verbosity=0)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "proposals").mkdir(parents=True)
    for target in (tmp_path / "media" / "backup", tmp_path / "media" / "proposals" / "backup"):
        with pytest.raises(CommandError, match=r"is inside MEDIA_ROOT .*: the backup would copy itself"):
            call_command("backup", "--to", str(target), verbosity=0)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["media", "media/proposals"]


@pytest.mark.parametrize("command", ["restore", "check"])
def test_a_restore_from_another_kind_of_url_says_what_is_accepted(command, tmp_path):
    arguments = ["--from", "https://backups.example.org/microcred"] + (["--check"] if command == "check" else [])
    with pytest.raises(CommandError, match=r"is restored from a directory or from s3://bucket/prefix"):
        call_command("restore", *arguments, verbosity=0)


def test_a_failed_backup_leaves_nothing(demo, tmp_path, monkeypatch):
    from microcred.operations import backup as backup_module

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backup_module, "_copy_media", fail)
    with pytest.raises(OSError, match="disk full"):
        call_command("backup", "--to", str(tmp_path / "backup"), verbosity=0)
    assert not (tmp_path / "backup").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert not AuditEvent.objects.filter(action="operations.backup_made").exists()


def test_the_development_kek_is_not_in_a_backup_even_with_media_in_var_dir(demo, tmp_path, settings):
    """MEDIA_ROOT set to VAR_DIR itself (a misconfiguration) must not carry the development KEK into the backup."""
    settings.VAR_DIR = tmp_path / "media"
    (tmp_path / "media" / "credential-kek.dev").write_text("a development key")
    call_command("backup", "--to", str(tmp_path / "backup"), verbosity=0)
    assert not list((tmp_path / "backup").rglob("credential-kek.dev"))


def test_restore_check_reports_a_missing_document_and_a_wrong_kek(demo, settings):
    from pathlib import Path

    from microcred.credentials.tests.conftest import OTHER_KEK
    from microcred.operations.restore import check_installation

    Path(demo["document"].file.path).unlink()
    settings.CREDENTIAL_KEK = OTHER_KEK

    checks = {check.name: check for check in check_installation()}
    assert not checks["documents"].passed and "missing" in checks["documents"].message
    assert not checks["issuer_keys"].passed and "not the key-encryption key" in checks["issuer_keys"].message
    assert checks["audit_guard"].passed and checks["migrations"].passed
