"""What each indicator counts, as database queries narrowed by the reader's filters (reads only).

Every figure is aggregated in the database: a value is one query (two for the learners certified), a breakdown
one query per dimension (two for the universities of a micro-credential), a time series one query. The rules of
what counts come from the domain apps: the catalogue's listed versions (``catalogue.selectors.listed_versions``),
the learning app's completion (``learning.selectors.COMPLETED_RESULT``), the catalogue's kinds
(``catalogue.kinds``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery

from microcred.accounts.models import LearnerGroup, RoleAssignment
from microcred.catalogue.kinds import CredentialKind, participation_badge_q
from microcred.catalogue.models import MicroCredentialVersion
from microcred.catalogue.selectors import listed_versions
from microcred.credentials.models import IssuedCredential
from microcred.learning.models import Enrolment, Offering, Result
from microcred.learning.selectors import COMPLETED_RESULT
from microcred.proposals.models import Proposal, ProposalStatus
from microcred.roles import Role
from microcred.surveys.models import Answer, Audience, Survey
from microcred.surveys.selectors import MIN_RESPONSES_SHOWN

if TYPE_CHECKING:
    from microcred.reporting.indicators import Filters

CO_LEADS = MicroCredentialVersion.co_lead_institutions.through
AREAS = MicroCredentialVersion.content_areas.through
SKILLS = MicroCredentialVersion.skills.through

# Proposals the alliance is reviewing: submitted to it and not yet decided (policy 7.4–7.9: completeness check,
# panel, Academic Council, Executive Board). Drafts and proposals waiting for their own university are not.
IN_REVIEW = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.PANEL_REVIEW,
    ProposalStatus.READY_FOR_AGENDA,
    ProposalStatus.SCHEDULED,
    ProposalStatus.REVISIONS_REQUESTED,
    ProposalStatus.EXECUTIVE_REVIEW,
    ProposalStatus.EXECUTIVE_SCHEDULED,
)
DECIDED = (ProposalStatus.APPROVED, ProposalStatus.REJECTED)


def kind_q(kind: str, path: str = "") -> Q:
    """Versions (or, through ``path``, what points to them) of this catalogue kind (``catalogue.kinds``): a
    participation badge whatever its proposal's kind; otherwise formal or non-formal and not a badge."""
    if kind == CredentialKind.PARTICIPATION_BADGE:
        return participation_badge_q(path)
    return Q(**{f"{path}kind": kind}) & ~participation_badge_q(path)


def version_q(filters: Filters, path: str = "") -> Q:
    """The university (awarding or co-leading), kind and content-area filters on versions, through ``path``."""
    q = Q()
    if filters.university_id is not None:
        co_leading = CO_LEADS.objects.filter(institution_id=filters.university_id).values("microcredentialversion_id")
        q &= Q(**{f"{path}awarding_institution_id": filters.university_id}) | Q(**{f"{path}pk__in": co_leading})
    if filters.kind:
        q &= kind_q(filters.kind, path)
    if filters.content_area_id is not None:
        in_area = AREAS.objects.filter(contentarea_id=filters.content_area_id).values("microcredentialversion_id")
        q &= Q(**{f"{path}pk__in": in_area})
    return q


def date_q(filters: Filters, path: str, *, is_datetime: bool = True) -> Q:
    """``path`` within the period (both ends inclusive, dates in the platform's time zone)."""
    lookup = f"{path}__date" if is_datetime else path
    q = Q()
    if filters.start:
        q &= Q(**{f"{lookup}__gte": filters.start})
    if filters.end:
        q &= Q(**{f"{lookup}__lte": filters.end})
    return q


def first_approval():
    """The date and time a version's micro-credential was first approved (its first version's approval)."""
    return Subquery(
        MicroCredentialVersion.objects.filter(micro_credential_id=OuterRef("micro_credential_id"))
        .order_by()
        .values("micro_credential_id")
        .annotate(first=Min("approved_at"))
        .values("first")[:1]
    )


# --- the catalogue ---------------------------------------------------------------------------------------------


def prepared_versions(filters: Filters) -> QuerySet:
    """The catalogue's listed versions (current, of micro-credentials not retired), narrowed by the filters; the
    period applies to the micro-credential's first approval. Annotated with ``first_approved``."""
    qs = listed_versions().annotate(first_approved=first_approval()).filter(version_q(filters))
    return qs.filter(date_q(filters, "first_approved"))


def proposals(filters: Filters) -> QuerySet:
    """Micro-credential proposals of the filtered university (the proposing one); kind and content area do not
    apply (a proposal's content changes until it is decided)."""
    qs = Proposal.objects.all()
    if filters.university_id is not None:
        qs = qs.filter(institution_id=filters.university_id)
    return qs


def proposals_in_review(filters: Filters) -> QuerySet:
    return proposals(filters).filter(status__in=IN_REVIEW)


def decided_proposals(filters: Filters, status=DECIDED) -> QuerySet:
    """Proposals approved or rejected, with ``first_submitted`` (the first version's submission) and ``decided``
    (the last decision of a board on it); the period applies to the decision."""
    qs = (
        proposals(filters)
        .filter(status__in=status)
        .annotate(first_submitted=Min("versions__submitted_at"), decided=Max("agenda_items__decision__decided_at"))
    )
    if filters.start:
        qs = qs.filter(decided__date__gte=filters.start)
    if filters.end:
        qs = qs.filter(decided__date__lte=filters.end)
    return qs


