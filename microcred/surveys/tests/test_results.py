"""Results: distributions, means, response counts and rates; nothing below 5 responses; comments only when asked
(the quality office's); per offering, per micro-credential across offerings and over time, per university."""

import datetime as dt

import pytest

from microcred.surveys import selectors, services
from microcred.surveys.models import Audience, Invitation
from microcred.surveys.selectors import MIN_RESPONSES_SHOWN, Results, ResultsOverTime

pytestmark = pytest.mark.django_db


def answer(survey, person, content=4, workload="about-right", comments="", use=()):
    invitation = Invitation.objects.get(survey=survey, person=person)
    services.submit_response(
        survey=survey,
        answers={
            "content": content,
            "teaching": 4,
            "workload": workload,
            "assessment": 4,
            "recommend": 5,
            "use": list(use),
            "comments": comments,
        },
        token=services.token_for(invitation),
    )


@pytest.fixture
def survey(ended_offering):
    return services.send_surveys_for_offering(ended_offering)[0]


def test_the_rule_of_five_is_a_named_constant():
    assert MIN_RESPONSES_SHOWN == 5


def test_below_five_responses_only_the_counts_are_given(survey, learners, ended_offering):
    for person in learners[:4]:
        answer(survey, person, comments="Great")
    results = selectors.results_for_offering(ended_offering, include_comments=True)
    assert isinstance(results, Results)
    assert (results.responses, results.invited, results.response_rate, results.shown) == (4, 5, 0.8, False)
    assert results.questions == ()
    assert results.hidden_reason == "Fewer than 5 responses: results are hidden to protect anonymity."


def test_from_five_responses_distributions_means_and_rates(survey, learners, ended_offering):
    for n, person in enumerate(learners[:5]):
        answer(
            survey,
            person,
            content=[5, 4, 4, 2, 5][n],
            workload=["about-right", "about-right", "a-little-heavier", "much-heavier", "about-right"][n],
            comments=["", "More examples", "", "Too fast", ""][n],
            use=[["further-study"], ["my-current-job", "further-study"], [], [], []][n],
        )
    results = selectors.results_for_offering(ended_offering)
    assert (results.responses, results.invited, results.response_rate, results.shown) == (5, 5, 1.0, True)
    by_key = {q.key: q for q in results.questions}
    content = by_key["content"]
    assert [(b.key, b.count) for b in content.distribution] == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 2)]
    assert content.mean == 4.0 and content.answered == 5
    workload = by_key["workload"]
    assert [(b.key, b.count) for b in workload.distribution] == [
        ("much-lighter", 0),
        ("a-little-lighter", 0),
        ("about-right", 3),
        ("a-little-heavier", 1),
        ("much-heavier", 1),
    ]
    assert workload.mean is None
    use = by_key["use"]
    assert use.answered == 2 and {b.key: b.count for b in use.distribution}["further-study"] == 2
    # Free text: only when asked for (the quality office's).
    assert by_key["comments"].comments == () and by_key["comments"].answered == 2
    with_comments = selectors.results_for_offering(ended_offering, include_comments=True)
    assert {q.key: q for q in with_comments.questions}["comments"].comments == ("More examples", "Too fast")
    assert selectors.results_for_offering(ended_offering, audience=Audience.STAFF).responses == 0


def test_an_offering_without_a_survey_has_no_results(ended_offering):
    assert selectors.results_for_offering(ended_offering) is None


def test_across_offerings_over_time_and_per_university(
    survey, learners, ended_offering, make_ended_offering, micro_credential, institution
):
    for person in learners[:3]:
        answer(survey, person, content=5)
    later = make_ended_offering(learners[:4])
    later_survey = services.send_surveys_for_offering(later)[0]
    for person in learners[:3]:
        answer(later_survey, person, content=3)
    # An offering a year earlier.
    earlier = make_ended_offering(learners[:2])
    earlier.starts_on, earlier.ends_on = (
        ended_offering.starts_on - dt.timedelta(days=365),
        ended_offering.ends_on - dt.timedelta(days=365),
    )
    earlier.save()
    earlier_survey = services.send_surveys_for_offering(earlier)[0]
    answer(earlier_survey, learners[0], content=1)

    over_time = selectors.results_for_micro_credential(micro_credential, by="offering")
    assert isinstance(over_time, ResultsOverTime)
    assert (over_time.overall.responses, over_time.overall.invited, over_time.overall.shown) == (7, 11, True)
    content = {q.key: q for q in over_time.overall.questions}["content"]
    assert content.mean == round((5 * 3 + 3 * 3 + 1) / 7, 2)
    # Each offering on its own is below 5: hidden, counts only; oldest first.
    assert [(p.responses, p.shown) for p in over_time.periods] == [(1, False), (3, False), (3, False)]
    assert over_time.periods[0].key == str(earlier.pk)

    by_year = selectors.results_for_micro_credential(micro_credential)
    assert [p.label for p in by_year.periods] == sorted(
        {selectors.academic_year(earlier.ends_on), selectors.academic_year(ended_offering.ends_on)}
    )
    university = selectors.results_for_university(institution, by="academic_year")
    assert university.overall.responses == 7 and university.label == institution.name


def test_academic_years_run_from_september():
    assert selectors.academic_year(dt.date(2026, 8, 31)) == "2025/26"
    assert selectors.academic_year(dt.date(2026, 9, 1)) == "2026/27"
    assert selectors.academic_year(dt.date(2099, 12, 1)) == "2099/00"
