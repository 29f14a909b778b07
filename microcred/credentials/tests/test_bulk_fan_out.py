"""ISSUANCE_JOB_FAN_OUT: the batches of one large job become tasks of their own, so that every worker issues one
offering together (issue #17, target 1). Exactly once still holds: each completion issued, counted and e-mailed
once, also when a batch is delivered twice at the same moment, and batches of a job taken over stop."""

import threading
from unittest import mock

import pytest
from django.db import connections

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuanceJob, IssuanceJobItem, IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering
from microcred.outbox.models import OutboxMessage
from microcred.outbox.tests.infrastructure import requires_postgresql
from microcred.roles import Role

from .test_bulk_faults import e_mailed, queue_job


@pytest.fixture
def cohort(offering, cast, issuers, make_user):
    """An offering six learners completed."""
    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"cohort{n}@example.org", full_name=f"Learner {n}") for n in range(6)]
    for learner in learners:
        enrol_and_pass(offering, learner)
    return offering, learners


@pytest.fixture
def fan_out(settings, monkeypatch):
    """Fan-out on, two completions a batch, and a record of the batch tasks queued (they run as queued)."""
    settings.ISSUANCE_JOB_FAN_OUT = True
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    queued = []
    real = bulk._batch_task

    class Recording:
        @staticmethod
        def delay(*args):
            queued.append(args)
            return real.delay(*args)  # eager in the tests: runs now

    monkeypatch.setattr(bulk, "_batch_task", Recording)
    return queued


@pytest.mark.django_db
def test_a_job_fanned_out_issues_each_completion_once_in_batch_tasks(
    cohort, cast, fan_out, django_capture_on_commit_callbacks
):
    offering, learners = cohort
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert [len(ids) for _job, _runner, ids in fan_out] == [2, 2, 2]  # three batch tasks, not one long run
    assert sorted(i for _j, _r, ids in fan_out for i in ids) == sorted(job.enrolment_ids)
    assert (job.status, job.total, job.issued, job.already_issued, job.failed) == ("done", 6, 6, 0, 0)
    assert IssuedCredential.objects.count() == 6 and IssuanceJobItem.objects.filter(job=job).count() == 6
    assert e_mailed() == sorted(learner.email for learner in learners)
    assert AuditEvent.objects.filter(action="credential.bulk_issue_finished", object_id=str(job.pk)).count() == 1


@pytest.mark.django_db
def test_without_the_setting_one_worker_runs_the_whole_job(cohort, cast, fan_out, settings,
                                                           django_capture_on_commit_callbacks):
    settings.ISSUANCE_JOB_FAN_OUT = False
    offering, _learners = cohort
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert fan_out == [] and (job.status, job.issued) == ("done", 6)


@pytest.mark.django_db
def test_batches_of_a_job_taken_over_stop_and_the_new_runner_issues_the_rest(cohort, cast, fan_out):
    offering, learners = cohort
    job = queue_job(cast["officer"], offering)
    with mock.patch.object(bulk._batch_task, "delay", side_effect=lambda *args: fan_out.append(args)):
        bulk.run_job(job.pk, runner="first")  # queues three batches; none has run yet
    (_, runner, first_batch), *_ = fan_out
    assert runner == "first"
    IssuanceJob.objects.filter(pk=job.pk).update(runner="second")  # a takeover (its lease went stale)
    assert bulk.run_job_batch(job.pk, "first", first_batch) is False
    assert IssuedCredential.objects.count() == 0
    job = bulk.run_job(job.pk, runner="second")
    job.refresh_from_db()
    assert (job.status, job.issued, job.runner) == ("done", 6, "second")
    assert sorted(o.learner.email for o in IssuedCredential.objects.all()) == sorted(x.email for x in learners)


@pytest.mark.django_db
def test_a_batch_delivered_again_after_it_was_done_changes_nothing(cohort, cast, fan_out,
                                                                  django_capture_on_commit_callbacks):
    offering, _learners = cohort
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    _job, runner, ids = fan_out[0]
    IssuanceJob.objects.filter(pk=job.pk).update(status="running")  # as if the redelivery came before the end
    assert bulk.run_job_batch(job.pk, runner, ids) is True
    job.refresh_from_db()
    assert (job.issued, job.already_issued) == (6, 0)
    assert IssuedCredential.objects.count() == 6 and OutboxMessage.objects.count() == 6


# --- PostgreSQL: real row locks, one connection per thread ----------------------------------------------------


def _in_threads(*calls) -> list:
    results = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_batches_of_one_job_issue_side_by_side(cohort, cast, fan_out):
    """Both batches are inside their transaction, signing, at the same moment: the job's row does not
    serialise them (a batch holds it FOR KEY SHARE, not FOR UPDATE as a job run in one piece does)."""
    offering, learners = cohort
    job = queue_job(cast["officer"], offering)
    with mock.patch.object(bulk._batch_task, "delay", side_effect=lambda *args: fan_out.append(args)):
        bulk.run_job(job.pk, runner="r")
    both_signing = threading.Barrier(2, timeout=30)
    real_issue_batch = bulk._issue_batch

    def issue_batch(*args):
        both_signing.wait()  # raises BrokenBarrierError if the other batch cannot get this far meanwhile
        return real_issue_batch(*args)

    with mock.patch.object(bulk, "_issue_batch", issue_batch):
        results = _in_threads(*(lambda ids=ids: bulk.run_job_batch(job.pk, "r", ids) for _j, _r, ids in fan_out[:2]))
    assert results == [True, True]
    bulk.run_job_batch(job.pk, "r", fan_out[2][2])
    job.refresh_from_db()
    assert (job.status, job.issued, job.already_issued, job.failed, job.errors) == ("done", 6, 0, 0, [])
    assert IssuanceJobItem.objects.filter(job=job).count() == 6 and IssuedCredential.objects.count() == 6
    assert OutboxMessage.objects.filter(status="sent").count() == 6
    assert e_mailed() == sorted(learner.email for learner in learners)
    assert AuditEvent.objects.filter(action="credential.bulk_issue_finished", object_id=str(job.pk)).count() == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_one_batch_delivered_twice_at_the_same_moment_is_issued_and_counted_once(cohort, cast, fan_out):
    offering, _learners = cohort
    job = queue_job(cast["officer"], offering)
    with mock.patch.object(bulk._batch_task, "delay", side_effect=lambda *args: fan_out.append(args)):
        bulk.run_job(job.pk, runner="r")
    _j, _r, ids = fan_out[0]
    results = _in_threads(lambda: bulk.run_job_batch(job.pk, "r", ids), lambda: bulk.run_job_batch(job.pk, "r", ids))
    assert results == [True, True]
    job.refresh_from_db()
    assert (job.issued, job.already_issued, job.failed) == (2, 0, 0)
    assert IssuanceJobItem.objects.filter(job=job).count() == 2 and IssuedCredential.objects.count() == 2
    assert OutboxMessage.objects.count() == 2
