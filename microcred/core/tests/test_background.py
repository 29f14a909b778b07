"""The tasks that do lasting work are declared durable (core/background.py): acknowledged when they end, handed
to another worker when theirs is lost, retried on a lost database connection."""

import pytest
from django.db import OperationalError

from microcred.credentials import tasks as credential_tasks
from microcred.pathways import tasks as pathway_tasks


@pytest.mark.parametrize(
    "task",
    [credential_tasks.run_issuance_job, credential_tasks.run_issuance_job_batch, pathway_tasks.run_award_run],
    ids=lambda task: task.name,
)
def test_tasks_doing_lasting_work_are_durable(task):
    assert task.acks_late and task.reject_on_worker_lost
    assert OperationalError in task.autoretry_for and task.max_retries == 5 and task.retry_backoff_max == 60
