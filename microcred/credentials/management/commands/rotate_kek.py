from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials import keys
from microcred.credentials.services.key_custody import rotate_kek


class Command(BaseCommand):
    help = (
        "Re-seal every issuer key under the current key-encryption key (CREDENTIAL_KEK), opening those sealed "
        "under an old one listed in CREDENTIAL_KEK_PREVIOUS. All or nothing; running it again changes nothing. "
        "Afterwards remove the old KEK from CREDENTIAL_KEK_PREVIOUS."
    )

    def handle(self, *args, **options):
        try:
            result = rotate_kek(actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for old_id, count in result.resealed.items():
            self.stdout.write(f"re-sealed {count} issuer key(s) from KEK id {old_id} under KEK id {result.kek_id}")
        self.stdout.write(
            f"{result.resealed_count} re-sealed, {result.already_current} already under KEK id {result.kek_id}."
        )
        previous = [keys.kek_id(kek) for kek in keys.previous_keks()]
        if previous:
            self.stdout.write(
                "Every issuer key is now under CREDENTIAL_KEK: remove CREDENTIAL_KEK_PREVIOUS "
                f"(KEK ids {', '.join(previous)}) from every process's environment."
            )
