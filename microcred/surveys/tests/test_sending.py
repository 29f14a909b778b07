"""Sending (policy 7.25): when an offering ends, its learners' and its staff's surveys go out once, with one
reminder to those who have not answered and a closing date; the scheduled tasks run them."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import services as learning
from microcred.learning.signals import offering_ended
from microcred.outbox.models import OutboxMessage
from microcred.surveys import services, tasks
from microcred.surveys.models import Audience, Invitation, Survey

pytestmark = pytest.mark.django_db


def _links(messages):
    return [line for m in messages for line in m.body.splitlines() if "/surveys/" in line]


def test_an_ended_offering_sends_a_learners_and_a_staff_survey_once(
    ended_offering, learners, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert learning.announce_ended_offerings() == [ended_offering.pk]
    learners_survey = Survey.objects.get(offering=ended_offering, audience=Audience.LEARNERS)
    staff_survey = Survey.objects.get(offering=ended_offering, audience=Audience.STAFF)
    today = timezone.localdate()
    assert (learners_survey.opens_on, learners_survey.closes_on) == (today, today + dt.timedelta(days=21))
    assert learners_survey.status == Survey.Status.OPEN
    # Enrolled learners only: not the one who cancelled, nor the one left on the waiting list.
    assert set(learners_survey.invitations.values_list("person_id", flat=True)) == {u.pk for u in learners[:5]}
    assert set(staff_survey.invitations.values_list("person_id", flat=True)) == {
        people["assessor"].pk,
        people["proposer"].pk,
    }
    # The e-mails went out after the commit, each with a personal link.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [u.email for u in learners[:5]] + [people["assessor"].email, people["proposer"].email]
    )
    assert len(set(_links(mail.outbox))) == 7
    assert AuditEvent.objects.filter(action="survey.sent").count() == 2

    # The signal again (a second receiver run, a retry): nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offering_ended.send(sender=type(ended_offering), offering=ended_offering)
        assert services.send_surveys_for_offering(ended_offering) == []
    assert Survey.objects.filter(offering=ended_offering).count() == 2
    assert Invitation.objects.count() == 7
    assert mail.outbox == []


def test_the_token_is_stored_nowhere_only_its_hash(ended_offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_surveys_for_offering(ended_offering)
    invitation = Invitation.objects.filter(survey__audience=Audience.LEARNERS).first()
    token = services.token_for(invitation)
    assert invitation.token_hash == services.hash_token(token) != token
    assert any(token in link for link in _links(mail.outbox))
    for message in OutboxMessage.objects.all():
        assert token not in str(message.payload)


def test_the_open_days_setting_sets_the_closing_date(settings, ended_offering):
    settings.SURVEY_OPEN_DAYS = 10
    survey = services.send_surveys_for_offering(ended_offering)[0]
    assert survey.closes_on == timezone.localdate() + dt.timedelta(days=10)


def test_without_a_default_template_with_questions_nothing_is_sent(ended_offering):
    from microcred.surveys.models import SurveyTemplate

    SurveyTemplate.objects.update(is_default=False)
    assert services.send_surveys_for_offering(ended_offering) == []
    assert not Survey.objects.exists()


def test_one_reminder_to_those_who_have_not_answered(
    ended_offering, learners, people, settings, django_capture_on_commit_callbacks
):
    survey = services.send_surveys_for_offering(ended_offering)[0]
    assert survey.audience == Audience.LEARNERS
    answered = Invitation.objects.get(survey=survey, person=learners[0])
    services.submit_response(survey=survey, answers=_complete_answers(), token=services.token_for(answered))
    day_before_due = survey.closes_on - dt.timedelta(days=8)
    assert services.send_due_reminders(today=day_before_due) == []

    due = survey.closes_on - dt.timedelta(days=7)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert survey.pk in services.send_due_reminders(today=due)
    reminded = {m.to[0] for m in mail.outbox if "closes soon" in m.subject}
    # Learners who have not answered (not the one who has), and the staff, whose survey closes the same day.
    assert reminded == {u.email for u in learners[1:5]} | {people["assessor"].email, people["proposer"].email}
    assert AuditEvent.objects.filter(action="survey.reminded", object_id=str(survey.pk)).count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(today=due) == []
        assert services.send_due_reminders(today=due + dt.timedelta(days=1)) == []
    assert mail.outbox == []


def test_the_reminder_days_setting_moves_the_reminder(ended_offering, settings):
    settings.SURVEY_REMINDER_DAYS_BEFORE_CLOSE = 3
    survey = services.send_surveys_for_offering(ended_offering)[0]
    assert services.send_due_reminders(today=survey.closes_on - dt.timedelta(days=4)) == []
    assert survey.pk in services.send_due_reminders(today=survey.closes_on - dt.timedelta(days=3))


def test_surveys_past_their_closing_date_are_closed_once(ended_offering):
    survey = services.send_surveys_for_offering(ended_offering)[0]
    assert services.close_due_surveys(today=survey.closes_on) == []
    closed = services.close_due_surveys(today=survey.closes_on + dt.timedelta(days=1))
    assert survey.pk in closed
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and survey.closed_at is not None
    assert services.close_due_surveys(today=survey.closes_on + dt.timedelta(days=2)) == []
    assert AuditEvent.objects.filter(action="survey.closed", object_id=str(survey.pk)).count() == 1


def test_run_scheduled_tasks_runs_the_survey_tasks(settings, ended_offering):
    assert "surveys-send-reminders" in settings.CELERY_BEAT_SCHEDULE
    assert "surveys-close-due" in settings.CELERY_BEAT_SCHEDULE
    survey = services.send_surveys_for_offering(ended_offering)[0]
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=30), closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    out = io.StringIO()
    call_command("run_scheduled_tasks", "surveys-send-reminders", "surveys-close-due", stdout=out)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    assert tasks.close_due_surveys.delay().get() == []


def _complete_answers():
    return {"content": 4, "teaching": 5, "workload": "about-right", "assessment": 4, "recommend": 5}


def test_an_audience_with_no_template_at_all_gets_the_policys_default_questionnaire(ended_offering):
    from microcred.surveys.models import SurveyTemplate

    SurveyTemplate.objects.all().delete()
    surveys = services.send_surveys_for_offering(ended_offering)
    assert [s.audience for s in surveys] == ["learners", "staff"]
    assert SurveyTemplate.objects.filter(is_default=True).count() == 2
    assert surveys[0].template_version.questions.filter(key="workload").exists()
