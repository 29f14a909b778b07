"""manage.py create_test_seal ISSUER [--replace]: a self-signed test seal (not a qualified electronic seal) for
an issuer, installed as its active seal and audited. Without --replace, an issuer with an active seal keeps it."""

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.keys import KeyEncryptionKeyError
from microcred.credentials.models import Issuer
from microcred.seals import services
from microcred.seals.models import SealCertificate


class Command(BaseCommand):
    help = "Create a self-signed TEST seal certificate for an issuer (its slug), for sealed ELM credentials."

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="The issuer's slug (e.g. ub), or 'all'.")
        parser.add_argument("--replace", action="store_true", help="Replace an active seal certificate.")

    def handle(self, *args, issuer, replace, **options):
        issuers = list(Issuer.objects.select_related("institution").order_by("slug"))
        if issuer != "all":
            issuers = [i for i in issuers if i.slug == issuer]
            if not issuers:
                raise CommandError(f"There is no issuer {issuer!r} (manage.py create_issuer_keys creates them).")
        for one in issuers:
            current = SealCertificate.objects.filter(issuer=one, active=True).first()
            if current is not None and not replace:
                self.stdout.write(f"{one.slug}: keeps its active seal certificate ({current.subject}).")
                continue
            try:
                seal = services.create_test_seal(one)
            except KeyEncryptionKeyError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.WARNING(
                    f"{one.slug}: test seal {seal.fingerprint_sha256[:16]}… until {seal.not_after:%Y-%m-%d}"
                )
            )
