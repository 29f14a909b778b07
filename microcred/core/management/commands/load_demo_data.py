"""Load the demo data of every app, in dependency order (idempotent). Needs the reference data first."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from microcred.accounts.demo import load_demo_people
from microcred.credentials.demo import load_demo_credentials
from microcred.handoffs.demo import load_demo_handoffs
from microcred.learning.demo import load_demo_learning
from microcred.pathways.award_demo import load_demo_pathway_awards
from microcred.pathways.demo import load_demo_pathways
from microcred.proposals.demo import load_demo_proposals
from microcred.quality.demo import load_demo_quality
from microcred.recognition.demo import load_demo_recognition
from microcred.reference.models import Institution
from microcred.surveys.demo import load_demo_surveys


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
            self.stdout.write(f"Demo hand-off tasks: {load_demo_handoffs()} moved on from open.")
            self.stdout.write(f"Demo offerings, enrolments and results: {load_demo_learning()}.")
            self.stdout.write(f"Demo pathways: {load_demo_pathways()} approved.")
            self.stdout.write(f"Demo credentials: {load_demo_credentials()} issued.")
            self.stdout.write(f"Demo pathway credentials: {load_demo_pathway_awards()} awarded.")
            self.stdout.write(f"Demo recognition requests: {load_demo_recognition()} made.")
            self.stdout.write(f"Demo surveys: {load_demo_surveys()} anonymous responses.")
            self.stdout.write(f"Demo council report: {load_demo_quality()} recommendations.")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _catalogue(self):
        try:
            from microcred.catalogue.demo import load_demo_catalogue
        except ImportError:
            return "none"
        return load_demo_catalogue()
