"""Background work of the learning app: thin, load by id and call one function.

`announce_ended_offerings` is run by Celery beat: it sends the "offering ended" event (learning.signals).
The learners' e-mails now go through the outbox (learning.notifications.announce_*); this task stays so that
messages queued before that change are still delivered.
"""

from celery import shared_task

from microcred.learning import notifications, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_offering_changed_email(enrolment_id: int, fields: list[str]) -> None:
    notifications.offering_changed(enrolment_id, fields)


@shared_task
def announce_ended_offerings() -> list[int]:
    """Celery beat (CELERY_BEAT_SCHEDULE): the "offering ended" event of each offering past its last day, once."""
    return services.announce_ended_offerings()
