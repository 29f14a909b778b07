"""manage.py restore --from DIR | s3://bucket/prefix into an empty installation, then check it;
manage.py restore --check [--from …]: the checks alone (see microcred/operations/restore.py)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from microcred.operations.backup_manifest import BackupError
from microcred.operations.restore import RestoreReport, check_installation, manifest_of, restore_backup

SYMBOLS = {True: "PASS", False: "FAIL"}


class Command(BaseCommand):
    help = (
        "Restore a backup into an EMPTY installation (refused otherwise): every checksum is verified before "
        "anything is written, then the database, the documents, migrate, and checks (audit log and its append-only "
        "guard, issuer keys, every credential, every document). Exit code 0 when every check passes, 1 otherwise. "
        "With --check, only the checks, on the current installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", help="the backup: a directory or s3://bucket/prefix")
        parser.add_argument(
            "--check", action="store_true", help="restore nothing: check this installation (against --from if given)"
        )
        parser.add_argument("--json", action="store_true", help="print the checks as JSON")

    def handle(self, *args, source, check, **options):
        def progress(message):
            if options["verbosity"] >= 1 and not options["json"]:
                self.stdout.write(message)

        try:
            if check:
                manifest = manifest_of(source) if source else None
                report = RestoreReport(source or "", manifest, check_installation(manifest))
            elif not source:
                raise CommandError("Name the backup to restore: --from DIR or --from s3://bucket/prefix.")
            else:
                report = restore_backup(source, progress)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            for item in report.checks:
                self.stdout.write(f"  [{SYMBOLS[item.passed]}] {item.name:<12} {item.message}")
            if report.passed:
                self.stdout.write(
                    self.style.SUCCESS("Every check passed." if check else "Restored; every check passed.")
                )
            else:
                self.stdout.write(self.style.ERROR("Some checks FAILED (above)."))
        sys.stdout.flush()
        if not report.passed:
            sys.exit(1)
