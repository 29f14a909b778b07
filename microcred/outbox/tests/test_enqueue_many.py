"""Writing many outbox messages at once (a batch of issuance): one read, one insert, one delivery task, and the
same once-per-key rule as enqueue."""

import pytest
from django.core import mail

from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import enqueue, enqueue_many, outbox_handler

pytestmark = pytest.mark.django_db


@outbox_handler
def _note(n):
    from django.core.mail import EmailMessage

    return EmailMessage(f"note {n}", "body", to=[f"person{n}@example.org"])


def test_many_keys_are_written_once_and_delivered_after_the_commit(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    enqueue(key="note:0", handler=_note, payload={"n": 0})  # written before: kept as it is
    with django_assert_max_num_queries(5), django_capture_on_commit_callbacks() as callbacks:
        rows = enqueue_many([(f"note:{n}", _note, {"n": n}) for n in range(50)])
    assert len(rows) == 50 and OutboxMessage.objects.count() == 50
    assert len(callbacks) == 1  # one task delivers the 49 new ones
    callbacks[0]()  # CELERY_TASK_ALWAYS_EAGER in the tests: delivered now
    assert sorted(m.subject for m in mail.outbox) == sorted(f"note {n}" for n in range(1, 50))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent", "pending"}
    # Again (a retried batch): nothing new written, nothing queued.
    with django_capture_on_commit_callbacks() as callbacks:
        again = enqueue_many([(f"note:{n}", _note, {"n": n}) for n in range(50)])
    assert len(again) == 50 and OutboxMessage.objects.count() == 50 and callbacks == []


def test_nothing_to_write_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert enqueue_many([]) == []
    assert callbacks == []
