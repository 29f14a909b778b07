"""Demo credentials (journey 7): issued from the finished demo offerings by each issuer's credential officer,
from several universities and from the alliance, with one revoked. Idempotent (issuance is per completion)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from microcred.accounts.services import assign_role
from microcred.core.demo import DemoStep
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services import bulk
from microcred.credentials.services.issuance import issuer_for_version
from microcred.credentials.services.issuers import create_issuer_keys
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


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(70, "Demo credentials: {} issued.", load_demo_credentials),
]
