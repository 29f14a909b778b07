"""Load the demo data of every app, in dependency order (idempotent). Needs the reference data first."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from microcred.accounts.demo import load_demo_people
from microcred.credentials.demo import load_demo_credentials
from microcred.learning.demo import load_demo_learning
from microcred.proposals.demo import load_demo_proposals
from microcred.reference.models import Institution


class Command(BaseCommand):
    help = "Load demo people, proposals, catalogue, offerings with results, and issued credentials."

    def handle(self, *args, **options):
        institutions = {i.short_name: i for i in Institution.objects.all()}
        if not institutions:
            raise CommandError("No member institutions yet: run `manage.py load_reference_data` first.")
        try:
            created = load_demo_people(institutions)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo people: {created} created, the rest already there."))
        # The e-mails the services send (workflow steps, enrolments, credentials) are not sent for demo data.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.stdout.write(f"Demo proposals: {load_demo_proposals()} created.")
            self.stdout.write(f"Demo catalogue: {self._catalogue()}.")
            self.stdout.write(f"Demo offerings, enrolments and results: {load_demo_learning()}.")
            self.stdout.write(f"Demo credentials: {load_demo_credentials()} issued.")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _catalogue(self):
        try:
            from microcred.catalogue.demo import load_demo_catalogue
        except ImportError:
            return "none"
        return load_demo_catalogue()
