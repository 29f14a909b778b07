from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials import escrow
from microcred.credentials.services.key_custody import import_issuer_key


class Command(BaseCommand):
    help = (
        "Put an escrowed issuer key (from export_issuer_key) back into its key row, sealed under the current "
        "CREDENTIAL_KEK. The row must already publish the same public key; nothing else is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("envelope", help="the envelope file written by export_issuer_key")
        parser.add_argument("--private-key", required=True, help="the operator's private key (PEM)")
        parser.add_argument(
            "--passphrase-env", help="name of the environment variable holding the private key's passphrase"
        )

    def handle(self, *args, envelope, private_key, passphrase_env, **options):
        try:
            document = escrow.read_envelope(envelope)
            passphrase = escrow.passphrase_from_env(passphrase_env)
            operator_pem = Path(private_key).read_bytes()
        except escrow.EscrowError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{private_key}: {exc.strerror}") from exc
        try:
            issuer_key, changed = import_issuer_key(document, operator_pem, passphrase=passphrase, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if changed:
            self.stdout.write(f"{issuer_key.verification_method_id} restored and sealed under the current KEK.")
        else:
            self.stdout.write(f"{issuer_key.verification_method_id} already opens under the current KEK: unchanged.")
