import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.services.sd_jwt_verification import sd_jwt_text, verify_sd_jwt_vc
from microcred.credentials.services.verification import verify_credential_document

SYMBOLS = {True: "PASS", False: "FAIL", None: "----"}
RESULTS = {"valid": "VALID", "invalid": "INVALID", "could_not_check": "COULD NOT BE CHECKED"}


class Command(BaseCommand):
    help = (
        "Verify a credential file (JSON, a baked PNG or SVG badge, or an SD-JWT VC in its compact form) and print "
        "every check. "
        "Exit code 0 valid, 1 invalid, 2 could not be checked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="credential .json, baked .png or .svg, or SD-JWT VC ('-' reads standard input)"
        )
        parser.add_argument("--audience", help="SD-JWT VC: the audience its key-binding JWT must name")
        parser.add_argument("--nonce", help="SD-JWT VC: the nonce its key-binding JWT must carry")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file, **options):
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        compact = sd_jwt_text(data)
        if compact is not None:
            report = verify_sd_jwt_vc(compact, audience=options["audience"], nonce=options["nonce"])
        elif options["audience"] or options["nonce"]:
            raise CommandError("--audience and --nonce are for an SD-JWT VC; this file is not one.")
        else:
            report = verify_credential_document(data)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            if report.title or report.issuer_name:
                self.stdout.write(f"{report.title} — {report.issuer_name or report.issuer_id}")
            for check in report.checks:
                self.stdout.write(f"  [{SYMBOLS[check.passed]}] {check.check:<9} {check.message}")
            registry = getattr(report, "registry", None)
            if registry is not None and registry.state != "not_checked":
                self.stdout.write(f"  Registries: {registry.message}")  # services/trust_registry.py
            self.stdout.write(f"Result: {RESULTS[report.result]}" + ("" if report.is_valid else f" — {report.reason}"))
        sys.stdout.flush()
        if report.exit_code:
            sys.exit(report.exit_code)
