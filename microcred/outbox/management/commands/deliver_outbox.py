"""Deliver the outbox messages left pending: for deployments without Celery beat, run it from cron."""

from django.core.management.base import BaseCommand

from microcred.outbox import services
from microcred.outbox.models import OutboxMessage


class Command(BaseCommand):
    help = (
        "Send the outgoing messages (e-mails) that are waiting: their task was lost, the broker was down or the "
        "mail server refused. Safe to run at any time and in parallel with the workers: no message is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="First give the messages that were given up another round."
        )

    def handle(self, *args, retry_failed=False, **options):
        if retry_failed:
            self.stdout.write(f"Messages given another round: {services.retry_failed()}.")
        sent = services.deliver_pending()
        waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        self.stdout.write(f"Sent {sent}; still waiting (next attempt later): {waiting}.")
