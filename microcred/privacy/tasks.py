"""The retention schedule as a periodic task (CELERY_BEAT_SCHEDULE "privacy-apply-retention", README)."""

from celery import shared_task

from microcred.privacy.retention import apply_retention


@shared_task(name="microcred.privacy.tasks.apply_retention_schedule")
def apply_retention_schedule() -> dict[str, int]:
    """Apply every retention rule; returns {rule: rows deleted or cleared}."""
    return {outcome.rule.key: outcome.count for outcome in apply_retention()}
