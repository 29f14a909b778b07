"""Writing and delivering outbox messages (the transactional outbox; see models.OutboxMessage).

* ``enqueue``: in the caller's transaction, the message announcing what that transaction writes; once per key.
  After the commit a Celery task delivers it.
* ``deliver``: send one pending message while holding its row lock, then mark it sent, in one transaction.
  Two workers never send the same key (the second skips the locked row, or finds it sent), and a sent row
  is never sent again. Delivery is at least once: a worker killed after the mail server accepted a message
  and before its transaction commits leaves the row pending, and it is sent again; the message keeps the
  same Message-ID header (RFC 5322 §3.6.4), so mail systems can tell it is the same message.
* ``deliver_pending``: the sweep (Celery beat, or ``manage.py deliver_outbox``) for rows left pending.
* ``after_commit``: queue a Celery task once the transaction commits. A broker that cannot be reached is
  logged, not raised: the work is already in the database, and the sweeps pick it up when the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerError

from microcred.audit.services import record_audit_event
from microcred.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the back-off below: about 8.5 hours of trying before a message is given up
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 6 * 60 * 60
Status = OutboxMessage.Status


def outbox_handler(func: Callable) -> Callable:
    """Mark ``func`` as a builder of outbox messages: called with the row's payload, it returns the
    django.core.mail.EmailMessage to send, or None when there is nothing to send (e.g. an erased account).
    It reads what it needs from the database at delivery time."""
    func.outbox_handler = True
    return func


def _path_of(handler: Callable) -> str:
    if not getattr(handler, "outbox_handler", False):
        raise TypeError(f"{handler!r} is not an @outbox_handler")
    return f"{handler.__module__}.{handler.__qualname__}"


def _handler(path: str) -> Callable:
    handler = import_string(path) if path.startswith("microcred.") else None
    if not getattr(handler, "outbox_handler", False):
        raise LookupError(f"{path} is not an outbox handler")
    return handler


def enqueue(*, key: str, handler: Callable, payload: dict | None = None) -> OutboxMessage:
    """The message announcing ``key``, written in the caller's transaction (once: a key already written is
    returned as it is). Delivered by a task after the commit, or by the sweep."""
    from microcred.outbox import tasks

    message, created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"handler": _path_of(handler), "payload": payload or {}}
    )
    if created:
        after_commit(tasks.deliver_message, message.pk)
    return message


def enqueue_many(messages: list[tuple[str, Callable, dict]]) -> list[OutboxMessage]:
    """``enqueue`` for many messages at once ([(key, handler, payload)]): the keys already written are read in
    one query and the others written in one insert, in the caller's transaction; one task delivers the new
    ones after the commit. A key another transaction writes meanwhile is left to it (its row wins)."""
    from microcred.outbox import tasks

    wanted = {key: (handler, payload) for key, handler, payload in messages}
    existing = {m.key: m for m in OutboxMessage.objects.filter(key__in=list(wanted))}
    rows = [
        OutboxMessage(key=key, handler=_path_of(handler), payload=payload or {})
        for key, (handler, payload) in wanted.items()
        if key not in existing
    ]
    if rows:
        with transaction.atomic():  # a savepoint: a concurrent writer of one key must not spoil the caller's
            OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    written = {m.key: m for m in OutboxMessage.objects.filter(key__in=[r.key for r in rows])} if rows else {}
    new_ids = [written[r.key].pk for r in rows if r.key in written]
    if new_ids:
        after_commit(tasks.deliver_messages, new_ids)
    return [existing.get(key) or written.get(key) for key in wanted if key in existing or key in written]


def after_commit(task, *args) -> None:
    """``task.delay(*args)`` once the current transaction commits; a broker that cannot be reached is logged."""

    def send() -> None:
        try:
            task.delay(*args)
        except (BrokerError, OSError) as exc:
            logger.warning("Could not queue %s%r (%s); the periodic sweep will do it.", task.name, args, exc)

    transaction.on_commit(send)


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID for every attempt of one outbox row."""
    domain = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


def deliver(message_id: int) -> str | None:
    """Send one pending message → the status it ends with; None when there is nothing to do (sent already,
    or another worker is sending it right now)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        now = timezone.now()
        try:
            with transaction.atomic():  # a database error in the handler rolls back to here, keeping the row lock
                email = _handler(message.handler)(**message.payload)
                if email is not None:
                    email.extra_headers.setdefault("Message-ID", message_id_header(message))
                    email.send()
        except ObjectDoesNotExist as exc:  # what it announced is gone: nothing to send, ever
            message.status, message.last_error = Status.SKIPPED, f"{type(exc).__name__}: {exc}"[:2000]
        except Exception as exc:  # the mail server, a bug: try again later, then give up
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = Status.FAILED
                logger.error("Outbox message %s given up after %d attempts: %s", message.key, message.attempts, exc)
            else:
                delay = min(FIRST_RETRY_SECONDS * 2 ** (message.attempts - 1), MAX_RETRY_SECONDS)
                message.next_attempt_at = now + timedelta(seconds=delay)
                logger.warning("Outbox message %s not sent (attempt %d): %s", message.key, message.attempts, exc)
        else:
            message.status = Status.SENT if email is not None else Status.SKIPPED
            message.sent_at = now if email is not None else None
            message.last_error = ""
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return message.status


def deliver_pending(*, limit: int = 1000) -> int:
    """The sweep: deliver the pending messages whose next attempt is due → how many were sent."""
    due = list(
        OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(pk) == Status.SENT)


@transaction.atomic
def retry_failed() -> int:
    """Give the messages that were given up another round of attempts (an operator's command) → how many."""
    failed = list(OutboxMessage.objects.select_for_update().filter(status=Status.FAILED).values_list("pk", flat=True))
    if failed:
        OutboxMessage.objects.filter(pk__in=failed).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        record_audit_event(actor=None, action="outbox.retried", changes={"messages": failed})
    return len(failed)
