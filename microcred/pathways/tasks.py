"""Background work of the pathways' award: thin, load by id and call one service (award.py).

``run_award_run``: the retroactive award of one pathway version to everyone who already completed it, counted
on its AwardRun as it goes (the officers' page shows the progress). Eager in the embedded default
(CELERY_TASK_ALWAYS_EAGER): the page's action runs it before answering.
"""

from celery import shared_task

from microcred.core.background import DURABLE_TASK
from microcred.pathways import award


@shared_task(**DURABLE_TASK)
def run_award_run(run_id: int) -> None:
    award.run_award_run(run_id)
