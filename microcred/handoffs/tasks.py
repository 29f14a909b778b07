"""Background work of the hand-offs app: thin."""

from celery import shared_task


@shared_task
def announce_overdue_tasks() -> list[int]:
    """Celery beat (CELERY_BEAT_SCHEDULE): tell the people in each overdue task's owner role, once."""
    from microcred.handoffs import services

    return services.announce_overdue_tasks()
