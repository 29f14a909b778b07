"""The one list of periodic jobs: beat's schedule, `manage.py run_scheduled`, the lease and the catch-up."""

import datetime as dt
import io
import threading

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from microcred.operations import schedule
from microcred.operations.models import ScheduledRun

pytestmark = pytest.mark.django_db

CALLS = []


def record_call():
    CALLS.append("ran")
    return "recorded"


def run_again_while_running():
    """A job that, while it runs, is started again (a second beat, or a command): the second run must not run."""
    CALLS.append("outer")
    return schedule.run_job("test-reentrant").state


def fail():
    raise RuntimeError("the job broke; mail ana@ub.example")


@pytest.fixture
def test_jobs(monkeypatch):
    CALLS.clear()
    jobs = {
        "test-record": schedule.Job("test-record", f"{__name__}.record_call", "Test", lambda s: 3600, "test"),
        "test-reentrant": schedule.Job(
            "test-reentrant", f"{__name__}.run_again_while_running", "Test", lambda s: 3600, "test"
        ),
        "test-fail": schedule.Job("test-fail", f"{__name__}.fail", "Test", lambda s: 3600, "test"),
    }
    monkeypatch.setattr(schedule, "BY_NAME", {**schedule.BY_NAME, **jobs})
    return jobs


def test_beat_schedule_is_built_from_the_list_and_names_every_periodic_job():
    beat = django_settings.CELERY_BEAT_SCHEDULE
    assert list(beat) == [job.name for job in schedule.JOBS]
    for job in schedule.JOBS:
        entry = beat[job.name]
        assert entry["task"] == schedule.TASK and entry["args"] == (job.name,)
        assert entry["schedule"] == schedule.interval_of(job) > 0
        assert callable(import_string(job.call))
    # What issue #19 asks to be scheduled, each under one name.
    for name in (
        "learning-announce-ended-offerings",  # sends the surveys of each offering that ended
        "surveys-send-reminders",
        "surveys-close-due",
        "privacy-apply-retention",
        "credentials-republish-status-lists",
        "handoffs-announce-overdue-tasks",
        "proposals-announce-overdue-conditions",
        "outbox-deliver-pending",
        "credentials-sweep-issuance-jobs",
        "reporting-refresh-figures",
    ):
        assert name in beat
    from config.celery import app

    app.loader.import_default_modules()
    assert schedule.TASK in app.tasks


def test_every_job_runs_from_the_command_and_records_its_success():
    for job in schedule.JOBS:
        out = io.StringIO()
        call_command("run_scheduled", job.name, stdout=out)
        assert out.getvalue().strip() == f"{job.name}: done"
    rows = ScheduledRun.objects.in_bulk(field_name="name")
    assert set(rows) == set(schedule.BY_NAME)
    assert all(row.last_success_at and not row.locked_by and row.locked_until is None for row in rows.values())


