"""Background work of the reporting app: thin, call one function."""

from celery import shared_task


@shared_task
def refresh_standard_figures() -> int:
    """Celery beat (CELERY_BEAT_SCHEDULE): compute the figures every reader starts from ahead of them (kept.py)."""
    from microcred.reporting.refresh import refresh_standard_figures as refresh

    return refresh()
