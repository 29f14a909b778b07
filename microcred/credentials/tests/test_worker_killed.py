"""A Celery worker is killed (SIGKILL) in the middle of an issuance job and of an e-mail: real worker processes,
Redis as the broker, PostgreSQL. Another worker finishes the job; each credential is issued once and each
learner e-mailed once.

Worker A (prefork, two processes) runs with fault_hooks: its job process freezes after the third completion,
its other process freezes in the second e-mail, holding that outbox row's lock before sending. The test kills
A's whole process group, waits until the broker's visibility timeout has passed for the messages A held
unacknowledged (the Redis transport restores such messages when a worker starts: Celery documentation, "Using
Redis", visibility timeout), and starts worker B (with beat, so the sweeps run too). E-mail goes to files
(django.core.mail.backends.filebased), which both processes write and the test reads.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuanceJobItem, IssuedCredential
from microcred.credentials.services import bulk
from microcred.credentials.tests.conftest import TEST_KEK
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering
from microcred.outbox.models import OutboxMessage
from microcred.outbox.tests.infrastructure import celery_broker, redis_url, requires_postgresql, requires_redis

ROOT = Path(__file__).resolve().parents[3]
REDIS_DB = 14
VISIBILITY_TIMEOUT = 3  # seconds: short, so the test waits little for the broker to hand the work on
LEARNERS = 8


def wait_for(condition, what: str, *, timeout: float = 120, workers=()) -> None:
    """Poll ``condition`` until it holds; fail (with the workers' logs) if it does not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    logs = "\n".join(w.log.read_text(errors="replace")[-4000:] for w in workers)
    pytest.fail(f"{what}: not after {timeout:.0f} s\n{logs}")


class Worker:
    def __init__(self, name: str, env: dict, tmp: Path, *extra: str):
        self.log = tmp / f"worker-{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "--concurrency", "2",
            "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO", *extra,
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL to the whole process group: no warm shutdown, no acknowledgement, no rollback by us."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


CREDENTIAL_EMAIL = "microcred.credentials.notifications.credential_issued_email"


def worker_env(tmp: Path) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
        VAR_DIR=str(tmp),
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=redis_url(REDIS_DB),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        ISSUANCE_JOB_LEASE_SECONDS="2",
        ISSUANCE_JOB_STALE_SECONDS="600",  # the sweep must not mark the job failed: redelivery resumes it
        BACKGROUND_SWEEP_SECONDS="2",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp / "mail"),
        CREDENTIAL_KEK=TEST_KEK,
        PUBLIC_BASE_URL="https://mc.example.eu",
        LOG_LEVEL="INFO",
    )
    return env


def sent_emails(folder: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (each file holds messages separated by a line of 79 dashes)."""
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def all_unacked_older_than(broker, seconds: float) -> bool:
    """The Redis transport's unacknowledged messages (sorted set "unacked_index", scored by delivery time)."""
    return broker.zcount("unacked_index", f"({time.time() - seconds}", "+inf") == 0


@requires_postgresql
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_and_mid_email_leaves_each_credential_issued_once_and_each_email_sent_once(
    offering, cast, issuers, make_user, tmp_path
):
    import redis

    from microcred.roles import Role

    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"killed{n}@example.org", full_name=f"Learner {n}") for n in range(8)]
    for learner in learners:
        enrol_and_pass(offering, learner)
    broker = redis.Redis.from_url(redis_url(REDIS_DB))
    broker.flushdb()
    env = worker_env(tmp_path)
    hooks = {
        "MICROCRED_FAULT_DIR": str(tmp_path),
        "MICROCRED_FAULT_JOB_PAUSE_AFTER": "3",
        "MICROCRED_FAULT_JOB_BATCH_SIZE": "1",  # worker A stops after three completions, each its own batch
        "MICROCRED_FAULT_MAIL_PAUSE_AT": "2",
    }
    workers = []
    try:
        workers.append(Worker("a", {**env, **hooks}, tmp_path, "--include", "microcred.credentials.tests.fault_hooks"))
        with celery_broker(redis_url(REDIS_DB)):
            job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)  # queued after the commit
        wait_for(
            lambda: (tmp_path / "job-paused").exists() and (tmp_path / "mail-paused").exists(),
            "worker A frozen mid-job and mid-e-mail",
            workers=workers,
        )
        job.refresh_from_db()
        assert (job.status, job.issued) == ("running", 3)
        assert len(sent_emails(tmp_path / "mail")) == 1  # the second e-mail was in flight

        workers[0].kill()
        wait_for(
            lambda: all_unacked_older_than(broker, VISIBILITY_TIMEOUT + 0.5), "visibility timeout", workers=workers
        )
        workers.append(Worker("b", env, tmp_path, "--beat", "--schedule", str(tmp_path / "beat-schedule")))

        # Beat in worker B catches up every periodic job at its start (operations/schedule.py), so the offering's
        # surveys go out too: only the credential e-mails are counted here.
        issued_emails = OutboxMessage.objects.filter(handler=CREDENTIAL_EMAIL)

        def finished() -> bool:
            job.refresh_from_db()
            pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
            return job.status != "running" and not pending and issued_emails.count() == LEARNERS

        wait_for(finished, "worker B finishing the job and its e-mails", workers=workers)
    finally:
        for worker in workers:
            worker.stop()
        broker.flushdb()

    assert (job.status, job.total, job.issued, job.already_issued, job.failed) == ("done", LEARNERS, LEARNERS, 0, 0)
    assert job.runs == 2  # worker A, then B when the broker handed the job on: it carried on where A stopped
    assert IssuanceJobItem.objects.filter(job=job).count() == LEARNERS
    credentials = IssuedCredential.objects.order_by("learner_email")
    assert [c.learner_email for c in credentials] == sorted(learner.email for learner in learners)
    # Signed and stored once: each completion is listed in exactly one audit event (one per batch).
    listed = [
        entry["completion"]
        for event in AuditEvent.objects.filter(action="credential.issued")
        for entry in event.changes["credentials"]
    ]
    assert sorted(listed) == sorted(c.completion_key for c in credentials)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}  # the surveys too

    messages = [m for m in sent_emails(tmp_path / "mail") if m["Subject"].startswith("Your credential:")]
    assert sorted(m["To"] for m in messages) == sorted(learner.email for learner in learners)
    assert len({m["Message-ID"] for m in messages}) == LEARNERS
    # Each learner's credential e-mail was sent once, though worker A was killed while sending the second one.
