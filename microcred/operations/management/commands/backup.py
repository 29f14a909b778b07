"""manage.py backup --to DIR | s3://bucket/prefix: a consistent backup (see microcred/operations/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from microcred.operations.backup import make_backup
from microcred.operations.backup_manifest import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database (with its own tools), the uploaded documents and a manifest of checksums to a new "
        "directory or to s3://bucket/prefix. Never overwrites; the issuer keys stay encrypted and the KEK is not "
        "included."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="a directory that does not exist yet, or s3://bucket/prefix")

    def handle(self, *args, to, **options):
        def progress(message):
            if options["verbosity"] >= 1:
                self.stdout.write(message)

        try:
            result = make_backup(to, progress)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        contents = result.manifest["contents"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.location}: {len(result.manifest['files'])} files, "
                f"{contents['issued_credentials']} credentials, {contents['documents']} documents, "
                f"{contents['audit_log']['count']} audit events, {len(contents['issuer_keys'])} issuer keys "
                "(encrypted; keep CREDENTIAL_KEK elsewhere)."
            )
        )
