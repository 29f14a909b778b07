"""Backups to and from an S3-compatible object store (`--to s3://bucket/prefix`, `--from s3://bucket/prefix`).

The backup is made in a local temporary directory exactly as for a directory target, then uploaded under the
prefix: every file first, manifest.json last. An object store has no rename, so the manifest is the commit mark: a
prefix without one is not a backup (an interrupted upload is deleted, and a restore refuses what is left). A prefix
that already holds anything is refused: nothing is overwritten.

boto3 reads the endpoint, region and credentials from the standard AWS configuration, so any S3-compatible store
works (MinIO, Ceph, a cloud's): ``AWS_ENDPOINT_URL_S3`` (or ``AWS_ENDPOINT_URL``), ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, or a profile in ~/.aws/.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from microcred.operations import backup_manifest as bm
from microcred.operations.backup_manifest import BackupError


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix without trailing slash) of ``s3://bucket/prefix``; the prefix is required."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    if not bucket or not prefix:
        raise BackupError(f"{url}: name a bucket and a prefix for this backup, e.g. s3://backups/microcred/2026-12-03.")
    return bucket, prefix


def s3_client():
    try:
        import boto3
    except ImportError as exc:  # pragma: no cover - boto3 is in requirements/base.txt
        raise BackupError("boto3 is not installed (pip install -r requirements/base.txt).") from exc
    return boto3.client("s3")


def _client_error(exc: Exception, what: str) -> BackupError:
    return BackupError(f"The object store refused to {what}: {exc}")


def _keys_under(client, bucket: str, prefix: str, *, limit: int | None = None) -> list[str]:
    keys = []
    token = None
    while True:
        arguments = {"Bucket": bucket, "Prefix": f"{prefix}/"}
        if token:
            arguments["ContinuationToken"] = token
        if limit:
            arguments["MaxKeys"] = limit
        page = client.list_objects_v2(**arguments)
        keys.extend(item["Key"] for item in page.get("Contents", []))
        if limit and len(keys) >= limit:
            return keys[:limit]
        if not page.get("IsTruncated"):
            return keys
        token = page["NextContinuationToken"]


def backup_to_s3(url: str, progress=lambda message: None, *, client=None):
    from botocore.exceptions import BotoCoreError, ClientError

    from microcred.operations.backup import BackupResult, record_backup, write_backup_directory

    bucket, prefix = parse_s3_url(url)
    client = client or s3_client()
    try:
        if _keys_under(client, bucket, prefix, limit=1):
            raise BackupError(f"{url} already holds objects: a backup never overwrites anything. Choose a new prefix.")
    except (BotoCoreError, ClientError) as exc:
        raise _client_error(exc, f"list {url}") from exc
    with tempfile.TemporaryDirectory(prefix="microcred-backup-") as folder:
        work = Path(folder)
        manifest = write_backup_directory(work, progress)
        uploaded = []
        names = [entry["path"] for entry in manifest["files"]] + [bm.MANIFEST]  # the manifest last: the commit
        try:
            for name in names:
                progress(f"Uploading {name}…")
                key = f"{prefix}/{name}"
                client.upload_file(str(work / name), bucket, key)
                uploaded.append(key)
        except (BotoCoreError, ClientError, OSError) as exc:
            for key in reversed(uploaded):
                with contextlib.suppress(BotoCoreError, ClientError):
                    client.delete_object(Bucket=bucket, Key=key)
            raise _client_error(exc, f"store the backup under {url} (what was uploaded was deleted)") from exc
    record_backup(url, manifest)
    return BackupResult(url, manifest)


def download_from_s3(url: str, destination: Path, *, client=None) -> None:
    """Download the backup under ``url`` into the empty directory ``destination`` (checked by the restore)."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_s3_url(url)
    client = client or s3_client()
    try:
        keys = _keys_under(client, bucket, prefix)
        if f"{prefix}/{bm.MANIFEST}" not in keys:
            raise BackupError(f"{url} has no {bm.MANIFEST}: it is not a complete backup.")
        for key in keys:
            relative = bm.safe_relative_path(key[len(prefix) + 1 :])
            if relative is None:
                raise BackupError(f"{url}: the object {key!r} has a name that cannot be a file of a backup.")
            target = destination / Path(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, key, str(target))
    except (BotoCoreError, ClientError) as exc:
        raise _client_error(exc, f"read {url}") from exc
