"""The one task Celery beat runs for every periodic job (CELERY_BEAT_SCHEDULE, built in schedule.py): thin."""

from celery import shared_task

from microcred.operations import schedule


@shared_task(name=schedule.TASK, ignore_result=True)
def run_scheduled_job(name: str) -> str:
    """Run the job ``name`` if it is due and no other run holds it (schedule.run_job)."""
    return schedule.run_job(name, only_if_due=True).state
