"""ISSUANCE_JOB_FAN_OUT with real Celery workers (Redis as the broker, PostgreSQL): two workers issue the
credentials of one offering together, each completion once, each learner e-mailed once."""

from __future__ import annotations

import pytest

from microcred.credentials.models import IssuanceJobItem, IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering
from microcred.outbox.models import OutboxMessage
from microcred.outbox.tests.infrastructure import celery_broker, redis_url, requires_postgresql, requires_redis

from .test_worker_killed import CREDENTIAL_EMAIL, REDIS_DB, Worker, sent_emails, wait_for, worker_env

LEARNERS = 12


def batches_by_worker(folder) -> dict:
    """{worker name: batches it processed}, from fault_hooks' record."""
    path = folder / "batches.log"
    names = path.read_text().split() if path.exists() else []
    return {name: names.count(name) for name in sorted(set(names))}


@requires_postgresql
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_two_workers_issue_one_offering_together(offering, cast, issuers, make_user, tmp_path):
    import redis

    from microcred.roles import Role

    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"shared{n}@example.org", full_name=f"Learner {n}") for n in range(LEARNERS)]
    for learner in learners:
        enrol_and_pass(offering, learner)
    broker = redis.Redis.from_url(redis_url(REDIS_DB))
    broker.flushdb()
    env = {
        **worker_env(tmp_path),
        "ISSUANCE_JOB_FAN_OUT": "true",
        "MICROCRED_FAULT_DIR": str(tmp_path),  # fault_hooks only to set the batch size: nothing pauses
        "MICROCRED_FAULT_JOB_BATCH_SIZE": "1",
    }
    # One batch at a time per worker process and no prefetching beyond it, so that a free worker takes the next.
    extra = ("--include", "microcred.credentials.tests.fault_hooks", "--prefetch-multiplier", "1")
    workers = []
    try:
        workers = [Worker(name, {**env, "MICROCRED_FAULT_WORKER": name}, tmp_path, *extra) for name in ("a", "b")]
        with celery_broker(redis_url(REDIS_DB)) as app:
            wait_for(lambda: len(app.control.ping(timeout=0.5)) == 2, "both workers answering", workers=workers)
            job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)  # queued after the commit
        issued_emails = OutboxMessage.objects.filter(handler=CREDENTIAL_EMAIL)

        def finished() -> bool:
            job.refresh_from_db()
            pending = issued_emails.filter(status=OutboxMessage.Status.PENDING).exists()
            return job.status != "running" and not pending and issued_emails.count() == LEARNERS

        wait_for(finished, "the two workers finishing the job and its e-mails", workers=workers)
    finally:
        for worker in workers:
            worker.stop()
        broker.flushdb()

    assert (job.status, job.total, job.issued, job.already_issued, job.failed) == ("done", LEARNERS, LEARNERS, 0, 0)
    assert job.runs == 1  # one runner queued the batches; nobody took the job over
    ran = batches_by_worker(tmp_path)
    assert set(ran) == {"a", "b"} and sum(ran.values()) == LEARNERS, ran  # both issued part of the offering
    assert IssuanceJobItem.objects.filter(job=job).count() == LEARNERS
    assert sorted(IssuedCredential.objects.values_list("learner_email", flat=True)) == sorted(
        learner.email for learner in learners
    )
    messages = [m for m in sent_emails(tmp_path / "mail") if m["Subject"].startswith("Your credential:")]
    assert sorted(m["To"] for m in messages) == sorted(learner.email for learner in learners)
