"""Background work of the learning app: thin, load by id and call one function.

One task per learner, so a retry after a mail-server failure writes again only to that learner.
"""

from celery import shared_task

from microcred.learning import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_offering_changed_email(enrolment_id: int, fields: list[str]) -> None:
    notifications.offering_changed(enrolment_id, fields)
