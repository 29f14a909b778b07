"""Anonymous answering: one response per invitation, written with no link to the person; every bad input refused
with a clear message and nothing written."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.surveys import services
from microcred.surveys.exceptions import (
    AlreadyAnswered,
    AnswersInvalid,
    NotInvited,
    SurveyClosed,
    TokenForAnotherSurvey,
    TokenNotValid,
)
from microcred.surveys.models import Answer, Audience, Invitation, Response, Survey

pytestmark = pytest.mark.django_db

ANSWERS = {
    "content": 4,
    "teaching": "5",
    "workload": "about-right",
    "assessment": 3,
    "recommend": 5,
    "use": ["my-current-job", "further-study"],
    "comments": "  More practical sessions, please.  ",
}


@pytest.fixture
def survey(ended_offering):
    return next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)


def _token(survey, person):
    return services.token_for(Invitation.objects.get(survey=survey, person=person))


def _nothing_written(survey, invitation_answered=False):
    assert Response.objects.filter(survey=survey).count() == 0
    assert Answer.objects.count() == 0
    if not invitation_answered:
        assert not Invitation.objects.filter(survey=survey, answered=True).exists()


def test_a_token_answers_once_and_the_response_names_nobody(survey, learners):
    token = _token(survey, learners[0])
    events_before = AuditEvent.objects.count()
    services.submit_response(survey=survey, answers=ANSWERS, token=token)

    response = Response.objects.get(survey=survey)
    rows = {(a.question.key, a.likert, a.choice.key if a.choice else None, a.text) for a in response.answers.all()}
    assert rows == {
        ("content", 4, None, ""),
        ("teaching", 5, None, ""),
        ("workload", None, "about-right", ""),
        ("assessment", 3, None, ""),
        ("recommend", 5, None, ""),
        ("use", None, "my-current-job", ""),
        ("use", None, "further-study", ""),
        ("comments", None, None, "More practical sessions, please."),
    }
    invitation = Invitation.objects.get(survey=survey, person=learners[0])
    assert invitation.answered and invitation.token_hash is None
    # Not in the audit log: its time next to the person's other events could tell who answered what.
    assert AuditEvent.objects.count() == events_before

    with pytest.raises(TokenNotValid, match="not valid or has already been used"):
        services.submit_response(survey=survey, answers=ANSWERS, token=token)
    assert Response.objects.filter(survey=survey).count() == 1


def test_two_submissions_of_one_invitation_write_one_response(survey, learners, monkeypatch):
    """The second submission read the invitation before the first was written (a double click): the conditional
    update lets only one through."""
    token = _token(survey, learners[0])
    stale = services.invitation_for_token(token)
    monkeypatch.setattr(services, "invitation_for_token", lambda _token: stale)
    services.submit_response(survey=survey, answers=ANSWERS, token=token)
    with pytest.raises(TokenNotValid):
        services.submit_response(survey=survey, answers=ANSWERS, token=token)
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(question__key="content").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_write_exactly_one_response(ended_offering, learners):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions (SQLite serialises writers)")
    survey = next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)
    token = _token(survey, learners[0])
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.submit_response(survey=survey, answers=ANSWERS, token=token)
            outcomes.append("ok")
        except (TokenNotValid, AlreadyAnswered):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_unknown_or_made_up_token_is_refused(survey):
    for token in ["", "nope", "a" * 64, "x" * 5000]:
        with pytest.raises(TokenNotValid):
            services.submit_response(survey=survey, answers=ANSWERS, token=token)
    _nothing_written(survey)


def test_a_token_from_another_survey_is_refused(survey, make_ended_offering, learners):
    other = services.send_surveys_for_offering(make_ended_offering(learners[:2]))[0]
    with pytest.raises(TokenForAnotherSurvey, match="another survey"):
        services.submit_response(survey=survey, answers=ANSWERS, token=_token(other, learners[0]))
    _nothing_written(survey)
    assert not Invitation.objects.filter(survey=other, answered=True).exists()


def test_answering_after_closing_is_refused(survey, learners):
    token = _token(survey, learners[0])
    services.close_due_surveys(today=survey.closes_on + dt.timedelta(days=1))
    with pytest.raises(SurveyClosed, match="closed"):
        services.submit_response(survey=survey, answers=ANSWERS, token=token)
    _nothing_written(survey)


def test_answering_past_the_closing_date_before_the_task_ran_is_refused(survey, learners):
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=30), closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    survey.refresh_from_db()
    with pytest.raises(SurveyClosed):
        services.submit_response(survey=survey, answers=ANSWERS, token=_token(survey, learners[0]))
    _nothing_written(survey)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"content": ""}, "content", "needs an answer"),
        ({"workload": None}, "workload", "needs an answer"),
        ({"workload": "far-too-much"}, "workload", "among the options offered"),
        ({"workload": ["about-right", "much-heavier"]}, "workload", "Choose one option"),
        ({"use": ["my-current-job", "lottery"]}, "use", "among the options offered"),
        ({"content": 0}, "content", "from 1 to 5"),
        ({"content": 6}, "content", "from 1 to 5"),
        ({"content": "-1"}, "content", "from 1 to 5"),
        ({"content": "four"}, "content", "from 1 to 5"),
        ({"content": 4.5}, "content", "from 1 to 5"),
        ({"content": True}, "content", "from 1 to 5"),
        ({"comments": "x" * 2001}, "comments", "under 2000 characters"),
        ({"comments": ["a list"]}, "comments", "as text"),
        ({"favourite_colour": "blue"}, "favourite_colour", "no such question"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(survey, learners, change, key, message):
    token = _token(survey, learners[0])
    with pytest.raises(AnswersInvalid) as refused:
        services.submit_response(survey=survey, answers={**ANSWERS, **change}, token=token)
    assert message in refused.value.errors[key][0]
    _nothing_written(survey)
    assert Invitation.objects.get(survey=survey, person=learners[0]).token_hash is not None
    services.submit_response(survey=survey, answers=ANSWERS, token=token)  # the link still works


def test_optional_questions_may_be_left_blank(survey, learners):
    required_only = {k: v for k, v in ANSWERS.items() if k not in ("use", "comments")}
    services.submit_response(survey=survey, answers=required_only, token=_token(survey, learners[0]))
    assert Answer.objects.filter(question__key__in=["use", "comments"]).count() == 0


def test_the_signed_in_person_answers_their_own_invitation(survey, learners, make_user):
    services.submit_response(survey=survey, answers=ANSWERS, user=learners[1])
    assert Response.objects.filter(survey=survey).count() == 1
    invitation = Invitation.objects.get(survey=survey, person=learners[1])
    assert invitation.answered and invitation.token_hash is None
    with pytest.raises(AlreadyAnswered):
        services.submit_response(survey=survey, answers=ANSWERS, user=learners[1])
    with pytest.raises(TokenNotValid):  # the e-mail's link no longer works either
        services.submit_response(survey=survey, answers=ANSWERS, token=services.token_for(invitation))
    with pytest.raises(NotInvited):
        services.submit_response(survey=survey, answers=ANSWERS, user=learners[6])  # wait-listed: not invited
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_open_survey_keeps_its_version_when_the_template_changes(survey, learners, people):
    from microcred.surveys.services import QuestionSpec

    template = survey.template_version.template
    services.add_question(
        actor=people["quality"],
        template=template,
        spec=QuestionSpec(kind="likert", required=True, text={"en": "The rooms were comfortable."}),
    )
    assert template.latest_version.number == 2
    survey.refresh_from_db()
    assert survey.template_version.number == 1
    # The new required question is not asked in the survey sent with version 1.
    services.submit_response(survey=survey, answers=ANSWERS, token=_token(survey, learners[0]))
