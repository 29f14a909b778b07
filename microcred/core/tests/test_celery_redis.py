"""Background work through a real Celery worker and a real Redis broker (TEST_REDIS_URL; make test starts one)."""

import time

import pytest
from django.core import mail


@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_worker(make_user, institution, redis_url):
    from celery.contrib.testing.worker import start_worker

    from microcred.outbox.tests.infrastructure import celery_broker
    from microcred.proposals import services
    from microcred.proposals.models import ProposalEvent
    from microcred.proposals.tasks import send_transition_emails
    from microcred.roles import Role

    proposer = make_user((Role.PROPOSER, institution), email="proposer@example.org")
    proposal = services.create_proposal(title="A working title", user=proposer, institution=institution)
    # A step as a release before the outbox queued its e-mails: the task (still registered for such queues) hands
    # them to the outbox, whose delivery task goes through the broker too.
    ProposalEvent.objects.create(
        proposal=proposal,
        version_number=1,
        action="send_to_manager",
        actor=proposer,
        from_status="draft",
        to_status="awaiting_manager",
    )
    # The app reads Django settings under the CELERY namespace: celery_broker changes those (a plain
    # broker_url= would be ignored and the task would run eagerly, testing nothing).
    with (
        celery_broker(redis_url + "/15") as app,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        result = send_transition_emails.delay(proposal.pk, "send_to_manager", "awaiting_manager")
        assert type(result).__name__ == "AsyncResult"  # sent to the broker (an eager run gives EagerResult)
        # No result backend is needed: the worker (a thread of this process) sends the e-mail; wait for it.
        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [["proposer@example.org"]]
