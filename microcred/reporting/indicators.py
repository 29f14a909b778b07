"""The alliance's indicators, computed from the data (never typed in), each with its definition, its target
where the plans set one (reference.StrategicTarget rows, which the alliance edits) and a status against a
linear trajectory to the target date.

This module is the contract between the figures and what shows them (dashboard, exports, impact page, API):
the value types below, and these functions (implemented here):

* ``headline_indicators(filters) -> list[Indicator]``
* ``breakdown(code, by, filters) -> list[Row]``   (by: "university", "content_area", "kind", "eqf_level",
  "learner_group", "issuer")
* ``time_series(code, period, filters) -> list[Row]``   (period: "month" or "academic_year")

Each indicator's definition is written next to it (``DEFINITIONS``), with the filters it applies; docs/indicators.md
repeats them for readers of the code. What each counts, as queries, is in ``microcred.reporting.selectors``.

Targets: a StrategicTarget row names the indicator measured against it (its ``indicator`` field, reference data).
The status is judged on a straight line from 0 at the target's period start to its minimum at its deadline
(strategic plan: milestones for 2025–2026 and for 2030): reached when the value is at least the minimum, on track
when it is at least where the line is today, behind otherwise. A target applies to the alliance as a whole, so it
is shown only when no university, kind, content area or period start narrows the figure (an end date alone is
read as "as of that date").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import LearnerGroup
from microcred.catalogue.kinds import CredentialKind
from microcred.core.periods import period_name
from microcred.credentials import aggregates as credential_figures
from microcred.credentials.models import Issuer
from microcred.proposals.choices import CredentialType
from microcred.proposals.models import Proposal, ProposalStatus
from microcred.reference.models import ContentArea, Institution, OccupationSkill, StrategicTarget
from microcred.reporting import kept, selectors
from microcred.reporting.selectors import AREAS, COMPLETED_ENROLMENT


class Status:
    ON_TRACK = "on_track"
    BEHIND = "behind"
    REACHED = "reached"


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the figures to. Every field optional; dates inclusive."""

    start: dt.date | None = None
    end: dt.date | None = None
    university_id: int | None = None
    kind: str | None = None  # catalogue.kinds credential kind code
    content_area_id: int | None = None

    @property
    def narrows_scope(self) -> bool:
        """Does a filter other than the end date narrow the figures (so that no alliance target applies)?"""
        return bool(self.start or self.university_id is not None or self.kind or self.content_area_id is not None)


@dataclass(frozen=True)
class Indicator:
    code: str  # stable: "ects_prepared", "micro_credentials_approved", "learners_certified", "lifelong_learners", …
    label: str  # in the active language
    definition: str  # how it is computed, in plain words, in the active language
    value: int | Decimal
    unit: str  # "ECTS", "micro-credentials", "learners", "%", "days", …
    target: int | None = None
    target_max: int | None = None
    target_date: dt.date | None = None
    status: str | None = None  # Status.*, or None when no target applies
    expected_now: Decimal | None = None  # where the linear trajectory says the value should be today
    filters_applied: tuple[str, ...] = ()  # of "period", "university", "kind", "content_area"
    counts_people: bool = False  # a number of people: suppressed below SMALL_NUMBER where published
    target_key: str | None = None  # the StrategicTarget measured against
    target_label: str | None = None
    target_source: str | None = None


@dataclass(frozen=True)
class Row:
    """One line of a breakdown or a time series: a label for people, a stable key, a value."""

    key: str
    label: str
    value: int | Decimal
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# The definitions: label, definition (the source of docs/indicators.md), unit, the filters applied, and whether
# the value counts people. In headline order.


