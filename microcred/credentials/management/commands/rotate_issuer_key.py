from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials.services.issuers import rotate_issuer_key


class Command(BaseCommand):
    help = "Make a new active signing key for an issuer and retire the old one (old credentials still verify)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the issuer's short name, e.g. ub")

    def handle(self, *args, slug, **options):
        try:
            key = rotate_issuer_key(slug, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{slug}: new active key {key.verification_method_id} ({key.public_key_multibase})")
