"""Reads of the surveys app: the results of post-delivery surveys (policy 7.25), and the lists of the pages.

Results are public to other apps (the council report of the quality app calls them) through three functions that
return plain, frozen dataclasses (no model instances):

* ``results_for_offering(offering, *, audience="learners", include_comments=False) -> Results | None``:
  the survey of one offering for one audience (``Audience.LEARNERS`` or ``Audience.STAFF``); None when no
  survey was sent for it.
* ``results_for_micro_credential(micro_credential, *, audience="learners", by="academic_year",
  include_comments=False) -> ResultsOverTime``: every survey of the micro-credential's offerings added up
  (``overall``), and per academic year (September to August, named "2025/26") or per offering (``by="offering"``),
  oldest first (``periods``).
* ``results_for_university(institution, *, audience="learners", by="academic_year", include_comments=False)
  -> ResultsOverTime``: the same for the offerings a university delivered.

``Results`` (one survey, or several added up):
  ``key`` and ``label`` (what it is about: the offering, the year…), ``audience``, ``surveys`` (how many),
  ``invited``, ``responses``, ``response_rate`` (responses / invited, 0 to 1; None when nobody was invited),
  ``shown`` (``responses >= MIN_RESPONSES_SHOWN``), ``hidden_reason`` (the sentence to show instead, "" when
  shown) and ``questions``: a tuple of ``QuestionResult``, empty unless ``shown``.
``QuestionResult``: ``key`` (stable across template versions: results of different versions are added up by it),
  ``text`` (in the active language), ``kind`` ("likert", "single", "multiple", "text"), ``answered`` (responses
  that answered it), ``distribution`` (a tuple of ``Bar(key, label, count)``: 1 to 5 for Likert, each option for
  choices, empty for free text), ``mean`` (Likert only, else None) and ``comments`` (the free-text answers, only
  with ``include_comments=True``: the quality office's, never to be shown to anyone else).

The 5 rule (``MIN_RESPONSES_SHOWN``) applies to each ``Results`` on its own, an aggregate and each of its periods
alike: below it, nothing but the counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from microcred.surveys.models import Answer, Audience, Invitation, Question, Response, Survey, SurveyTemplate

MIN_RESPONSES_SHOWN = 5
LIKERT_VALUES = (1, 2, 3, 4, 5)
BY_CHOICES = ("academic_year", "offering")


def hidden_sentence() -> str:
    return _("Fewer than 5 responses: results are hidden to protect anonymity.")


def likert_label(value: int) -> str:
    return {
        1: _("1 – Strongly disagree"),
        2: _("2 – Disagree"),
        3: _("3 – Neither agree nor disagree"),
        4: _("4 – Agree"),
        5: _("5 – Strongly agree"),
    }[value]


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class QuestionResult:
    key: str
    text: str
    kind: str
    answered: int
    distribution: tuple[Bar, ...]
    mean: float | None
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Results:
    key: str
    label: str
    audience: str
    surveys: int
    invited: int
    responses: int
    response_rate: float | None
    shown: bool
    hidden_reason: str
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class ResultsOverTime:
    key: str
    label: str
    audience: str
    by: str
    overall: Results
    periods: tuple[Results, ...]


def academic_year(day: dt.date) -> str:
    """ "2025/26" for a day from September 2025 to August 2026."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _questions_of(surveys: list[Survey]) -> list[Question]:
    """The questions of the surveys' template versions, one per key: those of the newest version in its order (and
    wording), then those only older versions asked."""
    versions = sorted({s.template_version_id for s in surveys}, reverse=True)
    questions = Question.objects.filter(version_id__in=versions).prefetch_related("choices")
    by_version: dict[int, list[Question]] = defaultdict(list)
    for question in questions.order_by("position", "pk"):
        by_version[question.version_id].append(question)
    ordered: dict[str, Question] = {}
    for version_id in versions:
        for question in by_version[version_id]:
            ordered.setdefault(question.key, question)
    return list(ordered.values())


def _results(surveys: list[Survey], *, key: str, label: str, audience: str, include_comments: bool = False) -> Results:
    ids = [s.pk for s in surveys]
    invited = Invitation.objects.filter(survey_id__in=ids).count()
    responses = Response.objects.filter(survey_id__in=ids).count()
    rate = (responses / invited) if invited else None
    shown = responses >= MIN_RESPONSES_SHOWN
    questions: tuple[QuestionResult, ...] = ()
    if shown:
        questions = tuple(_question_results(surveys, ids, include_comments))
    return Results(
        key=key,
        label=label,
        audience=audience,
        surveys=len(surveys),
        invited=invited,
        responses=responses,
        response_rate=rate,
        shown=shown,
        hidden_reason="" if shown else hidden_sentence(),
        questions=questions,
    )


