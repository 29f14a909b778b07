"""Read-only figures about issued credentials, for reporting (the alliance's targets and KPIs). No writes.

Counted are the credentials issued to learners (`IssuedCredential`); the copies sent to wallet apps are the same
awards and are not counted again. A credential counts as issued in the period it was issued, and as revoked in
the period it was revoked.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Lower

from microcred.core.periods import counts_by_period
from microcred.credentials.models import IssuedCredential, Issuer


def issued_and_revoked_by_period(period: str = "month") -> list[dict]:
    """Per period ("month", "quarter" or "year"): credentials issued, and credentials revoked."""
    issued = counts_by_period(IssuedCredential.objects.all(), "issued_at", period)
    revoked = counts_by_period(IssuedCredential.objects.all(), "revoked_at", period)
    return [
        {"period": name, "issued": issued.get(name, 0), "revoked": revoked.get(name, 0)}
        for name in sorted(set(issued) | set(revoked))
    ]


def issued_by_issuer() -> list[dict]:
    """Per issuer (a university or the alliance's central issuer): credentials issued, revoked, still valid."""
    issuers = (
        Issuer.objects.annotate(
            issued=Count("credentials"),
            revoked=Count("credentials", filter=Q(credentials__revoked_at__isnull=False)),
        )
        .filter(issued__gt=0)
        .order_by("name", "pk")
    )
    return [
        {
            "issuer": issuer.pk,
            "slug": issuer.slug,
            "name": issuer.name,
            "institution": issuer.institution_id,
            "issued": issuer.issued,
            "revoked": issuer.revoked,
            "valid": issuer.issued - issuer.revoked,
        }
        for issuer in issuers
    ]


def holder_aggregates() -> dict:
    """Aggregates that count the holders of credentials, each once however many they hold: by account
    (``accounts``), and, for credentials whose account was erased, by the address they were issued to (``erased``).
    Add the two for the number of people."""
    return {
        "accounts": Count("learner", distinct=True),
        "erased": Count(Lower("learner_email"), distinct=True, filter=Q(learner__isnull=True)),
    }


def certified_learner_count(credentials=None) -> int:
    """Learners holding at least one credential that is not revoked (of ``credentials``, all by default), each
    counted once: a revoked credential certifies nobody."""
    queryset = IssuedCredential.objects.all() if credentials is None else credentials
    row = queryset.filter(revoked_at__isnull=True).aggregate(**holder_aggregates())
    return row["accounts"] + row["erased"]