def days_to_decision(filters: Filters) -> list[float]:
    """Days from first submission to decision of each decided proposal (both known), in one query."""
    pairs = decided_proposals(filters).values_list("first_submitted", "decided")
    return sorted((d - s).total_seconds() / 86400 for s, d in pairs if s is not None and d is not None and d >= s)


# --- learning -------------------------------------------------------------------------------------------------


def offerings_run(filters: Filters, today) -> QuerySet:
    """Offerings that have started (by ``today``), of the filtered university (the delivering one), kind and
    content area; the period applies to the first day."""
    return Offering.objects.filter(starts_on__lte=today).filter(
        _offering_q(filters, ""), date_q(filters, "starts_on", is_datetime=False)
    )


def _without_university(filters: Filters) -> Filters:
    return replace(filters, university_id=None)


def _offering_q(filters: Filters, path: str) -> Q:
    """Filters on rows that belong to an offering: the university is the delivering one."""
    q = version_q(_without_university(filters), f"{path}version__")
    if filters.university_id is not None:
        q &= Q(**{f"{path}institution_id": filters.university_id})
    return q


def enrolment_requests(filters: Filters) -> QuerySet:
    """Every request for a place (given, wait-listed or cancelled); the period applies to the request."""
    return Enrolment.objects.filter(_offering_q(filters, "offering__")).filter(date_q(filters, "created_at"))


def places_given(filters: Filters) -> QuerySet:
    """Enrolments that were given a place (``enrolled_at`` set), cancelled later or not; the period applies to
    the place being given."""
    return Enrolment.objects.filter(enrolled_at__isnull=False).filter(
        _offering_q(filters, "offering__"), date_q(filters, "enrolled_at")
    )


def places_on_ended_offerings(filters: Filters, today) -> QuerySet:
    """Places given on offerings that have ended by ``today`` (whose completions are known)."""
    return places_given(filters).filter(offering__ends_on__lt=today)


COMPLETED_ENROLMENT = Q(results__participated=True) & (
    Q(results__outcome=Result.Outcome.PASS) | participation_badge_q("results__offering__version__")
)


def completions(filters: Filters) -> QuerySet:
    """Completed results (``COMPLETED_RESULT``); the period applies to the assessment date."""
    return Result.objects.filter(COMPLETED_RESULT).filter(
        _offering_q(filters, "offering__"), date_q(filters, "assessed_on", is_datetime=False)
    )


# --- people -----------------------------------------------------------------------------------------------------


def registered_learners(filters: Filters) -> QuerySet:
    """Active accounts holding the learner role; the period applies to the registration. University, kind and
    content area do not apply: a learner belongs to no university here."""
    learners = RoleAssignment.objects.filter(role=Role.LEARNER).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=learners).filter(date_q(filters, "date_joined"))


def lifelong_learners(filters: Filters) -> QuerySet:
    return registered_learners(filters).filter(learner_group=LearnerGroup.LIFELONG_LEARNER)


# --- credentials ----------------------------------------------------------------------------------------------


def credentials(filters: Filters) -> QuerySet:
    """Credentials issued to learners (revoked ones too), of micro-credentials of the filtered university
    (awarding or co-leading), kind and content area; the period applies to the issue."""
    qs = IssuedCredential.objects.all()
    if filters.university_id is not None or filters.kind or filters.content_area_id is not None:
        qs = qs.filter(version_q(filters, "micro_credential_version__"))
    return qs.filter(date_q(filters, "issued_at"))


def valid_credentials(filters: Filters) -> QuerySet:
    """Credentials not revoked: what certifies a learner."""
    return credentials(filters).filter(revoked_at__isnull=True)


def revoked_credentials(filters: Filters) -> QuerySet:
    """Credentials revoked; the period applies to the revocation."""
    qs = IssuedCredential.objects.filter(revoked_at__isnull=False)
    if filters.university_id is not None or filters.kind or filters.content_area_id is not None:
        qs = qs.filter(version_q(filters, "micro_credential_version__"))
    return qs.filter(date_q(filters, "revoked_at"))


# --- surveys (policy 7.25) ----------------------------------------------------------------------------------------


def closed_learner_surveys(filters: Filters) -> QuerySet:
    """The learners' post-delivery surveys that have closed, of offerings within the filters (the university is the
    delivering one); the period applies to the closing date."""
    return Survey.objects.filter(audience=Audience.LEARNERS, status=Survey.Status.CLOSED).filter(
        _offering_q(filters, "offering__"), date_q(filters, "closes_on", is_datetime=False)
    )


def satisfaction_answers(filters: Filters) -> QuerySet:
    """The 1-to-5 answers of the closed learners' surveys whose results are shown: those with at least
    MIN_RESPONSES_SHOWN responses (fewer are never shown, to protect anonymity, so no group of a breakdown rests on
    fewer either)."""
    shown = closed_learner_surveys(filters).annotate(n=Count("responses")).filter(n__gte=MIN_RESPONSES_SHOWN)
    return Answer.objects.filter(likert__isnull=False, response__survey__in=shown.values("pk"))
