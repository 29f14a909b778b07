"""Background work of the credentials app: thin, load by id and call one service."""

from celery import shared_task

from microcred.credentials.services import bulk


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def run_issuance_job(job_id: int) -> None:
    bulk.run_job(job_id)
