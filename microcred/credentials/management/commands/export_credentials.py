import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.selectors import issued_credentials


class Command(BaseCommand):
    help = "Write every issued credential (signed JSON) to DIR, one <uuid>.json file per credential."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write to (created if missing)")

    def handle(self, *args, out, **options):
        directory = Path(out)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create {out}: {exc.strerror}") from exc
        count = 0
        for credential in issued_credentials().iterator(chunk_size=500):
            path = directory / f"{credential.uuid}.json"
            path.write_text(json.dumps(credential.document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            count += 1
        self.stdout.write(f"Wrote {count} credential(s) to {directory}.")
