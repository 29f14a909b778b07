"""Load the demo data of every app (idempotent). Needs the reference data first."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from microcred.accounts.demo import load_demo_people
from microcred.proposals.demo import load_demo_proposals
from microcred.reference.models import Institution


class Command(BaseCommand):
    help = "Load demo people (and, as the apps grow, demo proposals, catalogue and credentials)."

    def handle(self, *args, **options):
        institutions = {i.short_name: i for i in Institution.objects.all()}
        if not institutions:
            raise CommandError("No member institutions yet: run `manage.py load_reference_data` first.")
        try:
            created = load_demo_people(institutions)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo people: {created} created, the rest already there."))
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            proposals = load_demo_proposals()  # the workflow's e-mails are not sent for demo data
        self.stdout.write(self.style.SUCCESS(f"Demo proposals: {proposals} created."))
