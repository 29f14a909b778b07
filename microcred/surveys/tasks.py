"""Background work of the surveys app, run by Celery beat (CELERY_BEAT_SCHEDULE): thin, one service each."""

from celery import shared_task

from microcred.surveys import services


@shared_task
def send_survey_reminders() -> list[int]:
    """The one reminder of each open survey, SURVEY_REMINDER_DAYS_BEFORE_CLOSE days before it closes."""
    return services.send_due_reminders()


@shared_task
def close_due_surveys() -> list[int]:
    """Close the surveys past their closing date."""
    return services.close_due_surveys()
