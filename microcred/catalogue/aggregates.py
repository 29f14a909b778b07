"""Read-only figures about the catalogue, for reporting (the alliance's targets and KPIs). No writes.

"Published" means what the public catalogue lists: the current version of each micro-credential that is not
retired (`selectors.listed_versions`). Each function returns plain rows (dicts), ordered, so that a page, an API
or a CSV can show them as they are; a university or area with nothing published is left out.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Min

from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.catalogue.selectors import listed_versions
from microcred.core.periods import count_values_by_period
from microcred.reference.models import ContentArea, Institution


def published_count() -> int:
    return listed_versions().count()


def published_by_university() -> list[dict]:
    """Per university: the published micro-credentials it awards, those it co-leads, and both together
    (policy 5.10, 5.11: a micro-credential's universities are its awarding one and its co-leads)."""
    listed = listed_versions()
    awarding = Counter(listed.values_list("awarding_institution_id", flat=True))
    co_leading = Counter(
        MicroCredentialVersion.co_lead_institutions.through.objects.filter(
            microcredentialversion__in=listed
        ).values_list("institution_id", flat=True)
    )
    ids = set(awarding) | set(co_leading)
    return [
        {
            "institution": university.pk,
            "slug": university.slug,
            "name": university.name,
            "awarding": awarding[university.pk],
            "co_leading": co_leading[university.pk],
            "total": awarding[university.pk] + co_leading[university.pk],
        }
        for university in Institution.objects.filter(pk__in=ids).order_by("name", "pk")
    ]


def published_by_content_area() -> list[dict]:
    """Per content area: the published micro-credentials in it (one may be in several areas)."""
    counts = Counter(
        MicroCredentialVersion.content_areas.through.objects.filter(
            microcredentialversion__in=listed_versions()
        ).values_list("contentarea_id", flat=True)
    )
    return [
        {"content_area": area.pk, "slug": area.slug, "name": area.name, "count": counts[area.pk]}
        for area in ContentArea.objects.filter(pk__in=counts)  # in the areas' own order
    ]


def published_by_type() -> list[dict]:
    """Per kind (formal, non-formal) and credential type (micro-credential, participation badge)."""
    rows = listed_versions().values("kind", "credential_type").annotate(count=Count("pk"))
    return sorted(
        ({"kind": r["kind"], "credential_type": r["credential_type"], "count": r["count"]} for r in rows),
        key=lambda r: (r["kind"], r["credential_type"]),
    )


def first_published_by_period(period: str = "year") -> dict[str, int]:
    """New micro-credentials per period ("month", "quarter" or "year"), by the approval of their first version;
    retired ones count in the period they were first published."""
    firsts = MicroCredential.objects.annotate(first_approved=Min("versions__approved_at"))
    return count_values_by_period(firsts.values_list("first_approved", flat=True), period)
