"""The transactional outbox: a message is a row written in the same transaction as what it announces.

A row is written once per `key` (e.g. ``credential-issued:42``, unique), so announcing the same thing twice
writes nothing new. After the transaction commits, a Celery task delivers it; rows left pending (the broker
was down, a worker died, the mail server refused) are delivered by the periodic sweep. Delivery marks the
row sent under its row lock, so no key is ever sent twice by two workers, and a sent row is never sent again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Nothing to send")
        FAILED = "failed", _("Given up")

    key = models.CharField(
        _("key"), max_length=200, unique=True, help_text=_("What the message announces; one message per key.")
    )
    # Dotted path of the function that builds the message (an @outbox_handler), called with `payload`.
    handler = models.CharField(_("handler"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_pending_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "skipped", "failed"]), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | ~Q(status="pending"), name="outbox_pending_not_sent"
            ),
        ]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
