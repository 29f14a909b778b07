"""manage.py export_processing_record [--format json|csv|md] [--language en] [--out FILE]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from microcred.privacy import ropa


class Command(BaseCommand):
    help = (
        "Export the record of processing activities (GDPR Art. 30(1)), built from the data model's personal-data "
        "declarations, the retention schedule and the privacy notice in force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", default="md", choices=sorted(ropa.FORMATS), help="File format (default: md).")
        parser.add_argument("--language", default="en", help="Language of the texts (default: en).")
        parser.add_argument("--out", default="", help="Write to this file (default: standard output).")

    def handle(self, *args, format="md", language="en", out="", **options):
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"Unknown language {language!r} (choose from {', '.join(dict(settings.LANGUAGES))}).")
        body = ropa.render(ropa.build(language), format)
        if out:
            try:
                Path(out).write_bytes(body)
            except OSError as exc:
                raise CommandError(f"Cannot write {out}: {exc.strerror}") from exc
            self.stdout.write(self.style.SUCCESS(f"Record of processing activities written to {out}."))
        else:
            self.stdout.write(body.decode("utf-8"), ending="")
