import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
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
            document = json.loads(Path(envelope).read_text(encoding="utf-8"))
            operator_pem = Path(private_key).read_bytes()
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{envelope} is not JSON: {exc}") from exc
        passphrase = os.environ.get(passphrase_env, "").encode() if passphrase_env else None
        try:
            issuer_key, changed = import_issuer_key(document, operator_pem, passphrase=passphrase or None, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if changed:
            self.stdout.write(f"{issuer_key.verification_method_id} restored and sealed under the current KEK.")
        else:
            self.stdout.write(f"{issuer_key.verification_method_id} already opens under the current KEK: unchanged.")
