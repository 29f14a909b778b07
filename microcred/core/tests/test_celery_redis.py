"""Background work through a real Celery worker and a real Redis broker (TEST_REDIS_URL; make test starts one)."""

import pytest
from django.core import mail


@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_worker(make_user, institution, redis_url):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from microcred.accounts.roles import Role
    from microcred.proposals import services
    from microcred.proposals.tasks import send_transition_emails

    broker = redis_url + "/15"
    proposer = make_user((Role.PROPOSER, institution), email="proposer@example.org")
    proposal = services.create_proposal(title="A working title", user=proposer, institution=institution)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=broker, task_always_eager=False, result_backend=broker)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = send_transition_emails.delay(proposal.pk, "send_to_manager", "awaiting_manager")
            result.get(timeout=20)
    finally:
        app.conf.update(saved)
    assert result.successful()
    assert [m.to for m in mail.outbox] == [["proposer@example.org"]]
