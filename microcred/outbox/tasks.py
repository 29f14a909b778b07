"""Background delivery of outbox messages: thin, each calls one service."""

from celery import shared_task

from microcred.outbox import services


@shared_task(ignore_result=True)
def deliver_message(message_id: int) -> None:
    """Queued after the commit that wrote the message."""
    services.deliver(message_id)


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> None:
    """Queued after the commit that wrote a batch of messages (services.enqueue_many)."""
    for message_id in message_ids:
        services.deliver(message_id)


@shared_task(ignore_result=True)
def deliver_pending_messages() -> None:
    """The periodic sweep (CELERY_BEAT_SCHEDULE): messages whose task was lost or whose sending failed."""
    services.deliver_pending()
