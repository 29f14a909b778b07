"""Read-only figures about enrolment and completion, for reporting (the alliance's targets and KPIs). No writes.

Definitions, the same everywhere here:
* enrolled: an enrolment that was given a place (`enrolled_at` is set), whether it is still active or was
  cancelled later; a place on the waiting list that never became one does not count;
* completed: a result that completes the micro-credential (`selectors.COMPLETED_RESULT`: participated and
  passed, or participated for a participation badge), the completions credentials are issued for.

Each function returns plain rows (dicts) or {period: count}, ordered.
"""

from __future__ import annotations

from django.db.models import Count, Q

from microcred.core.periods import counts_by_period
from microcred.learning.models import Enrolment, Offering, Result
from microcred.learning.selectors import COMPLETED_RESULT
from microcred.reference.models import Institution

_ENROLLED = Q(enrolled_at__isnull=False)


def _enrolment_counts(group_by: str) -> dict:
    rows = (
        Enrolment.objects.values(group_by)
        .annotate(
            enrolled=Count("pk", filter=_ENROLLED),
            active=Count("pk", filter=Q(status=Enrolment.Status.ENROLLED)),
            waitlisted=Count("pk", filter=Q(status=Enrolment.Status.WAITLISTED)),
            cancelled=Count("pk", filter=Q(status=Enrolment.Status.CANCELLED)),
        )
        .order_by(group_by)
    )
    return {row.pop(group_by): row for row in rows}


def _completion_counts(group_by: str) -> dict:
    rows = Result.objects.filter(COMPLETED_RESULT).values(group_by).annotate(completed=Count("pk")).order_by(group_by)
    return {row[group_by]: row["completed"] for row in rows}


_NO_ENROLMENTS = {"enrolled": 0, "active": 0, "waitlisted": 0, "cancelled": 0}


def figures_by_offering() -> list[dict]:
    """Per offering with any enrolment: enrolled, still active, on the waiting list, cancelled, completed."""
    enrolments = _enrolment_counts("offering_id")
    completions = _completion_counts("offering_id")
    offerings = (
        Offering.objects.filter(pk__in=set(enrolments) | set(completions))
        .select_related("version", "institution")
        .order_by("starts_on", "pk")
    )
    return [
        {
            "offering": offering.pk,
            "micro_credential": offering.micro_credential_id,
            "title": offering.version.title,
            "institution": offering.institution_id,
            "starts_on": offering.starts_on,
            **enrolments.get(offering.pk, _NO_ENROLMENTS),
            "completed": completions.get(offering.pk, 0),
        }
        for offering in offerings
    ]


def figures_by_university() -> list[dict]:
    """Per university running offerings (the offering's institution): enrolled and completed."""
    enrolments = _enrolment_counts("offering__institution_id")
    completions = _completion_counts("offering__institution_id")
    universities = Institution.objects.filter(pk__in=set(enrolments) | set(completions)).order_by("name", "pk")
    return [
        {
            "institution": university.pk,
            "slug": university.slug,
            "name": university.name,
            "enrolled": enrolments.get(university.pk, _NO_ENROLMENTS)["enrolled"],
            "completed": completions.get(university.pk, 0),
        }
        for university in universities
    ]


def figures_by_period(period: str = "month") -> list[dict]:
    """Per period ("month", "quarter" or "year"): places given (by `enrolled_at`) and completions (by the date
    of the assessment)."""
    enrolled = counts_by_period(Enrolment.objects.all(), "enrolled_at", period)
    completed = counts_by_period(Result.objects.filter(COMPLETED_RESULT), "assessed_on", period)
    return [
        {"period": name, "enrolled": enrolled.get(name, 0), "completed": completed.get(name, 0)}
        for name in sorted(set(enrolled) | set(completed))
    ]
