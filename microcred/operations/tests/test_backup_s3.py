"""Backups to an S3-compatible object store: boto3 over HTTP against moto's S3 server (a real HTTP endpoint in this
process, as a MinIO or a cloud store would be), configured only through the standard AWS variables."""

from __future__ import annotations

import json
import secrets
import socket
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from microcred.operations.backup_manifest import BackupError
from microcred.operations.tests.backup_helpers import PUBLIC_BASE_URL, fresh_database, installation_env, manage

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(monkeypatch):
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    aws = {
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "test-access-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }
    for name, value in aws.items():
        monkeypatch.setenv(name, value)
    import boto3

    client = boto3.client("s3")
    bucket = f"microcred-backups-{secrets.token_hex(4)}"  # moto keeps buckets for the whole process
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield client, aws, bucket
    server.stop()


@pytest.fixture
def small_demo(settings, tmp_path, issue):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    (tmp_path / "media" / "meetings").mkdir(parents=True)
    (tmp_path / "media" / "meetings" / "paper.pdf").write_bytes(b"%PDF-1.4 a paper\n%%EOF\n")
    return [issue(awarded_on=date(2026, 7, 1)) for _ in range(2)]


def _keys(client, bucket, prefix):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def test_backup_to_s3_and_restore_from_it(s3, small_demo, tmp_path):
    client, aws, bucket = s3
    url = f"s3://{bucket}/microcred/2026-12-03"
    call_command("backup", "--to", url, verbosity=0)
    keys = _keys(client, bucket, "microcred/2026-12-03/")
    assert "microcred/2026-12-03/manifest.json" in keys
    assert "microcred/2026-12-03/media/meetings/paper.pdf" in keys
    manifest = json.loads(client.get_object(Bucket=bucket, Key="microcred/2026-12-03/manifest.json")["Body"].read())
    assert {f"microcred/2026-12-03/{entry['path']}" for entry in manifest["files"]} | {
        "microcred/2026-12-03/manifest.json"
    } == set(keys)

    with pytest.raises(CommandError, match="already holds objects"):
        call_command("backup", "--to", url, verbosity=0)
    assert _keys(client, bucket, "microcred/2026-12-03/") == keys

    with fresh_database(tmp_path) as (database_url, _connect):
        var_dir = tmp_path / "restored-var"
        done = manage(installation_env(database_url, var_dir, **aws), "restore", "--from", url, "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["passed"], report
        credentials = next(check for check in report["checks"] if check["name"] == "credentials")
        assert credentials["message"].startswith("2 credentials verify")
        assert (var_dir / "media" / "meetings" / "paper.pdf").read_bytes() == b"%PDF-1.4 a paper\n%%EOF\n"
        # The audit log names the backup restored, not the temporary directory it was downloaded into.
        audit = manage(
            installation_env(database_url, var_dir, **aws),
            "shell",
            "-c",
            "from microcred.audit.models import AuditEvent; "
            "print(AuditEvent.objects.filter(action='operations.backup_restored').get().summary)",
        )
        assert audit.stdout.strip().splitlines()[-1] == f"Restored from {url}", audit.stdout + audit.stderr


def test_a_prefix_without_manifest_is_not_a_backup(s3, small_demo, tmp_path):
    client, aws, bucket = s3
    url = f"s3://{bucket}/microcred/interrupted"
    call_command("backup", "--to", url, verbosity=0)
    client.delete_object(Bucket=bucket, Key="microcred/interrupted/manifest.json")
    with fresh_database(tmp_path) as (database_url, _connect):
        done = manage(installation_env(database_url, tmp_path / "var", **aws), "restore", "--from", url)
        assert done.returncode != 0
        assert "has no manifest.json: it is not a complete backup" in done.stderr


def test_an_interrupted_upload_deletes_what_it_uploaded(s3, small_demo):
    from microcred.operations.backup_s3 import backup_to_s3

    client, _aws, bucket = s3

    class FailsOnTheManifest:
        def __getattr__(self, name):
            return getattr(client, name)

        def upload_file(self, filename, bucket, key):
            if key.endswith("manifest.json"):
                raise OSError("connection reset")
            return client.upload_file(filename, bucket, key)

    with pytest.raises(BackupError, match="what was uploaded was deleted"):
        backup_to_s3(f"s3://{bucket}/microcred/broken", client=FailsOnTheManifest())
    assert _keys(client, bucket, "microcred/broken/") == []


def test_an_s3_target_needs_a_prefix():
    from microcred.operations.backup_s3 import parse_s3_url

    with pytest.raises(BackupError, match="name a bucket and a prefix"):
        parse_s3_url("s3://bucket-only")
    assert parse_s3_url("s3://b/a/b/") == ("b", "a/b")
