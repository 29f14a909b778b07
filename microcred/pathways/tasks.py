"""Background work of the pathways' award: thin, load by id and call one service (award.py).

``run_award_run``: the retroactive award of one pathway version to everyone who already completed it, counted
on its AwardRun as it goes (the officers' page shows the progress). Eager in the embedded default
(CELERY_TASK_ALWAYS_EAGER): the page's action runs it before answering.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from microcred.pathways import award


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    ignore_result=True,
)
def run_award_run(run_id: int) -> None:
    award.run_award_run(run_id)
