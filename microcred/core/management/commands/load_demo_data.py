"""Load the demo data of every app, in dependency order (idempotent). Needs the reference data first.

The steps are the apps' own (`DEMO_STEPS` in each app's `demo` module, see `microcred.core.demo`).
"""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from microcred.core.demo import DemoDataMissing, registered_steps


class Command(BaseCommand):
    help = "Load demo people, proposals, catalogue, offerings with results, and issued credentials."

    def handle(self, *args, **options):
        # The e-mails the services send (workflow steps, enrolments, credentials) are not sent for demo data.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for step in registered_steps():
                try:
                    done = step.load()
                except DemoDataMissing as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(step.message.format(done))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
