"""The outbox: written in the transaction of what it announces, sent once per key, at least once."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import (
    MAX_ATTEMPTS,
    deliver,
    deliver_pending,
    enqueue,
    message_id_header,
    outbox_handler,
)
from microcred.outbox.tests.infrastructure import celery_broker, free_port, requires_postgresql

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@outbox_handler
def greeting(to: str, name: str) -> EmailMessage:
    return EmailMessage(f"Hello {name}", "A test message.", "platform@example.org", [to])


@outbox_handler
def nothing_to_say() -> None:
    return None


def say_hello(key="greeting:1", to="ann@example.org"):
    return enqueue(key=key, handler=greeting, payload={"to": to, "name": "Ann"})


@pytest.mark.django_db
def test_a_key_is_written_once_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = say_hello()
        again = say_hello()
    assert first.pk == again.pk and OutboxMessage.objects.count() == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id_header(row)
    # Delivered again (a redelivered task, the sweep, the same thing announced again): nothing more is sent.
    assert deliver(row.pk) is None
    assert deliver_pending() == 0
    with django_capture_on_commit_callbacks(execute=True):
        say_hello()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        say_hello()
        raise RuntimeError("the announced change failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_refused_message_stays_pending_and_the_sweep_sends_it_when_due(django_capture_on_commit_callbacks):
    with mock.patch(SEND, side_effect=OSError("mail server down")), django_capture_on_commit_callbacks(execute=True):
        say_hello()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "mail server down" in row.last_error and row.next_attempt_at > timezone.now()
    assert deliver_pending() == 0  # not due yet
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_a_message_refused_every_time_is_given_up_and_an_operator_can_try_again(django_capture_on_commit_callbacks):
    with mock.patch(SEND, side_effect=OSError("mail server down")):
        with django_capture_on_commit_callbacks(execute=True):
            say_hello()
        for _ in range(MAX_ATTEMPTS - 1):
            OutboxMessage.objects.update(next_attempt_at=timezone.now())
            deliver_pending()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert deliver_pending() == 0 and mail.outbox == []
    call_command("deliver_outbox", "--retry-failed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="outbox.retried", changes__messages=[row.pk]).exists()


@pytest.mark.django_db
def test_a_handler_with_nothing_to_send_marks_the_row_skipped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(key="nothing:1", handler=nothing_to_say)
    assert OutboxMessage.objects.get().status == "skipped" and mail.outbox == []


@pytest.mark.django_db
def test_only_outbox_handlers_are_written_or_called(django_capture_on_commit_callbacks):
    with pytest.raises(TypeError):
        enqueue(key="print:1", handler=print)
    row = OutboxMessage.objects.create(key="os:1", handler="os.system", payload={"command": "true"})
    assert deliver(row.pk) == "pending"
    row.refresh_from_db()
    assert "not an outbox handler" in row.last_error


@pytest.mark.django_db
def test_the_broker_being_down_loses_no_message(django_capture_on_commit_callbacks):
    """Redis gone: `.delay` fails after the commit; the row is there, and the sweep sends it once."""
    with celery_broker(f"redis://127.0.0.1:{free_port()}/13"), django_capture_on_commit_callbacks(execute=True):
        say_hello()  # the delivery task cannot be queued: logged, not raised
    assert OutboxMessage.objects.get().status == "pending"
    assert mail.outbox == []
    call_command("deliver_outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115  (the broker is back: eager)
    call_command("deliver_outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert OutboxMessage.objects.get().status == "sent"
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_message_send_it_once():
    """While one worker sends (holding the row lock), another delivery of the same row skips it."""
    row = OutboxMessage.objects.create(
        key="greeting:2", handler=f"{__name__}.greeting", payload={"to": "bo@example.org", "name": "Bo"}
    )
    sending, may_finish = threading.Event(), threading.Event()
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def slow_send(backend, messages):
        sending.set()
        assert may_finish.wait(30)
        return real_send(backend, messages)

    results = {}

    def worker(name):
        try:
            results[name] = deliver(row.pk)
        finally:
            connections.close_all()

    with mock.patch(SEND, slow_send):
        first = threading.Thread(target=worker, args=("first",))
        first.start()
        assert sending.wait(30)
        second = threading.Thread(target=worker, args=("second",))
        second.start()
        second.join(30)
        may_finish.set()
        first.join(30)
    assert results == {"first": "sent", "second": None}
    assert [m.to for m in mail.outbox] == [["bo@example.org"]]
