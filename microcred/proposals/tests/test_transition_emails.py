"""The workflow steps' e-mails go through the outbox: written in the step's transaction, one per step and person,
delivered after the commit, so that a retry, a second sweep or a broker that was down never sends one twice or
loses one (the e-mail of a step used to be a Celery task that retried a whole batch of e-mails on an error)."""

import pytest
from django.core import mail

from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import deliver_pending
from microcred.proposals import services
from microcred.proposals.models import ProposalEvent
from microcred.proposals.tasks import send_transition_emails
from microcred.proposals.tests.approvals import draft_proposal
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


def _sent_to(person) -> list:
    return [m for m in mail.outbox if person.email in m.to]


def test_a_step_writes_one_message_per_person_and_sends_each_once(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    proposal = draft_proposal(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    event = ProposalEvent.objects.get(proposal=proposal, action=Action.SEND_TO_MANAGER)
    rows = OutboxMessage.objects.filter(key__startswith=f"proposal-transition:{event.pk}:")
    assert sorted(rows.values_list("key", flat=True)) == sorted(
        f"proposal-transition:{event.pk}:{person.pk}" for person in (people["proposer"], people["manager"])
    )
    assert set(rows.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert len(_sent_to(people["proposer"])) == 1 and len(_sent_to(people["manager"])) == 1
    # The sweep and the task of a release before the outbox (still queued after an upgrade) send nothing again.
    deliver_pending()
    send_transition_emails(proposal.pk, str(Action.SEND_TO_MANAGER), event.to_status)
    assert len(_sent_to(people["proposer"])) == 1 and len(_sent_to(people["manager"])) == 1


def test_a_step_whose_delivery_task_never_ran_is_sent_by_the_sweep(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    """The broker was down when the step committed: its e-mails wait in the outbox, and the sweep sends them."""
    proposal = draft_proposal(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=False):  # nothing queued after the commit
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(key__startswith="proposal-transition:", status="pending").count() == 2
    deliver_pending()
    to_manager = _sent_to(people["manager"])
    assert len(to_manager) == 1 and "(action needed from you)" in to_manager[0].subject
    assert len(_sent_to(people["proposer"])) == 1


def test_the_task_of_an_earlier_release_hands_its_step_to_the_outbox(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    """A step queued before the upgrade (no outbox rows for it): the old task's message sends its e-mails, once."""
    proposal = draft_proposal(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=False):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    OutboxMessage.objects.filter(key__startswith="proposal-transition:").delete()  # as before the upgrade
    event = ProposalEvent.objects.get(proposal=proposal, action=Action.SEND_TO_MANAGER)
    for _ in range(2):  # delivered twice by the broker: still once
        with django_capture_on_commit_callbacks(execute=True):
            send_transition_emails(proposal.pk, str(Action.SEND_TO_MANAGER), event.to_status)
    assert len(_sent_to(people["manager"])) == 1 and len(_sent_to(people["proposer"])) == 1


def test_an_erased_person_is_sent_nothing(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    proposal = draft_proposal(people, refdata, institution, other_institution)
    manager = people["manager"]
    with django_capture_on_commit_callbacks(execute=False):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    type(manager).objects.filter(pk=manager.pk).update(erased_at=timezone.now())
    deliver_pending()
    assert _sent_to(manager) == [] and len(_sent_to(people["proposer"])) == 1
    row = OutboxMessage.objects.get(key__endswith=f":{manager.pk}", key__startswith="proposal-transition:")
    assert row.status == OutboxMessage.Status.SKIPPED
