"""Demo test seals: every demo issuer gets a self-signed TEST seal (not a qualified electronic seal), so the
wallet offers the sealed Europass file of each demo credential. Idempotent: an issuer with a seal keeps it."""

from __future__ import annotations

from microcred.core.demo import DemoStep
from microcred.credentials.models import Issuer
from microcred.seals.models import SealCertificate
from microcred.seals.services import create_test_seal


def load_test_seals() -> int:
    created = 0
    for issuer in Issuer.objects.select_related("institution").order_by("slug"):
        if not SealCertificate.objects.filter(issuer=issuer).exists():
            create_test_seal(issuer)
            created += 1
    return created


# After the demo credentials (70), so each demo credential's issuer can seal its Europass file.
DEMO_STEPS = [DemoStep(75, "Demo test seals: {} created.", load_test_seals)]