@dataclass(frozen=True)
class Definition:
    code: str
    label: str
    definition: str
    unit: str
    filters: tuple[str, ...]
    counts_people: bool = False


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "ects_prepared",
        _("ECTS prepared"),
        _(
            "The sum of the ECTS credits of the micro-credentials the public catalogue lists: the current version "
            "of each approved micro-credential that is not retired (policy 1.5; strategic plan: 120–160 ECTS for "
            "2025–2026). A version without ECTS credits adds nothing. The period applies to the micro-credential's "
            "first approval; the university is the awarding or a co-leading one."
        ),
        _("ECTS"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "micro_credentials_approved",
        _("Micro-credentials approved"),
        _(
            "The micro-credentials the public catalogue lists: approved, in their current version, not retired. "
            "The period applies to the first approval; the university is the awarding or a co-leading one."
        ),
        _("micro-credentials"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "universities_involved",
        _("Universities involved"),
        _(
            "The member universities that award or co-lead at least one micro-credential the catalogue lists "
            "(policy 7.1: balanced engagement of the universities)."
        ),
        _("universities"),
        ("period", "kind", "content_area"),
    ),
    Definition(
        "green_digital_ects_share",
        _("Share of ECTS in green or digital areas"),
        _(
            "Of the ECTS prepared, the share (per cent) of those of micro-credentials in at least one content area "
            "with a green or digital focus (a property of the content area, reference data)."
        ),
        _("%"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "esco_skills_covered",
        _("ESCO skills covered"),
        _(
            "The different ESCO skills the learning outcomes of the listed micro-credentials are aligned to "
            "(policy 7.16)."
        ),
        _("skills"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "esco_occupations_covered",
        _("ESCO occupations covered"),
        _("The different ESCO occupations with at least one essential skill that a listed micro-credential covers."),
        _("occupations"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "proposals_in_review",
        _("Proposals in review"),
        _(
            "Proposals submitted to the alliance and not yet decided: in the completeness check, with a call "
            "panel, waiting for or on the agenda of the Academic Council or the Executive Board, or returned for "
            "revisions. The university is the proposing one; the period does not apply (the state today)."
        ),
        _("proposals"),
        ("university",),
    ),
    Definition(
        "proposals_rejected",
        _("Proposals rejected"),
        _(
            "Proposals the boards rejected. The period applies to the last decision; the university is the "
            "proposing one."
        ),
        _("proposals"),
        ("period", "university"),
    ),
    Definition(
        "days_to_decision",
        _("Days from submission to decision"),
        _(
            "The median number of days from a proposal's first submission to the boards' decision, over the "
            "proposals approved or rejected. The period applies to the decision; the university is the proposing "
            "one."
        ),
        _("days"),
        ("period", "university"),
    ),
    Definition(
        "offerings_run",
        _("Offerings run"),
        _(
            "Offerings (editions) of micro-credentials that have started. The period applies to the first day; the "
            "university is the delivering one."
        ),
        _("offerings"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "learners_registered",
        _("Learners registered"),
        _(
            "Active accounts holding the learner role. The period applies to the registration; a learner belongs "
            "to no university, kind or content area, so those filters do not apply."
        ),
        _("learners"),
        ("period",),
        counts_people=True,
    ),
    Definition(
        "lifelong_learners",
        _("Lifelong learners"),
        _(
            "Learners registered who said they are lifelong learners or professionals (strategic plan, strategy "
            "5: 2,000–3,000 lifelong learners by 2030). The period applies to the registration."
        ),
        _("learners"),
        ("period",),
        counts_people=True,
    ),
    Definition(
        "learners_enrolled",
        _("Learners enrolled"),
        _(
            "Learners given a place on at least one offering (whether or not they cancelled later), each counted "
            "once. The period applies to the place being given; the university is the delivering one."
        ),
        _("learners"),
        ("period", "university", "kind", "content_area"),
        counts_people=True,
    ),
    Definition(
        "learners_completed",
        _("Learners who completed"),
        _(
            "Learners with at least one completed result (participated and passed, or participated for a "
            "participation badge), each counted once. The period applies to the assessment date; the university "
            "is the delivering one."
        ),
        _("learners"),
        ("period", "university", "kind", "content_area"),
        counts_people=True,
    ),
    Definition(
        "learners_certified",
        _("Learners certified"),
        _(
            "Learners holding at least one credential that is not revoked, each counted once however many "
            "credentials they hold (by account, or by the address a credential was issued to when the account was "
            "erased). The period applies to the issue; the university is the awarding or a co-leading one of the "
            "micro-credential."
        ),
        _("learners"),
        ("period", "university", "kind", "content_area"),
        counts_people=True,
    ),
    Definition(
        "completion_rate",
        _("Completion rate"),
        _(
            "Of the places given on offerings that have ended, the share (per cent) with a completed result. "
            "Places cancelled later count as not completed. The period applies to the place being given; the "
            "university is the delivering one."
        ),
        _("%"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "waitlist_rate",
        _("Wait-list rate"),
        _(
            "Of the requests for a place, the share (per cent) that were put on a waiting list. The period applies "
            "to the request; the university is the delivering one."
        ),
        _("%"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "credentials_issued",
        _("Credentials issued"),
        _(
            "Credentials issued to learners, including those revoked later. The period applies to the issue; the "
            "university is the awarding or a co-leading one of the micro-credential."
        ),
        _("credentials"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "credentials_revoked",
        _("Credentials revoked"),
        _(
            "Credentials revoked by their issuer. The period applies to the revocation; the university is the "
            "awarding or a co-leading one of the micro-credential."
        ),
        _("credentials"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "survey_response_rate",
        _("Survey response rate"),
        _(
            "Of the learners asked to answer the post-delivery survey of an offering (policy 7.25), the share (per "
            "cent) who answered, over the learners' surveys that have closed. The period applies to the closing "
            "date; the university is the delivering one."
        ),
        _("%"),
        ("period", "university", "kind", "content_area"),
    ),
    Definition(
        "learner_satisfaction",
        _("Learner satisfaction"),
        _(
            "The mean of the learners' answers on the 1-to-5 scale questions of the post-delivery surveys that have "
            "closed with at least 5 responses (fewer are never shown, to protect anonymity); 5 is the most "
            "satisfied. The period applies to the closing date; the university is the delivering one."
        ),
        _("out of 5"),
        ("period", "university", "kind", "content_area"),
    ),
)
BY_CODE = {d.code: d for d in DEFINITIONS}
# The public headline figures (the impact page and GET /api/v1/kpis).
PUBLIC_CODES = (
    "ects_prepared",
    "micro_credentials_approved",
    "universities_involved",
    "learners_certified",
    "lifelong_learners",
)


# ---------------------------------------------------------------------------------------------------------------
# Which filters each indicator applies (documented per indicator; a filter not applied leaves the figure as for
# the whole alliance).

PERIOD, UNIVERSITY, KIND, CONTENT_AREA = "period", "university", "kind", "content_area"
ALL_FILTERS = (PERIOD, UNIVERSITY, KIND, CONTENT_AREA)
BREAKDOWN_DIMENSIONS = ("university", "content_area", "kind", "eqf_level", "learner_group", "issuer")
SERIES_PERIODS = ("month", "academic_year")


def _decimal(value, places: str = "0.1") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _percent(part, whole) -> Decimal:
    return _decimal(Decimal(part) * 100 / Decimal(whole)) if whole else Decimal("0.0")


@dataclass(frozen=True)
class _Measure:
    """How an indicator is computed: the rows it counts (filters applied), the aggregates over them, how they
    make the value, the dimensions it breaks down by (by → path of the grouped field; "kind" is computed from
    the kind and credential type at ``kind_path``) and the date a time series cuts by."""

    rows: Callable  # (filters, today) -> QuerySet
    aggregates: Callable[[], dict]
    combine: Callable[[dict], int | Decimal]
    dims: dict = field(default_factory=dict)
    date: str | None = None
    additive: bool = True  # values of parts add up to the whole (sums and plain counts, not distinct counts)
    kind_path: str | None = None


def _count() -> dict:
    return {"n": Count("pk")}


def _n(row: dict) -> int:
    return row["n"] or 0


def _distinct(path: str) -> Callable[[], dict]:
    return lambda: {"n": Count(path, distinct=True)}


def _certified() -> dict:
    # A learner is counted once however many credentials they hold: by account, or, for a credential whose
    # account was erased, by the e-mail address it was issued to (the credentials app's rule).
    return credential_figures.holder_aggregates()


def _certified_value(row: dict) -> int:
    return (row["accounts"] or 0) + (row["erased"] or 0)


def _ects() -> dict:
    return {"ects_total": Sum("ects")}


def _ects_value(row: dict) -> Decimal:
    return row["ects_total"] if row["ects_total"] is not None else Decimal("0.0")


def _completion() -> dict:
    # No DISTINCT needed: a learner has one result per offering (result_one_per_learner), linked to one of their
    # enrolments, so joining the results repeats no place.
    return {"places": Count("pk"), "completed": Count("results", filter=COMPLETED_ENROLMENT)}


def _completion_value(row: dict) -> Decimal:
    return _percent(row["completed"] or 0, row["places"] or 0)


def _waitlist() -> dict:
    return {"requests": Count("pk"), "waitlisted": Count("pk", filter=Q(waitlisted_at__isnull=False))}


def _waitlist_value(row: dict) -> Decimal:
    return _percent(row["waitlisted"] or 0, row["requests"] or 0)


def _responses() -> dict:
    return {
        "invited": Count("invitations", distinct=True),
        "answered": Count("invitations", filter=Q(invitations__answered=True), distinct=True),
    }


def _responses_value(row: dict) -> Decimal:
    return _percent(row["answered"] or 0, row["invited"] or 0)


def _satisfaction() -> dict:
    return {"mean": Avg("likert"), "answers": Count("pk")}


def _satisfaction_value(row: dict) -> Decimal:
    return _decimal(row["mean"] or 0, "0.01")


def _green_digital() -> dict:
    green = AREAS.objects.filter(contentarea__green_digital_focus=True).values("microcredentialversion_id")
    return {"ects_total": Sum("ects"), "ects_green_digital": Sum("ects", filter=Q(pk__in=green))}


def _green_digital_value(row: dict) -> Decimal:
    return _percent(row["ects_green_digital"] or 0, row["ects_total"] or 0)


VERSION_DIMS = {
    "university": ("awarding_institution", "co_lead_institutions"),
    "content_area": ("content_areas",),
    "eqf_level": ("eqf_level",),
}


def _offering_dims(path: str) -> dict:
    return {
        "university": (f"{path}institution",),
        "content_area": (f"{path}version__content_areas",),
        "eqf_level": (f"{path}version__eqf_level",),
    }


CREDENTIAL_DIMS = {
    "university": ("micro_credential_version__awarding_institution",),
    "content_area": ("micro_credential_version__content_areas",),
    "eqf_level": ("micro_credential_version__eqf_level",),
    "issuer": ("issuer",),
    "learner_group": ("learner__learner_group",),
}

MEASURES: dict[str, _Measure] = {
    "ects_prepared": _Measure(
        lambda f, today: selectors.prepared_versions(f),
        _ects,
        _ects_value,
        VERSION_DIMS,
        date="first_approved",
        kind_path="",
    ),
    "micro_credentials_approved": _Measure(
        lambda f, today: selectors.prepared_versions(f),
        _count,
        _n,
        VERSION_DIMS,
        date="first_approved",
        kind_path="",
    ),
    "green_digital_ects_share": _Measure(
        lambda f, today: selectors.prepared_versions(f),
        _green_digital,
        _green_digital_value,
        {"university": VERSION_DIMS["university"], "eqf_level": ("eqf_level",)},
        date="first_approved",
        additive=False,
        kind_path="",
    ),
    "proposals_in_review": _Measure(
        lambda f, today: selectors.proposals_in_review(f),
        _count,
        _n,
        {
            "university": ("institution",),
        },
    ),
    "proposals_rejected": _Measure(
        lambda f, today: Proposal.objects.filter(
            pk__in=selectors.decided_proposals(f, status=(ProposalStatus.REJECTED,)).values("pk")
        ),
        _count,
        _n,
    ),
    "offerings_run": _Measure(
        lambda f, today: selectors.offerings_run(f, today),
        _count,
        _n,
        _offering_dims(""),
        date="starts_on",
        kind_path="version__",
    ),
    "learners_registered": _Measure(
        lambda f, today: selectors.registered_learners(f),
        _count,
        _n,
        {"learner_group": ("learner_group",)},
        date="date_joined",
    ),
    "lifelong_learners": _Measure(lambda f, today: selectors.lifelong_learners(f), _count, _n, {}, date="date_joined"),
    "learners_enrolled": _Measure(
        lambda f, today: selectors.places_given(f),
        _distinct("learner"),
        _n,
        {**_offering_dims("offering__"), "learner_group": ("learner__learner_group",)},
        date="enrolled_at",
        additive=False,
        kind_path="offering__version__",
    ),
    "learners_completed": _Measure(
        lambda f, today: selectors.completions(f),
        _distinct("learner"),
        _n,
        {**_offering_dims("offering__"), "learner_group": ("learner__learner_group",)},
        date="assessed_on",
        additive=False,
        kind_path="offering__version__",
    ),
    "learners_certified": _Measure(
        lambda f, today: selectors.valid_credentials(f),
        _certified,
        _certified_value,
        CREDENTIAL_DIMS,
        date="issued_at",
        additive=False,
        kind_path="micro_credential_version__",
    ),
    "completion_rate": _Measure(
        lambda f, today: selectors.places_on_ended_offerings(f, today),
        _completion,
        _completion_value,
        {**_offering_dims("offering__"), "learner_group": ("learner__learner_group",)},
        additive=False,
        kind_path="offering__version__",
    ),
    "waitlist_rate": _Measure(
        lambda f, today: selectors.enrolment_requests(f),
        _waitlist,
        _waitlist_value,
        _offering_dims("offering__"),
        date="created_at",
        additive=False,
        kind_path="offering__version__",
    ),
    "credentials_issued": _Measure(
        lambda f, today: selectors.credentials(f),
        _count,
        _n,
        {k: v for k, v in CREDENTIAL_DIMS.items() if k != "learner_group"},
        date="issued_at",
        kind_path="micro_credential_version__",
    ),
    "survey_response_rate": _Measure(
        lambda f, today: selectors.closed_learner_surveys(f),
        _responses,
        _responses_value,
        _offering_dims("offering__"),
        date="closes_on",
        additive=False,
        kind_path="offering__version__",
    ),
    "learner_satisfaction": _Measure(
        lambda f, today: selectors.satisfaction_answers(f),
        _satisfaction,
        _satisfaction_value,
        _offering_dims("response__survey__offering__"),
        date="response__survey__closes_on",
        additive=False,
        kind_path="response__survey__offering__version__",
    ),
    "credentials_revoked": _Measure(
        lambda f, today: selectors.revoked_credentials(f),
        _count,
        _n,
        {k: v for k, v in CREDENTIAL_DIMS.items() if k != "learner_group"},
        date="revoked_at",
        kind_path="micro_credential_version__",
    ),
}


# ---------------------------------------------------------------------------------------------------------------
# Values that are not one aggregate over rows.


def _universities_involved(filters: Filters, today) -> int:
    listed = selectors.prepared_versions(replace(filters, university_id=None))
    co_leading = selectors.CO_LEADS.objects.filter(microcredentialversion__in=listed).values("institution_id")
    return (
        Institution.objects.filter(is_alliance=False)
        .filter(Q(pk__in=listed.values("awarding_institution_id")) | Q(pk__in=co_leading))
        .count()
    )


def _skills_covered(filters: Filters):
    return selectors.SKILLS.objects.filter(microcredentialversion__in=selectors.prepared_versions(filters)).values(
        "escoskill_id"
    )


def _esco_skills_covered(filters: Filters, today) -> int:
    return _skills_covered(filters).distinct().count()


def _esco_occupations_covered(filters: Filters, today) -> int:
    return (
        OccupationSkill.objects.filter(
            relation=OccupationSkill.Relation.ESSENTIAL, skill_id__in=_skills_covered(filters)
        )
        .values("occupation_id")
        .distinct()
        .count()
    )


def _days_to_decision(filters: Filters, today) -> Decimal:
    days = selectors.days_to_decision(filters)
    if not days:
        return Decimal("0.0")
    middle = len(days) // 2
    median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    return _decimal(median)


VALUES: dict[str, Callable] = {
    "universities_involved": _universities_involved,
    "esco_skills_covered": _esco_skills_covered,
    "esco_occupations_covered": _esco_occupations_covered,
    "days_to_decision": _days_to_decision,
}


def _value(code: str, filters: Filters, today) -> int | Decimal:
    if code in VALUES:
        return VALUES[code](filters, today)
    measure = MEASURES[code]
    return measure.combine(measure.rows(filters, today).aggregate(**measure.aggregates()))


# ---------------------------------------------------------------------------------------------------------------
# Targets and status


def trajectory_status(
    value, minimum: int, period_start: dt.date | None, deadline: dt.date | None, today: dt.date
) -> tuple[str | None, Decimal | None]:
    """(status, expected_now) against a straight line from 0 at ``period_start`` to ``minimum`` at ``deadline``.

    Reached when ``value`` is at least the minimum; on track when at least where the line is ``today``; behind
    otherwise. Without a period start no line can be drawn: then only "reached", or "behind" once the deadline has
    passed, can be said (None otherwise)."""
    if period_start is None or deadline is None or deadline <= period_start:
        if value >= minimum:
            return Status.REACHED, None
        if deadline is not None and today > deadline:
            return Status.BEHIND, Decimal(minimum)
        return None, None
    if today <= period_start:
        expected = Decimal(0)
    elif today >= deadline:
        expected = Decimal(minimum)
    else:
        expected = Decimal(minimum) * (today - period_start).days / (deadline - period_start).days
    expected = _decimal(expected)
    if value >= minimum:
        return Status.REACHED, expected
    return (Status.ON_TRACK if value >= expected else Status.BEHIND), expected


def targets_by_indicator() -> dict:
    """{indicator code: the StrategicTarget it is measured against}, in one query. When several targets name one
    indicator, the one whose trajectory can be drawn (a period start), then the earliest deadline, is used."""
    chosen: dict = {}
    rows = StrategicTarget.objects.exclude(indicator="")
    for target in sorted(rows, key=lambda t: (t.period_start is None, t.deadline or dt.date.max, t.key)):
        chosen.setdefault(target.indicator, target)
    return chosen


def _indicator(definition: Definition, value, target, today: dt.date) -> Indicator:
    common = {
        "code": definition.code,
        "label": str(definition.label),
        "definition": str(definition.definition),
        "value": value,
        "unit": str(definition.unit),
        "filters_applied": definition.filters,
        "counts_people": definition.counts_people,
    }
    if target is None:
        return Indicator(**common)
    status, expected = trajectory_status(value, target.min_value, target.period_start, target.deadline, today)
    return Indicator(
        **common,
        target=target.min_value,
        target_max=target.max_value,
        target_date=target.deadline,
        status=status,
        expected_now=expected,
        target_key=target.key,
        target_label=target.label,
        target_source=target.source,
    )


def _today(filters: Filters, today: dt.date | None) -> dt.date:
    today = today or timezone.localdate()
    return min(today, filters.end) if filters.end else today


def _kept(what: str, compute: Callable, *parts):
    """``compute()``, kept as the figures are (kept.py: numbers and group keys only, never words)."""
    return kept.kept(what, compute, *parts)


def _definition(code: str) -> Definition:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"Unknown indicator {code!r}") from None


def indicator(code: str, filters: Filters | None = None, *, today: dt.date | None = None) -> Indicator:
    """One indicator, with its target and status where one applies."""
    filters = filters or Filters()
    definition = _definition(code)
    today = _today(filters, today)

    value = _kept("value", lambda: _value(code, filters, today), code, filters, today)
    target = None if filters.narrows_scope else targets_by_indicator().get(code)
    return _indicator(definition, value, target, today)


def headline_indicators(filters: Filters | None = None, *, today: dt.date | None = None, codes=None) -> list[Indicator]:
    """Every indicator (or those of ``codes``, in that order) for ``filters``, with targets and statuses."""
    filters = filters or Filters()
    today = _today(filters, today)
    chosen = [_definition(code) for code in codes] if codes is not None else DEFINITIONS

    codes = tuple(d.code for d in chosen)
    values = _kept("values", lambda: {code: _value(code, filters, today) for code in codes}, filters, today, codes)
    targets = {} if filters.narrows_scope else targets_by_indicator()
    return [_indicator(d, values[d.code], targets.get(d.code), today) for d in chosen]


def public_indicators(*, today: dt.date | None = None) -> list[Indicator]:
    """The public headline figures for the whole alliance (impact page, GET /api/v1/kpis)."""
    return headline_indicators(Filters(), today=today, codes=PUBLIC_CODES)


# ---------------------------------------------------------------------------------------------------------------
# Breakdowns


def dimensions(code: str) -> tuple[str, ...]:
    """The breakdowns available for an indicator (the others give no rows)."""
    _definition(code)
    measure = MEASURES.get(code)
    if measure is None:
        return ()
    dims = set(measure.dims) | ({"kind"} if measure.kind_path is not None else set())
    return tuple(d for d in BREAKDOWN_DIMENSIONS if d in dims)


def adds_up(code: str) -> bool:
    """Do the parts of a breakdown of this indicator add up to the whole (sums and plain counts; not rates, nor
    people counted once in each group they belong to)?"""
    measure = MEASURES.get(code)
    return measure is not None and measure.additive


def has_trend(code: str) -> bool:
    """Has the indicator a date to draw a trend by (the others give no series)?"""
    measure = MEASURES.get(code)
    return measure is None or measure.date is not None


def _kind_expression(path: str):
    return Case(
        When(
            **{f"{path}credential_type": CredentialType.PARTICIPATION_BADGE.value},
            then=Value(CredentialKind.PARTICIPATION_BADGE.value),
        ),
        default=F(f"{path}kind"),
    )


def _grouped(qs, group, measure: _Measure) -> dict:
    """{group value: aggregates} of ``qs`` grouped by ``group`` (a field path or an expression), in one query."""
    if isinstance(group, str):
        rows = qs.values(group).annotate(**measure.aggregates()).order_by()
        return {row.pop(group): row for row in rows}
    rows = qs.annotate(_group=group).values("_group").annotate(**measure.aggregates()).order_by()
    return {row.pop("_group"): row for row in rows}


def _merge(into: dict, more: dict) -> None:
    for key, aggregates in more.items():
        if key in into:
            into[key] = {name: (into[key][name] or 0) + (value or 0) for name, value in aggregates.items()}
        else:
            into[key] = aggregates


def _labels(by: str, keys) -> dict:
    """{group value: (stable key, label)} for the groups of a breakdown, in one query at most."""
    ids = [k for k in keys if k not in (None, "")]
    if by == "university":
        return {i.pk: (i.slug, i.name) for i in Institution.objects.filter(pk__in=ids)}
    if by == "content_area":
        return {a.pk: (a.slug, a.name) for a in ContentArea.objects.filter(pk__in=ids)}
    if by == "issuer":
        return {i.pk: (i.slug, i.name) for i in Issuer.objects.filter(pk__in=ids)}
    if by == "kind":
        return {k: (k, str(CredentialKind(k).label) if k in CredentialKind.values else k) for k in ids}
    if by == "eqf_level":
        return {k: (str(k), str(_("EQF level %(level)s") % {"level": k})) for k in ids}
    if by == "learner_group":
        return {k: (k, str(LearnerGroup(k).label) if k in LearnerGroup.values else k) for k in ids}
    return {}


def breakdown(code: str, by: str, filters: Filters | None = None, *, today: dt.date | None = None) -> list[Row]:
    """The indicator's value per university, content area, kind, EQF level, learner group or issuer, largest
    first. A breakdown that does not apply to the indicator gives no rows. Values of an indicator that counts each
    learner once are counted once per group (a learner may be in several groups). By university, a
    micro-credential counts for its awarding and each co-leading university, an offering (its places and results)
    for the delivering one, a credential (and its holder) for its micro-credential's awarding one; a
    micro-credential counts for each of its content areas."""
    if by not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"Unknown breakdown {by!r}: one of {', '.join(BREAKDOWN_DIMENSIONS)}")
    filters = filters or Filters()
    if by not in dimensions(code):
        return []
    today = _today(filters, today)
    groups = _kept("breakdown", lambda: _breakdown_groups(code, by, filters, today), code, by, filters, today)
    return _breakdown_rows(code, by, groups)


def _breakdown_groups(code: str, by: str, filters: Filters, today: dt.date) -> dict:
    """{group value (an id or a code): aggregates}: the numbers of a breakdown, without names."""
    measure = MEASURES[code]
    qs = measure.rows(filters, today)
    groups: dict = {}
    if by == "kind":
        groups = _grouped(qs, _kind_expression(measure.kind_path), measure)
    else:
        for n, path in enumerate(measure.dims[by]):
            found = _grouped(qs, path, measure)
            if n:  # a further relation (co-leading universities): rows without one are not a group
                found.pop(None, None)
            _merge(groups, found)
    return groups


def _breakdown_rows(code: str, by: str, groups: dict) -> list[Row]:
    """The rows of a breakdown's groups, named in the reader's language."""
    measure = MEASURES[code]
    labels = _labels(by, groups)
    rows = []
    for group, aggregates in groups.items():
        key, label = labels.get(group, ("none", str(_("Not recorded"))))
        extra = {name: value for name, value in aggregates.items() if len(aggregates) > 1}
        rows.append(Row(key, label, measure.combine(aggregates), extra))
    return sorted(rows, key=lambda r: (-r.value, r.label))


# ---------------------------------------------------------------------------------------------------------------
# Time series


def _academic_year(path: str):
    """The year an academic year (1 September to 31 August) starts in, for the date at ``path``."""
    return Case(
        When(**{f"{path}__month__gte": 9}, then=ExtractYear(path)),
        default=ExtractYear(path) - 1,
        output_field=IntegerField(),
    )


def time_series(code: str, period: str, filters: Filters | None = None, *, today: dt.date | None = None) -> list[Row]:
    """The indicator per month ("2026-03") or academic year ("2025/26", September to August), oldest first, by the
    date the indicator's definition names; periods with nothing are left out. For figures that add up (sums and
    counts) each row's ``extra["cumulative"]`` is the running total. An indicator with no date gives no rows."""
    if period not in SERIES_PERIODS:
        raise ValueError(f"Unknown period {period!r}: one of {', '.join(SERIES_PERIODS)}")
    _definition(code)
    filters = filters or Filters()
    measure = MEASURES.get(code)
    if measure is None or measure.date is None:
        return []
    today = _today(filters, today)
    groups = _kept("series", lambda: _series_groups(measure, period, filters, today), code, period, filters, today)
    return _series_rows(measure, period, groups)


def _series_groups(measure: _Measure, period: str, filters: Filters, today: dt.date) -> dict:
    """{start of the period (a date or a year): aggregates}: the numbers of a series, without names."""
    qs = measure.rows(filters, today)
    expression = TruncMonth(measure.date) if period == "month" else _academic_year(measure.date)
    return _grouped(qs, expression, measure)


def _series_rows(measure: _Measure, period: str, groups: dict) -> list[Row]:
    """The rows of a series' groups, named in the reader's language, oldest first."""
    rows, running = [], 0
    for start in sorted(g for g in groups if g is not None):
        aggregates = groups[start]
        value = measure.combine(aggregates)
        if period == "month":
            key = label = period_name(start, "month")
        else:
            key, label = f"{start}-{(start + 1) % 100:02d}", f"{start}/{(start + 1) % 100:02d}"
        extra = {name: v for name, v in aggregates.items() if len(aggregates) > 1}
        if measure.additive:
            running += value
            extra["cumulative"] = running
        rows.append(Row(key, label, value, extra))
    return rows
