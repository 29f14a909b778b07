"""Read-only queries of the credentials app."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred.credentials.models import IssuedCredential, Issuer, StatusList


def issuer_by_slug(slug: str) -> Issuer | None:
    return Issuer.objects.select_related("institution").filter(slug=slug).first()


def status_list_by_number(slug: str, number: int) -> StatusList | None:
    return (
        StatusList.objects.select_related("issuer")
        .filter(issuer__slug=slug, number=number, purpose=StatusList.Purpose.REVOCATION)
        .first()
    )


def issued_credentials() -> QuerySet[IssuedCredential]:
    return IssuedCredential.objects.select_related("issuer", "micro_credential_version").order_by("issued_at", "id")


def credentials_of(user) -> QuerySet[IssuedCredential]:
    """The credentials issued to the signed-in learner (by e-mail), newest first."""
    if not user.is_authenticated or not user.email:
        return IssuedCredential.objects.none()
    return (
        IssuedCredential.objects.select_related("issuer", "issuer__institution", "micro_credential_version")
        .filter(learner_email__iexact=user.email)
        .order_by("-issued_at")
    )


def credential_by_uuid(value) -> IssuedCredential | None:
    try:
        return (
            IssuedCredential.objects.select_related("issuer", "issuer__institution", "micro_credential_version")
            .filter(uuid=value)
            .first()
        )
    except (ValueError, TypeError):
        return None
