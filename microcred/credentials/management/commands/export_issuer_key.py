import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials.services.key_custody import export_issuer_key


class Command(BaseCommand):
    help = (
        "Write an issuer's private key encrypted to an operator's public key (RSA >= 3072 bits or X25519, PEM), "
        "for escrow. Open it with `manage.py import_issuer_key` or, offline, "
        "`python -m microcred.credentials.escrow FILE --private-key OPERATOR.pem --out KEY.pem`."
    )

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="the issuer's short name, e.g. ub")
        parser.add_argument("--recipient", required=True, help="the operator's public key (PEM)")
        parser.add_argument("--out", required=True, help="the envelope file to write (must not exist)")
        parser.add_argument("--key", type=int, dest="number", help="key number (default: the active key)")

    def handle(self, *args, issuer, recipient, out, number, **options):
        try:
            recipient_pem = Path(recipient).read_bytes()
        except OSError as exc:
            raise CommandError(f"{recipient}: {exc.strerror}") from exc
        if Path(out).exists():
            raise CommandError(f"{out} exists: choose another file (an envelope is never overwritten).")
        try:
            envelope = export_issuer_key(issuer, recipient_pem, number=number, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror}") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(envelope, handle, indent=2)
            handle.write("\n")
        self.stdout.write(
            f"{envelope['verificationMethod']} written to {out}, encrypted to the operator key with SHA-256 "
            f"{envelope['recipient']['publicKeySha256']} ({envelope['recipient']['algorithm']})."
        )
