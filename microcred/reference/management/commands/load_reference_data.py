"""manage.py load_reference_data [--only esco,eqf,...] [--data-dir DIR]"""

from django.core.management.base import BaseCommand, CommandError

from microcred.reference.loader import SECTIONS, LoadError, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with the application (alliance members, principles, content areas, "
        "targets, EQF, ISCED-F, ECTS, Europass vocabularies, GreenComp/DigComp, ESCO). Idempotent: a second run "
        "changes nothing. Every file is checked before anything is written; the writes are one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default="",
            help=f"Comma-separated sections to load (default: all). Sections: {', '.join(SECTIONS)}.",
        )
        parser.add_argument("--data-dir", default=None, help="Directory with the files (default: the shipped data).")

    def handle(self, *args, only="", data_dir=None, **options):
        sections = [s.strip() for s in only.split(",") if s.strip()] or None
        verbose = options.get("verbosity", 1) >= 2
        try:
            report = load_reference_data(
                data_dir=data_dir, only=sections, progress=(lambda msg: self.stdout.write(msg)) if verbose else None
            )
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        outcome = "Reference data loaded" if report.changed else "Reference data unchanged"
        self.stdout.write(self.style.SUCCESS(f"{outcome} in {report.seconds} s."))
