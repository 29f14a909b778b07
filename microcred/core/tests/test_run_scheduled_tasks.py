"""`manage.py run_scheduled_tasks`: the embedded default's stand-in for Celery beat."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_an_unknown_entry_is_refused_with_the_names_there_are(settings):
    with pytest.raises(CommandError, match=r"No scheduled task named nightly\. The schedule has: .*outbox"):
        call_command("run_scheduled_tasks", "nightly")


def test_a_failing_task_does_not_keep_the_others_from_running(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "missing": {"task": "microcred.nowhere.tasks.nothing", "schedule": 60},
        "retention": {"task": "microcred.privacy.tasks.apply_retention_schedule", "schedule": 60},
    }
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 scheduled task\(s\) failed: missing\."):
        call_command("run_scheduled_tasks", stdout=out, stderr=err)
    assert "missing: no task microcred.nowhere.tasks.nothing is registered." in err.getvalue()
    assert "retention: done" in out.getvalue()


def test_every_entry_runs(settings):
    out = io.StringIO()
    call_command("run_scheduled_tasks", stdout=out)
    assert sorted(line.split(":")[0] for line in out.getvalue().splitlines()) == sorted(settings.CELERY_BEAT_SCHEDULE)
