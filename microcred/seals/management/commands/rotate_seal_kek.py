"""manage.py rotate_seal_kek: during a KEK rotation (docs/operations.md, "Key custody"), after rotate_kek, re-seal
the seal keys still under CREDENTIAL_KEK_PREVIOUS under CREDENTIAL_KEK. Idempotent, all or nothing, audited."""

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.keys import KeyEncryptionKeyError
from microcred.seals.services import reseal_seal_keys


class Command(BaseCommand):
    help = "Re-seal the electronic-seal keys under the current CREDENTIAL_KEK."

    def handle(self, *args, **options):
        try:
            count = reseal_seal_keys()
        except KeyEncryptionKeyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{count} seal key(s) re-sealed under the current KEK.")
