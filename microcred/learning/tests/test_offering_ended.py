"""The "offering ended" event (learning.signals.offering_ended): sent once per offering after its last day, by a
periodic task; a retry, a second run or a failed receiver never sends it twice to receivers whose writes were kept."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import services, tasks
from microcred.learning.models import Offering
from microcred.learning.signals import offering_ended
from microcred.learning.tests.factories import make_offering, start_offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """The first subscriber (as the end-of-offering survey will subscribe): notes each offering it is told of."""
    seen = []

    def survey_receiver(sender, offering, **kwargs):
        assert sender is Offering
        seen.append(offering.pk)

    offering_ended.connect(survey_receiver)
    yield seen
    offering_ended.disconnect(survey_receiver)


@pytest.fixture
def ended(offering):
    start_offering(offering)  # its last day was yesterday
    return offering


def test_an_offering_past_its_last_day_is_announced_once(ended, received):
    assert tasks.announce_ended_offerings.delay().get() == [ended.pk]
    assert received == [ended.pk]
    ended.refresh_from_db()
    assert ended.ended_announced_at is not None
    event = AuditEvent.objects.get(action="offering.ended")
    assert (event.object_id, event.actor_id, event.changes) == (
        str(ended.pk),
        None,
        {"ends_on": ended.ends_on.isoformat()},
    )

    for _run in range(2):  # the next hour's run, a retry
        assert services.announce_ended_offerings() == []
    assert received == [ended.pk]
    assert AuditEvent.objects.filter(action="offering.ended").count() == 1


def test_an_offering_on_or_before_its_last_day_is_not_announced(offering, received):
    start_offering(offering)
    offering.ends_on = timezone.localdate()
    offering.save(update_fields=["ends_on"])
    assert services.announce_ended_offerings() == []
    assert received == []
    assert services.announce_ended_offerings(today=offering.ends_on + dt.timedelta(days=1)) == [offering.pk]
    assert received == [offering.pk]


def test_each_ended_offering_is_announced_in_its_own_transaction(ended, cast, micro_credential, institution, received):
    later = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    start_offering(later, days_ago=3)
    assert sorted(services.announce_ended_offerings()) == sorted([ended.pk, later.pk])
    assert sorted(received) == sorted([ended.pk, later.pk])


def test_a_failing_receiver_rolls_its_offering_back_and_the_next_run_sends_it_again(ended, received):
    def failing(sender, offering, **kwargs):
        raise RuntimeError("the survey service is down")

    offering_ended.connect(failing)
    try:
        assert services.announce_ended_offerings() == []
    finally:
        offering_ended.disconnect(failing)
    ended.refresh_from_db()
    assert ended.ended_announced_at is None
    assert not AuditEvent.objects.filter(action="offering.ended").exists()  # rolled back with the marker

    assert services.announce_ended_offerings() == [ended.pk]
    assert AuditEvent.objects.filter(action="offering.ended").count() == 1


def test_an_offering_announced_meanwhile_is_not_announced_again(ended, received, monkeypatch):
    """A concurrent run that claimed the offering between this run's list and its claim: nothing is sent twice."""
    real = services._announce_ended

    def other_run_first(offering_id, today):
        Offering.objects.filter(pk=offering_id).update(ended_announced_at=timezone.now())
        return real(offering_id, today)

    monkeypatch.setattr(services, "_announce_ended", other_run_first)
    assert services.announce_ended_offerings() == []
    assert received == []


def test_celery_beat_runs_the_announcement():
    from microcred.operations import schedule

    # Beat runs the job of that name, which calls the task (the one list of periodic jobs, operations/schedule.py).
    entry = settings.CELERY_BEAT_SCHEDULE["learning-announce-ended-offerings"]
    assert entry["task"] == schedule.TASK and entry["args"] == ("learning-announce-ended-offerings",)
    assert schedule.job_named("learning-announce-ended-offerings").call == tasks.announce_ended_offerings.name


def test_the_embedded_default_runs_the_announcement_with_a_command(ended, received):
    """No beat in the embedded default: `manage.py run_scheduled_tasks` (from cron) runs the same schedule entry."""
    from django.core.management import call_command

    call_command("run_scheduled_tasks", "learning-announce-ended-offerings", verbosity=0)
    assert received == [ended.pk]
    call_command("run_scheduled_tasks", "learning-announce-ended-offerings", verbosity=0)
    assert received == [ended.pk]  # once
