"""The learners' enrolment e-mails go through the outbox: written with the change, sent once, never lost."""

import pytest
from django.core import mail

from microcred.learning import services
from microcred.learning.tests.test_offering_edit import edit, enrol
from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import deliver_pending
from microcred.outbox.tests.infrastructure import celery_broker, free_port

pytestmark = pytest.mark.django_db


def test_each_change_is_told_once_to_each_learner(cast, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrol(offering, cast["learner"])
    enrolment = offering.enrolments.get()
    assert OutboxMessage.objects.get(key=f"enrolment-enrolled:{enrolment.pk}").status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        edit(offering, cast["proposer"], location="Aula Magna")
        edit(offering, cast["proposer"], location="Room 4")
    changes = OutboxMessage.objects.filter(key__startswith="offering-changed:").order_by("pk")
    assert [m.status for m in changes] == ["sent", "sent"] and changes[0].key != changes[1].key
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["You are enrolled", "Changed", "Changed"]
    assert deliver_pending() == 0 and len(mail.outbox) == 3


def test_enrolling_while_the_broker_is_gone_keeps_the_e_mail_for_later(
    cast, offering, django_capture_on_commit_callbacks
):
    with celery_broker(f"redis://127.0.0.1:{free_port()}/13"), django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert mail.outbox == []
    assert OutboxMessage.objects.get(key=f"enrolment-enrolled:{enrolment.pk}").status == "pending"
    assert deliver_pending() == 1  # the sweep, once the broker is back
    assert [m.to for m in mail.outbox] == [[cast["learner"].email]]