def test_the_list_shows_each_job_and_its_last_run():
    call_command("run_scheduled", "surveys-close-due", stdout=io.StringIO())
    out = io.StringIO()
    call_command("run_scheduled", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == [job.name for job in schedule.JOBS]
    close = next(line for line in lines if line.startswith("surveys-close-due\t"))
    assert "every 86400 s" in close and "last success: never" not in close
    assert "last success: never" in next(line for line in lines if line.startswith("surveys-send-reminders\t"))


def test_an_unknown_job_is_refused_with_the_names_there_are():
    with pytest.raises(CommandError, match=r"No scheduled job named nightly\. The jobs are: .*outbox-deliver-pending"):
        call_command("run_scheduled", "nightly")
    with pytest.raises(CommandError, match=r"Name a job, or use --list"):
        call_command("run_scheduled")


def test_a_run_while_another_holds_the_lease_does_nothing(test_jobs):
    outcome = schedule.run_job("test-reentrant")
    assert outcome.state == schedule.RAN and outcome.result == schedule.BUSY
    assert CALLS == ["outer"]  # the inner run did not run the job a second time
    row = ScheduledRun.objects.get(name="test-reentrant")
    assert row.locked_by == "" and row.last_success_at is not None


def test_the_command_says_when_beat_holds_the_job(test_jobs):
    ScheduledRun.objects.create(
        name="test-record", locked_by="beat-worker:1", locked_until=timezone.now() + dt.timedelta(minutes=5)
    )
    out = io.StringIO()
    call_command("run_scheduled", "test-record", stdout=out)
    assert out.getvalue().strip() == "test-record: another run holds it; nothing done"
    assert CALLS == []


def test_a_lease_left_by_a_dead_worker_expires(test_jobs):
    ScheduledRun.objects.create(
        name="test-record", locked_by="dead-worker:1", locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert schedule.run_job("test-record").state == schedule.RAN
    assert CALLS == ["ran"]


def test_a_failure_is_recorded_redacted_and_the_lease_given_back(test_jobs):
    with pytest.raises(RuntimeError):
        schedule.run_job("test-fail")
    row = ScheduledRun.objects.get(name="test-fail")
    assert row.last_failure_at is not None and row.last_success_at is None
    assert "the job broke" in row.last_error and "ana@ub.example" not in row.last_error
    assert row.locked_by == "" and row.locked_until is None
    with pytest.raises(CommandError, match="test-fail: failed"):
        call_command("run_scheduled", "test-fail")


def test_beat_never_doubles_a_run_but_runs_it_again_when_due(test_jobs):
    from microcred.operations.tasks import run_scheduled_job

    assert run_scheduled_job.apply(args=("test-record",)).get() == schedule.RAN
    # A second beat, or the same message delivered twice: the job ran less than half an interval ago.
    assert run_scheduled_job.apply(args=("test-record",)).get() == schedule.NOT_DUE
    assert CALLS == ["ran"]
    ScheduledRun.objects.filter(name="test-record").update(last_success_at=timezone.now() - dt.timedelta(hours=1))
    assert run_scheduled_job.apply(args=("test-record",)).get() == schedule.RAN
    assert CALLS == ["ran", "ran"]


def test_if_due_from_cron_runs_only_when_the_interval_has_passed(test_jobs):
    out = io.StringIO()
    call_command("run_scheduled", "test-record", "--if-due", stdout=out)
    call_command("run_scheduled", "test-record", "--if-due", stdout=out)
    assert out.getvalue().splitlines() == ["test-record: done", "test-record: not due"]
    assert CALLS == ["ran"]


def test_a_missed_run_is_caught_up_once_when_beat_starts(ended_offering, learners, settings):
    """Beat was down for three days: at its start the overdue jobs run once and do all the missed work."""
    from celery.signals import beat_init

    from microcred.outbox.models import OutboxMessage
    from microcred.surveys import services
    from microcred.surveys.models import Survey

    settings.SURVEY_REMINDER_DAYS_BEFORE_CLOSE = 7
    surveys = services.send_surveys_for_offering(ended_offering)
    # The reminder of each survey fell due two days ago, while beat was down.
    Survey.objects.update(closes_on=timezone.localdate() + dt.timedelta(days=5))
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    just_now = timezone.now() - dt.timedelta(seconds=10)
    for job in schedule.JOBS:
        ran = three_days_ago if job.name == "surveys-send-reminders" else just_now
        ScheduledRun.objects.create(name=job.name, last_success_at=ran)
    assert [job.name for job in schedule.overdue_jobs()] == ["surveys-send-reminders"]
    reminders = OutboxMessage.objects.filter(key__startswith="survey-reminder:")
    assert not reminders.exists()

    beat_init.send(sender=None)  # what `celery -A config beat` sends when it starts

    assert all(s.reminder_sent_at is not None for s in Survey.objects.filter(pk__in=[s.pk for s in surveys]))
    sent = reminders.count()
    assert sent > 0
    assert ScheduledRun.objects.get(name="surveys-send-reminders").last_success_at > just_now
    # Beat restarted again at once: nothing is overdue, nothing sent twice.
    assert schedule.overdue_jobs() == []
    beat_init.send(sender=None)
    call_command("run_scheduled", "surveys-send-reminders", stdout=io.StringIO())  # and by hand: still once
    assert reminders.count() == sent


def _signed_with(status_list) -> str:
    proof = status_list.credential["proof"]
    return (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]


def test_status_lists_signed_with_a_retired_key_are_republished(issue):
    from microcred.credentials.models import StatusList
    from microcred.credentials.services.issuers import active_key, rotate_issuer_key
    from microcred.credentials.services.status_republish import republish_status_lists

    credential = issue()
    status_list = StatusList.objects.get(pk=credential.status_list_id)
    old_key = active_key(status_list.issuer)
    assert _signed_with(status_list) == old_key.verification_method_id
    encoded = status_list.encoded_list
    new_key = rotate_issuer_key(status_list.issuer)

    call_command("run_scheduled", "credentials-republish-status-lists", stdout=io.StringIO())
    status_list.refresh_from_db()
    assert _signed_with(status_list) == new_key.verification_method_id
    assert status_list.encoded_list == encoded  # the same bits, signed again
    etag = status_list.etag
    # Idempotent: a second run (a repeated or late one) leaves a list signed with the active key alone.
    assert republish_status_lists() == []
    status_list.refresh_from_db()
    assert status_list.etag == etag


SLOW_STARTED, SLOW_RELEASE = threading.Event(), threading.Event()


def slow_job():
    CALLS.append("ran")
    SLOW_STARTED.set()
    SLOW_RELEASE.wait(10)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_run_the_job_once(test_jobs, monkeypatch):
    """Two threads (two beats, or a command and beat) start the same job together: one runs it."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections taking the lease at once is exercised on PostgreSQL")
    SLOW_STARTED.clear()
    SLOW_RELEASE.clear()
    job = schedule.Job("test-slow", f"{__name__}.slow_job", "Test", lambda s: 60, "test")
    monkeypatch.setattr(schedule, "BY_NAME", {**schedule.BY_NAME, "test-slow": job})
    outcomes = []

    def run():
        try:
            outcomes.append(schedule.run_job("test-slow").state)
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    assert SLOW_STARTED.wait(10)
    second = threading.Thread(target=run)
    second.start()
    second.join(10)
    SLOW_RELEASE.set()
    first.join(10)
    assert sorted(outcomes) == [schedule.BUSY, schedule.RAN] and CALLS == ["ran"]
