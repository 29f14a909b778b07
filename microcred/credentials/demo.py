"""Demo credentials (journey 7): issued from the finished demo offerings by each issuer's credential officer,
from several universities and from the alliance, with one revoked. Idempotent (issuance is per completion).
Each demo issuer also gets one or two certificate signatories, invented people with a drawn signature."""

from __future__ import annotations

import hashlib
import io

from django.contrib.auth import get_user_model
from django.utils import timezone

from microcred.accounts.services import assign_role
from microcred.core.demo import DemoStep
from microcred.credentials.models import IssuedCredential, Issuer, IssuerSignatory
from microcred.credentials.services import bulk
from microcred.credentials.services.issuance import issuer_for_version
from microcred.credentials.services.issuers import create_issuer_keys
from microcred.credentials.services.signatories import normalise_signature
from microcred.credentials.services.status import revoke_credential
from microcred.roles import Role


def _officer_for(issuer):
    """The demo credential officer of this issuer (created for universities that have none in the demo)."""
    User = get_user_model()
    institution = issuer.institution
    scope = {"role_assignments__role": Role.CREDENTIAL_OFFICER}
    if institution.is_alliance:
        found = User.objects.filter(**scope, role_assignments__institution__isnull=True).first()
    else:
        found = User.objects.filter(**scope, role_assignments__institution=institution).first()
    if found:
        return found
    from microcred.accounts.demo import DEMO_PASSWORD

    slug = institution.short_name.lower().replace("å", "a")
    officer, _ = User.objects.get_or_create(
        email=f"officer.{slug}@demo.microcred.eu",
        defaults={"full_name": f"Credential officer {institution.short_name}", "email_verified_at": timezone.now()},
    )
    # get_or_create leaves the password empty, which Django counts as "usable" yet matches nothing.
    if not officer.password or not officer.has_usable_password():
        officer.set_password(DEMO_PASSWORD)
        officer.save(update_fields=["password"])
    assign_role(
        user=officer, role=Role.CREDENTIAL_OFFICER, institution=None if institution.is_alliance else institution
    )
    return officer


def load_demo_credentials() -> int:
    from microcred.learning.models import Offering

    create_issuer_keys()
    load_demo_signatories()
    issued = 0
    for offering in Offering.objects.filter(ends_on__lt=timezone.localdate()).select_related("version"):
        pending = bulk.pending_completions(offering)
        if not pending:
            continue
        officer = _officer_for(issuer_for_version(offering.version))
        for enrolment in pending:
            bulk.issue_for_enrolment(enrolment=enrolment, issued_by=officer)
            issued += 1
    # Journey 7: a credential issued to the wrong person is revoked with a reason.
    if not IssuedCredential.objects.filter(revoked_at__isnull=False).exists():
        victim = (
            IssuedCredential.objects.exclude(learner_email__iexact="learner@demo.microcred.eu").order_by("pk").first()
        )
        if victim is not None:
            revoke_credential(_officer_for(victim.issuer), victim.pk, "Issued to the wrong person.")
    return issued


# Invented people for the demo certificates (no real officer of any university).
DEMO_NAMES = [
    "Elena Martí Soler",
    "Pieter van den Berg",
    "Katalin Szabó",
    "Aoife Ní Bhriain",
    "Claire Dubois",
    "Henrik Lindqvist",
    "Marta Kowalska",
    "Jonas Keller",
]


def _demo_signature(name: str) -> bytes:
    """A handwritten-looking signature of an invented person: the name slanted, with a flourish under it,
    in dark blue ink on a transparent background, kept like any upload (services.signatories)."""
    from PIL import Image, ImageDraw, ImageFont

    from microcred.core.pdf import FONTS

    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 64)
    ink = (22, 36, 92, 255)
    width = int(font.getlength(name)) + 80
    image = Image.new("RGBA", (width, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.text((30, 30), name, font=font, fill=ink)
    seed = hashlib.sha256(name.encode("utf-8")).digest()
    points = [(20 + i * (width - 40) / 7, 125 + (seed[i] % 22) - 11) for i in range(8)]
    draw.line(points, fill=ink, width=4, joint="curve")
    slanted = image.transform(image.size, Image.Transform.AFFINE, (1, 0.3, -24, 0, 1, 0), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    slanted.save(buffer, format="PNG")
    return normalise_signature(buffer.getvalue())


def load_demo_signatories() -> int:
    """One or two signatories for each issuer that has none: the rector (the alliance's secretary-general) with a
    signature, and for the alliance also the chair of its academic council, named without a signature."""
    added = 0
    for issuer in Issuer.objects.select_related("institution").filter(signatories__isnull=True):
        index = hashlib.sha256(issuer.slug.encode("utf-8")).digest()[0] % len(DEMO_NAMES)
        name = DEMO_NAMES[index]
        title = "Secretary-General" if issuer.is_alliance else "Rector"
        IssuerSignatory.objects.create(issuer=issuer, order=1, name=name, title=title, signature=_demo_signature(name))
        added += 1
        if issuer.is_alliance:
            second = DEMO_NAMES[(index + 1) % len(DEMO_NAMES)]
            IssuerSignatory.objects.create(issuer=issuer, order=2, name=second, title="Chair of the Academic Council")
            added += 1
    return added


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(70, "Demo credentials: {} issued.", load_demo_credentials),
]
