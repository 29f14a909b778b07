"""manage.py seal_elm CREDENTIAL [-o FILE]: the award's ELM credential sealed by its issuer (JAdES), to a file or
standard output. CREDENTIAL is the credential's number, UUID or urn:uuid: id."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.core.exceptions import DomainError
from microcred.credentials.services.status import find_credential
from microcred.seals import services


class Command(BaseCommand):
    help = "Write the sealed ELM (Europass) credential of an issued credential."

    def add_arguments(self, parser):
        parser.add_argument("credential", help="The credential's number, UUID or urn:uuid: id.")
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args, credential, output, **options):
        try:
            issued = find_credential(credential)
            data = services.seal_elm_credential(issued)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Sealed ELM credential of {issued.credential_id} written to {output}.")
        else:
            self.stdout.write(data.decode("utf-8"))
