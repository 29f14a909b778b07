import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials import escrow
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
        try:  # the file first: an --out that exists or cannot be written exports (and records) nothing
            handle = escrow.create_private_file(out)
        except escrow.EscrowError as exc:
            raise CommandError(str(exc)) from exc
        try:
            with handle:
                envelope = export_issuer_key(issuer, recipient_pem, number=number, actor=None)
                handle.write((json.dumps(envelope, indent=2) + "\n").encode("utf-8"))
        except BaseException as exc:
            Path(out).unlink(missing_ok=True)  # no empty or half-written envelope is left behind
            if isinstance(exc, DomainError):
                raise CommandError(exc.message) from exc
            raise
        self.stdout.write(
            f"{envelope['verificationMethod']} written to {out}, encrypted to the operator key with SHA-256 "
            f"{envelope['recipient']['publicKeySha256']} ({envelope['recipient']['algorithm']})."
        )
