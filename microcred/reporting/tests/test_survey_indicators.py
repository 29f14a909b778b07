"""The survey indicators (policy 7.25): the learners' response rate and satisfaction, computed from the closed
post-delivery surveys, against hand-computed figures; satisfaction never rests on a survey of fewer than 5
responses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering
from microcred.reporting import indicators
from microcred.reporting.indicators import Filters
from microcred.roles import Role
from microcred.surveys import services
from microcred.surveys.models import Audience, Invitation

pytestmark = pytest.mark.django_db


def _ended_offering(mc, proposer, institution, learners):
    offering = make_offering(micro_credential=mc, creator=proposer, institution=institution)
    start_offering(offering)
    for learner in learners:
        Enrolment.objects.create(
            offering=offering,
            learner=learner,
            status=Enrolment.Status.ENROLLED,
            prerequisites_acknowledged=True,
            enrolled_at=timezone.now(),
        )
    return offering


def _answer(survey, person, content):
    invitation = Invitation.objects.get(survey=survey, person=person)
    answers = {"content": content, "teaching": 4, "workload": "about-right", "assessment": 4, "recommend": 5}
    services.submit_response(survey=survey, answers=answers, token=services.token_for(invitation))


@pytest.fixture
def surveyed(make_user, institution, other_institution):
    """Offering A (institution): 5 learners asked, 5 answered, content 5, 4, 4, 2, 5 and teaching 4, assessment 4,
    recommend 5 each: 20 answers on the 1-to-5 scale summing to 20 + 20 + 20 + 25 = 85, a mean of 4.25.
    Offering B (other institution): 4 asked, 3 answered, all 1s: below 5 responses, never in satisfaction.
    Response rate: (5 + 3) of (5 + 4) = 88.9 %. Both surveys closed; an open one (offering C) counts nowhere."""
    proposer = make_user((Role.PROPOSER, institution))
    learners = [make_user(Role.LEARNER, email=f"l{n}@example.org") for n in range(9)]
    mc = make_micro_credential(institution=institution, proposer=proposer)
    a = _ended_offering(mc, proposer, institution, learners[:5])
    b = _ended_offering(mc, proposer, other_institution, learners[5:9])
    c = _ended_offering(mc, proposer, institution, learners[:5])
    survey_a, survey_b, survey_c = (
        next(s for s in services.send_surveys_for_offering(o) if s.audience == Audience.LEARNERS) for o in (a, b, c)
    )
    for person, content in zip(learners[:5], [5, 4, 4, 2, 5], strict=True):
        _answer(survey_a, person, content)
        _answer(survey_c, person, 1)
    for person in learners[5:8]:
        invitation = Invitation.objects.get(survey=survey_b, person=person)
        answers = {"content": 1, "teaching": 1, "workload": "about-right", "assessment": 1, "recommend": 1}
        services.submit_response(survey=survey_b, answers=answers, token=services.token_for(invitation))
    closing_day = max(survey_a.closes_on, survey_b.closes_on) + dt.timedelta(days=1)
    services.close_due_surveys(today=closing_day)
    survey_c.refresh_from_db()
    survey_c.status = survey_c.Status.OPEN  # still open: answered, not yet closed
    survey_c.closed_at = None
    survey_c.save(update_fields=["status", "closed_at"])
    return {"a": survey_a, "b": survey_b, "institution": institution, "other": other_institution}


def test_the_response_rate_and_satisfaction_of_the_closed_surveys(surveyed):
    rate = indicators.indicator("survey_response_rate", Filters())
    satisfaction = indicators.indicator("learner_satisfaction", Filters())
    assert (rate.value, rate.unit) == (Decimal("88.9"), "%")
    assert satisfaction.value == Decimal("4.25")  # offering B (3 responses, all 1s) is left out


def test_by_delivering_university(surveyed):
    mine, theirs = surveyed["institution"].pk, surveyed["other"].pk
    assert indicators.indicator("survey_response_rate", Filters(university_id=mine)).value == Decimal("100.0")
    assert indicators.indicator("survey_response_rate", Filters(university_id=theirs)).value == Decimal("75.0")
    assert indicators.indicator("learner_satisfaction", Filters(university_id=theirs)).value == Decimal("0.00")
    rows = {r.key: r.value for r in indicators.breakdown("learner_satisfaction", "university")}
    assert rows == {surveyed["institution"].slug: Decimal("4.25")}  # no group rests on fewer than 5 responses
    assert indicators.breakdown("learner_satisfaction", "learner_group") == []  # never by who the learner is


def test_the_period_applies_to_the_closing_date(surveyed):
    closed_on = surveyed["a"].closes_on
    before = Filters(end=closed_on - dt.timedelta(days=1))
    assert indicators.indicator("survey_response_rate", before).value == Decimal("0.0")
    assert indicators.indicator("survey_response_rate", Filters(start=closed_on)).value == Decimal("88.9")
    series = indicators.time_series("learner_satisfaction", "month")
    assert [r.value for r in series] == [Decimal("4.25")]
