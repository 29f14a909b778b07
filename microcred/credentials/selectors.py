"""Read-only queries of the credentials app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.models import IssuedCredential, Issuer, StatusList
from microcred.reference.models import Institution


def issuer_by_slug(slug: str) -> Issuer | None:
    return Issuer.objects.select_related("institution").filter(slug=slug).first()


def issuer_by_did(did: str) -> Issuer | None:
    """Our issuer with this DID (and its institution), or None."""
    if not did:
        return None
    return Issuer.objects.select_related("institution").filter(did=did).first()


def issuer_for_version(version) -> Issuer:
    """Policy 7.20.3: formal → the accrediting university; non-formal and participation badges → the alliance."""
    if version.issued_by_alliance:
        institution = Institution.objects.filter(is_alliance=True).first()
        if institution is None:
            raise IssuerNotReady(_("The alliance is not set up as an institution, so it cannot issue credentials."))
    else:
        institution = version.awarding_institution
    issuer = Issuer.objects.select_related("institution").filter(institution=institution).first()
    if issuer is None:
        raise IssuerNotReady(
            _("%(name)s has no issuer yet. Run `manage.py create_issuer_keys`.") % {"name": institution.name}
        )
    return issuer


def job_issuer(job) -> Issuer:
    """The issuer an issuance job issues for (its credential officers may follow and run it)."""
    if job.issuer_id is not None:
        return job.issuer
    return issuer_for_version(job.offering.version)


def status_list_by_number(slug: str, number: int) -> StatusList | None:
    return (
        StatusList.objects.select_related("issuer")
        .filter(issuer__slug=slug, number=number, purpose=StatusList.Purpose.REVOCATION)
        .first()
    )


def issued_credentials() -> QuerySet[IssuedCredential]:
    return IssuedCredential.objects.select_related("issuer", "micro_credential_version").order_by("issued_at", "id")


def credentials_of(user) -> QuerySet[IssuedCredential]:
    """The credentials issued to the signed-in learner, newest first: those issued to their account, and those
    issued to no account at their e-mail address (the same rule as permissions.is_holder)."""
    if not user.is_authenticated:
        return IssuedCredential.objects.none()
    mine = Q(learner=user)
    if user.email:
        mine |= Q(learner__isnull=True, learner_email__iexact=user.email)
    return (
        IssuedCredential.objects.select_related("issuer", "issuer__institution", "micro_credential_version")
        .filter(mine)
        .order_by("-issued_at")
    )


def credential_by_uuid(value) -> IssuedCredential | None:
    """The credential with this UUID; None when there is none, or ``value`` is not a UUID (it may come from an
    uploaded file)."""
    try:
        return (
            IssuedCredential.objects.select_related("issuer", "issuer__institution", "micro_credential_version")
            .filter(uuid=value)
            .first()
        )
    except (ValueError, TypeError, ValidationError):  # UUIDField refuses a malformed string with ValidationError
        return None
