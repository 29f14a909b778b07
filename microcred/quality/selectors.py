"""Reads of council reports and recommendations: the lists of the pages and the API, a report's sections."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.proposals.models import Meeting
from microcred.quality import permissions
from microcred.quality.models import CouncilReport, Recommendation
from microcred.quality.results import Section, section_for

STATES = ("open", "closed", "flagged", "all")


def micro_credentials_with_offerings_ended(start=None, end=None) -> QuerySet[MicroCredential]:
    from microcred.learning.models import Offering

    offerings = Offering.objects.all()
    if start:
        offerings = offerings.filter(ends_on__gte=start)
    if end:
        offerings = offerings.filter(ends_on__lte=end)
    return MicroCredential.objects.filter(pk__in=offerings.values("micro_credential_id")).order_by("slug")


def published_micro_credentials() -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).order_by("slug")


def upcoming_council_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__gte=timezone.now()).order_by("date")


def reports() -> QuerySet[CouncilReport]:
    return CouncilReport.objects.select_related("meeting", "paper", "created_by").prefetch_related("micro_credentials")


def _base() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related(
        "micro_credential", "report", "meeting", "change_proposal", "closed_by", "created_by"
    )


def _of_universities(university_ids) -> QuerySet[Recommendation]:
    """Recommendations about micro-credentials whose current version these universities award or co-lead."""
    versions = MicroCredentialVersion.objects.filter(
        Q(awarding_institution_id__in=university_ids) | Q(co_lead_institutions__in=university_ids)
    ).values("micro_credential_id")
    return _base().filter(micro_credential_id__in=versions)


def recommendations_seen_by(user, state: str = "open") -> QuerySet[Recommendation]:
    """The recommendations `user` may read: all of them for the alliance's bodies and offices, those about its
    universities' micro-credentials for a proposer or manager. `state`: open, closed, flagged (open while its
    micro-credential is retired) or all."""
    if permissions.sees_every_recommendation(user):
        qs = _base()
    else:
        qs = _of_universities(permissions.university_ids_of(user))
    if state == "open":
        qs = qs.filter(status=Recommendation.Status.OPEN)
    elif state == "closed":
        qs = qs.filter(status=Recommendation.Status.CLOSED)
    elif state == "flagged":
        qs = qs.filter(status=Recommendation.Status.OPEN, micro_credential__status=MicroCredential.Status.RETIRED)
    return qs.distinct()


def open_recommendations_of(micro_credential) -> QuerySet[Recommendation]:
    return _base().filter(micro_credential=micro_credential, status=Recommendation.Status.OPEN)


def report_sections(report: CouncilReport) -> list[Section]:
    """Each micro-credential of the report with its survey results and the recommendations proposed about it."""
    texts: dict[int, list[str]] = {}
    for rec in report.recommendations.order_by("created_at", "id"):
        texts.setdefault(rec.micro_credential_id, []).append(rec.text)
    return [
        section_for(mc, start=report.period_start, end=report.period_end, recommendations=texts.get(mc.pk, ()))
        for mc in report.micro_credentials.order_by("slug")
    ]
