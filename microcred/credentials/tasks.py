"""Background work of the credentials app: thin, load by id and call one service.

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE): a worker killed mid-job leaves the message with the
broker, which hands it to another worker after its visibility timeout, and run_job carries on where the job
stopped (see services/bulk.py). A lost database connection is retried with back-off; the back-off stays far
below the visibility timeout, as the Celery documentation asks of countdowns with Redis.
"""

from celery import shared_task

from microcred.core.background import DURABLE_TASK
from microcred.credentials.services import bulk


@shared_task(bind=True, **DURABLE_TASK)
def run_issuance_job(self, job_id: int) -> None:
    # The task id names the runner: a redelivery or a retry of this task is the same runner and carries on.
    bulk.run_job(job_id, runner=self.request.id or "")


@shared_task(**DURABLE_TASK)
def run_issuance_job_batch(job_id: int, runner: str, enrolment_ids: list[int]) -> None:
    """One batch of a job whose batches are shared among the workers (ISSUANCE_JOB_FAN_OUT)."""
    bulk.run_job_batch(job_id, runner, enrolment_ids)


@shared_task(ignore_result=True)
def sweep_issuance_jobs() -> None:
    """Periodic (CELERY_BEAT_SCHEDULE): queue again jobs never started, mark failed those whose worker was lost."""
    bulk.sweep_jobs()


bulk.use_job_task(run_issuance_job, run_issuance_job_batch)  # the jobs (and batches) bulk.py queues run here
