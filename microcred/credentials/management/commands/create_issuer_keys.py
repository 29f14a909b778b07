from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials.services.issuers import create_issuer_keys


class Command(BaseCommand):
    help = "Create an issuer with an active Ed25519 key for the alliance and every member institution lacking one."

    def handle(self, *args, **options):
        try:
            results = create_issuer_keys(actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not results:
            self.stdout.write("No institutions found. Load the reference data first (manage.py load_reference_data).")
        for issuer, created in results:
            state = "created" if created else "unchanged"
            self.stdout.write(f"{issuer.slug:<12} {state:<10} {issuer.did}")
