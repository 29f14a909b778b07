"""Background work of the proposals app: thin, load by id and call one function."""

from celery import shared_task

from microcred.proposals import notifications


@shared_task
def send_transition_emails(proposal_id: int, action: str, new_status: str) -> None:
    """Queued by releases before the outbox carried the workflow steps' e-mails, and still in the queue after an
    upgrade: the step's e-mails go through the outbox like a new step's (once per step and person)."""
    notifications.announce_queued_transition(proposal_id, action, new_status)


@shared_task
def remind_policy_review() -> list[int]:
    """Celery beat (CELERY_BEAT_SCHEDULE): remind the alliance admins that the policy is due for review, once."""
    from microcred.proposals import services

    return services.remind_policy_review()


@shared_task
def announce_overdue_conditions() -> list[int]:
    """Celery beat (CELERY_BEAT_SCHEDULE): tell the owners of each condition of approval past its due date, once."""
    from microcred.proposals import conditions

    return conditions.announce_overdue_conditions()