def _question_results(surveys: list[Survey], ids: list[int], include_comments: bool) -> Iterable[QuestionResult]:
    answers = Answer.objects.filter(response__survey_id__in=ids).values_list(
        "response_id", "question__key", "question__kind", "likert", "choice__key", "text"
    )
    likert: dict[str, Counter] = defaultdict(Counter)
    chosen: dict[str, Counter] = defaultdict(Counter)
    texts: dict[str, list[str]] = defaultdict(list)
    answered: dict[str, set] = defaultdict(set)
    for response_id, qkey, kind, value, choice_key, text in answers:
        if kind == Question.Kind.LIKERT and value is not None:
            likert[qkey][value] += 1
        elif choice_key is not None:
            chosen[qkey][choice_key] += 1
        elif kind == Question.Kind.TEXT and text.strip():
            texts[qkey].append(text.strip())
        else:
            continue
        answered[qkey].add(response_id)
    for question in _questions_of(surveys):
        qkey = question.key
        mean = None
        if question.kind == Question.Kind.LIKERT:
            counts = likert[qkey]
            bars = tuple(Bar(str(v), likert_label(v), counts[v]) for v in LIKERT_VALUES)
            total = sum(counts.values())
            mean = round(sum(v * n for v, n in counts.items()) / total, 2) if total else None
        elif question.has_choices:
            counts = chosen[qkey]
            bars = tuple(Bar(c.key, c.label, counts[c.key]) for c in question.choices.all())
        else:
            bars = ()
        yield QuestionResult(
            key=qkey,
            text=question.label,
            kind=question.kind,
            answered=len(answered[qkey]),
            distribution=bars,
            mean=mean,
            comments=tuple(sorted(texts[qkey])) if include_comments and question.kind == Question.Kind.TEXT else (),
        )


def _surveys(**filters) -> list[Survey]:
    return list(
        Survey.objects.filter(**filters)
        .select_related("offering__version", "offering__institution", "template_version__template")
        .order_by("offering__ends_on", "offering_id")
    )


def offering_label(offering) -> str:
    return f"{offering.version.title} ({offering.starts_on:%Y-%m-%d} – {offering.ends_on:%Y-%m-%d})"


def results_for_survey(survey: Survey, *, include_comments: bool = False) -> Results:
    return _results(
        [survey],
        key=str(survey.pk),
        label=offering_label(survey.offering),
        audience=survey.audience,
        include_comments=include_comments,
    )


def results_for_offering(
    offering, *, audience: str = Audience.LEARNERS, include_comments: bool = False
) -> Results | None:
    """The results of the offering's survey for ``audience``; None when none was sent."""
    survey = Survey.objects.filter(offering=offering, audience=audience).select_related("offering__version").first()
    return results_for_survey(survey, include_comments=include_comments) if survey else None


def _over_time(
    surveys: list[Survey], *, key: str, label: str, audience: str, by: str, include_comments: bool
) -> ResultsOverTime:
    if by not in BY_CHOICES:
        raise ValueError(f"Unknown grouping {by!r}: one of {', '.join(BY_CHOICES)}")
    groups: dict[str, list[Survey]] = {}
    labels: dict[str, str] = {}
    for survey in surveys:  # oldest offering first
        if by == "offering":
            gkey, glabel = str(survey.offering_id), offering_label(survey.offering)
        else:
            gkey = glabel = academic_year(survey.offering.ends_on)
        groups.setdefault(gkey, []).append(survey)
        labels[gkey] = glabel
    periods = tuple(
        _results(group, key=gkey, label=labels[gkey], audience=audience, include_comments=include_comments)
        for gkey, group in groups.items()
    )
    overall = _results(surveys, key=key, label=label, audience=audience, include_comments=include_comments)
    return ResultsOverTime(key=key, label=label, audience=audience, by=by, overall=overall, periods=periods)


def results_for_micro_credential(
    micro_credential, *, audience: str = Audience.LEARNERS, by: str = "academic_year", include_comments: bool = False
) -> ResultsOverTime:
    """Every survey of the micro-credential's offerings for ``audience``, added up and per year or offering."""
    surveys = _surveys(offering__micro_credential=micro_credential, audience=audience)
    current = getattr(micro_credential, "current_version", None)
    label = current.title if current is not None else str(micro_credential)
    return _over_time(
        surveys,
        key=str(micro_credential.pk),
        label=label,
        audience=audience,
        by=by,
        include_comments=include_comments,
    )


def results_for_university(
    institution, *, audience: str = Audience.LEARNERS, by: str = "academic_year", include_comments: bool = False
) -> ResultsOverTime:
    """Every survey of the offerings ``institution`` delivered, for ``audience``, added up and per year or offering."""
    surveys = _surveys(offering__institution=institution, audience=audience)
    return _over_time(
        surveys,
        key=str(institution.pk),
        label=institution.name,
        audience=audience,
        by=by,
        include_comments=include_comments,
    )


# --- the pages' lists -----------------------------------------------------------------------------------------


def _count(model, **outer):
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    rows = model.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def surveys_with_counts(queryset=None):
    """Surveys with ``invited_count`` and ``response_count`` (one subquery each, no row multiplication)."""
    queryset = Survey.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("offering__version", "offering__institution", "template_version__template")
        .annotate(invited_count=_count(Invitation), response_count=_count(Response))
        .order_by("-closes_on", "-pk")
    )


def rate(responses: int, invited: int) -> float | None:
    return responses / invited if invited else None


def waiting_for(user, *, today: dt.date | None = None):
    """The open surveys ``user`` was invited to and has not answered (their "surveys to answer")."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    return (
        Survey.objects.filter(
            invitations__person=user,
            invitations__answered=False,
            status=Survey.Status.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .select_related("offering__version")
        .order_by("closes_on", "pk")
    )


def templates():
    return SurveyTemplate.objects.annotate(version_count=Count("versions")).order_by("audience", "-is_default", "name")


def question_has_answers(question: Question) -> bool:
    return Answer.objects.filter(question=question).exists()


def open_closed_filter(state: str) -> Q:
    return Q(status=Survey.Status.OPEN) if state == "open" else Q(status=Survey.Status.CLOSED)
