"""Issuance jobs under faults: two jobs for one offering, a job delivered twice, a lost worker, a broker that is
gone. Whatever happens, each credential is issued once, counted once, and its learner e-mailed once."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuanceJob, IssuanceJobItem, IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering
from microcred.outbox.models import OutboxMessage
from microcred.outbox.tests.infrastructure import celery_broker, free_port, requires_postgresql


@pytest.fixture
def finished(offering, cast, issuers):
    """An offering two learners completed (learner3 failed it)."""
    start_offering(offering)
    enrolments = [enrol_and_pass(offering, cast[k]) for k in ("learner", "learner2")]
    enrol_and_pass(offering, cast["learner3"], outcome="fail", grade="3")
    return offering, enrolments


def queue_job(officer, offering) -> IssuanceJob:
    """Start a job whose task has not reached a worker yet (nothing runs it)."""
    with mock.patch("microcred.credentials.services.bulk.after_commit"):
        return bulk.start_issuance_job(user=officer, offering_id=offering.pk)


def e_mailed() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def lose_the_worker(job, *, seconds) -> None:
    """Its worker stopped: no sign of life since ``seconds`` ago."""
    IssuanceJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))


# --- one job at a time per offering ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_allows_one_queued_or_running_job_per_offering(finished, cast):
    offering, _ = finished
    job = queue_job(cast["officer"], offering)
    for status in ("queued", "running"):
        with pytest.raises(IntegrityError), transaction.atomic():
            IssuanceJob.objects.create(offering=offering, requested_by=cast["officer"], status=status)
    IssuanceJob.objects.filter(pk=job.pk).update(status="done")
    IssuanceJob.objects.create(offering=offering, requested_by=cast["officer"])  # once it is done, another may run


@pytest.mark.django_db
def test_starting_a_second_job_names_the_one_under_way(finished, cast):
    offering, _ = finished
    job = queue_job(cast["officer"], offering)
    with pytest.raises(bulk.JobAlreadyRunning) as raised:
        bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    assert raised.value.job == job and raised.value.status == 409
    assert f"job #{job.pk}" in raised.value.message
    # Two officers at the same moment: both see no job, the database refuses the second insert.
    racing = mock.patch("microcred.credentials.services.bulk.active_job", side_effect=[None, job])
    with racing, pytest.raises(bulk.JobAlreadyRunning) as raced:
        bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    assert raced.value.job == job
    assert IssuanceJob.objects.count() == 1


@pytest.mark.django_db
def test_the_page_says_a_job_is_under_way_and_links_to_it(client, finished, cast):
    offering, _ = finished
    client.force_login(cast["officer"])
    with mock.patch("microcred.credentials.services.bulk.after_commit"):
        first = client.post(reverse("credentials:issue-offering", args=[offering.pk]), {"confirmed": "yes", "count": "2"})
    job = IssuanceJob.objects.get()
    assert first["Location"] == reverse("credentials:job", args=[job.pk])
    response = client.post(reverse("credentials:issue-offering", args=[offering.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    job_url = reverse("credentials:job", args=[job.pk])
    assert f"already being issued (job #{job.pk})" in html
    assert f'<a href="{job_url}">Follow its progress</a>' in html
    assert f'action="{reverse("credentials:issue-offering", args=[offering.pk])}"' not in html  # no second button
    assert IssuanceJob.objects.count() == 1


@pytest.mark.django_db
def test_the_api_answers_409_with_the_job_under_way(client, finished, cast):
    offering, _ = finished
    job = queue_job(cast["officer"], offering)
    token = Token.objects.get_or_create(user=cast["officer"])[0].key
    response = client.post(f"/api/v1/offerings/{offering.pk}/credentials", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "issuance_job_running"
    assert response.json()["error"]["details"] == {"job": job.pk}


# --- counting what was issued, e-mailing once ----------------------------------------------------------------


@pytest.mark.django_db
def test_issue_credential_once_tells_the_call_that_made_the_credential(issue, make_version):
    from microcred.credentials.services.issuance import issue_credential, issue_credential_once

    version = make_version()
    completion = dict(
        completion_key="completion:once",
        micro_credential_version=version,
        learner_name="Ana Silva",
        learner_email="ana@example.org",
        awarded_on=timezone.localdate(),
    )
    credential, created = issue_credential_once(**completion)
    assert created
    assert issue_credential_once(**completion) == (credential, False)
    assert issue_credential(**completion) == credential  # the existing function is unchanged
    assert IssuedCredential.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_completion_is_run_again_from_the_page_and_nobody_is_emailed_twice(
    client, finished, cast, django_capture_on_commit_callbacks
):
    offering, _ = finished
    learner2 = cast["learner2"]
    type(learner2).objects.filter(pk=learner2.pk).update(full_name="Tomás\x01García")  # cannot be signed
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert (job.status, job.issued, job.failed) == ("failed", 1, 1)
    assert "control characters" in job.errors[0]["error"]
    assert e_mailed() == ["learner@example.org"]

    client.force_login(cast["officer"])
    page = client.get(reverse("credentials:job", args=[job.pk])).content.decode()
    assert "Run again" in page and f'action="{reverse("credentials:job-resume", args=[job.pk])}"' in page

    type(learner2).objects.filter(pk=learner2.pk).update(full_name="Tomás García")  # the officer fixed it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credentials:job-resume", args=[job.pk]), follow=True)
    assert "carries on where it stopped" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.issued, job.already_issued, job.failed, job.errors) == ("done", 2, 0, 0, [])
    assert IssuedCredential.objects.count() == 2
    assert e_mailed() == ["learner2@example.org", "learner@example.org"]
    event = AuditEvent.objects.get(action="credential.bulk_issue_rerun")
    assert event.actor == cast["officer"] and event.changes["retried"][0]["enrolment"] == _enrolment_of(learner2)

    # Run again once more (and deliver every message again): still two credentials, two e-mails.
    with pytest.raises(Exception, match="has finished"):
        bulk.resume_job(user=cast["officer"], job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.run_job(job.pk)
    from microcred.outbox.services import deliver

    assert all(deliver(pk) is None for pk in OutboxMessage.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 2


def _enrolment_of(user) -> int:
    from microcred.learning.models import Enrolment

    return Enrolment.objects.get(learner=user).pk


@pytest.mark.django_db
def test_a_failed_job_is_not_run_again_while_another_job_of_its_offering_is_under_way(
    client, finished, cast, django_capture_on_commit_callbacks
):
    offering, _ = finished
    learner2 = cast["learner2"]
    type(learner2).objects.filter(pk=learner2.pk).update(full_name="Tomás\x01García")
    with django_capture_on_commit_callbacks(execute=True):
        failed = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    type(learner2).objects.filter(pk=learner2.pk).update(full_name="Tomás García")
    running = queue_job(cast["officer"], offering)  # for the completion that failed
    client.force_login(cast["officer"])
    response = client.post(reverse("credentials:job-resume", args=[failed.pk]), follow=True)
    assert f'<a href="{reverse("credentials:job", args=[running.pk])}">Follow its progress</a>' in (
        response.content.decode()
    )
    failed.refresh_from_db()
    assert (failed.status, failed.failed) == ("failed", 1)  # unchanged: nothing was deleted or queued
    assert failed.items.filter(outcome="failed").count() == 1


@pytest.mark.django_db
def test_a_credential_e_mail_waiting_for_an_erased_account_is_not_sent(issue, django_capture_on_commit_callbacks):
    from microcred.credentials.notifications import announce_credential_issued
    from microcred.outbox.services import deliver_pending

    credential = issue()
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("mail server down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        announce_credential_issued(credential)
    IssuedCredential.objects.filter(pk=credential.pk).update(learner_name="", learner_email="erased-1@invalid")
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver_pending() == 0
    assert OutboxMessage.objects.get().status == "skipped" and mail.outbox == []


# --- a lost worker ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_worker_was_lost_is_marked_failed_and_run_again(
    client, finished, cast, settings, django_capture_on_commit_callbacks
):
    offering, enrolments = finished
    job = queue_job(cast["officer"], offering)
    with django_capture_on_commit_callbacks(execute=True):
        bulk._claim(job.pk, "worker-1")
        bulk._process(job.pk, "worker-1", [enrolments[0].pk], {enrolments[0].pk: enrolments[0]}, cast["officer"])
    lose_the_worker(job, seconds=settings.ISSUANCE_JOB_STALE_SECONDS + 1)
    assert bulk.sweep_jobs() == {"requeued": [], "interrupted": [job.pk]}
    job.refresh_from_db()
    assert (job.status, job.issued, job.remaining, job.interrupted_at is not None) == ("failed", 1, 1, True)
    assert AuditEvent.objects.filter(action="credential.bulk_issue_interrupted", object_id=str(job.pk)).exists()

    # A late redelivery of the lost task finds the job failed and does nothing.
    assert bulk.run_job(job.pk, runner="worker-1").status == "failed"
    assert IssuedCredential.objects.count() == 1

    client.force_login(cast["officer"])
    page = client.get(reverse("credentials:job", args=[job.pk])).content.decode()
    assert "The background worker stopped before the job finished" in page and "Run again" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("credentials:job-resume", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.issued, job.already_issued, job.runs) == ("done", 2, 0, 2)
    assert IssuedCredential.objects.count() == 2
    assert e_mailed() == ["learner2@example.org", "learner@example.org"]


@pytest.mark.django_db
def test_a_silent_running_job_offers_resume_to_its_officers_only(
    client, finished, cast, settings, django_capture_on_commit_callbacks
):
    offering, _ = finished
    job = queue_job(cast["officer"], offering)
    bulk._claim(job.pk, "worker-1")
    resume = reverse("credentials:job-resume", args=[job.pk])
    client.force_login(cast["officer"])
    assert "Resume" not in client.get(reverse("credentials:job", args=[job.pk])).content.decode()  # alive
    response = client.post(resume, follow=True)
    assert "This job is running" in response.content.decode()
    # Another delivery of the job (another task) while its worker is alive leaves it to that worker.
    assert bulk.run_job(job.pk, runner="worker-2").runner == "worker-1"
    assert not IssuedCredential.objects.exists()

    lose_the_worker(job, seconds=settings.ISSUANCE_JOB_LEASE_SECONDS + 1)
    assert bulk.sweep_jobs() == {"requeued": [], "interrupted": []}  # not stale yet: the broker may redeliver
    page = client.get(reverse("credentials:job", args=[job.pk])).content.decode()
    assert "No progress since" in page and "Resume</button>" in page
    for who in ("learner", "central_officer"):
        client.force_login(cast[who])
        assert client.post(resume).status_code == 404
    client.force_login(cast["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resume)
    job.refresh_from_db()
    assert (job.status, job.issued) == ("done", 2)
    assert AuditEvent.objects.filter(action="credential.bulk_issue_resumed", actor=cast["officer"]).count() == 1


# --- the broker is gone ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_the_broker_gone_pages_work_and_the_work_waits_for_it(
    client, finished, cast, settings, django_capture_on_commit_callbacks
):
    offering, enrolments = finished
    client.force_login(cast["officer"])
    with celery_broker(f"redis://127.0.0.1:{free_port()}/13"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("credentials:issue-single", args=[enrolments[0].pk]))
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("credentials:issue-offering", args=[offering.pk]), {"confirmed": "yes", "count": "1"}
            )
        job = IssuanceJob.objects.get()
        assert response["Location"] == reverse("credentials:job", args=[job.pk])
        for url in (response["Location"], reverse("credentials:issue-queue"), "/", reverse("credentials:issued")):
            assert client.get(url).status_code == 200, url
    assert IssuedCredential.objects.count() == 1  # issued in the request; its e-mail is waiting in the outbox
    assert OutboxMessage.objects.get().status == "pending"
    assert job.status == "queued" and mail.outbox == []

    # The broker is back (here: eager). The sweeps find the job nobody started and the message nobody sent.
    from microcred.outbox.services import deliver_pending

    later = timezone.now() + dt.timedelta(seconds=settings.ISSUANCE_JOB_LEASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk.sweep_jobs(now=later)["requeued"] == [job.pk]
        deliver_pending()
    job.refresh_from_db()
    assert (job.status, job.total, job.issued) == ("done", 1, 1)  # learner's was issued before it was queued
    assert e_mailed() == ["learner2@example.org", "learner@example.org"]


# --- a job delivered twice at the same time (PostgreSQL: real row locks, two connections) -------------------------


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_job_at_the_same_time_issue_and_count_each_credential_once(
    offering, cast, issuers, make_user
):
    """A broker redelivers a job whose worker is alive (e.g. a visibility timeout shorter than the job): both
    deliveries run; each completion is issued, recorded and counted by exactly one of them."""
    from microcred.roles import Role

    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"many{n}@example.org", full_name=f"Learner {n}") for n in range(8)]
    for learner in learners:
        enrol_and_pass(offering, learner)
    job = queue_job(cast["officer"], offering)
    real_claim, real_process = bulk._claim, bulk._process
    claims, both_claimed = [], threading.Event()

    def claim(*args):  # both deliveries take the job before either issues anything
        claimed = real_claim(*args)
        claims.append(claimed is not None)
        if len(claims) == 2:
            both_claimed.set()
        return claimed

    def process(*args):
        assert both_claimed.wait(30)
        return real_process(*args)

    def delivery():
        try:
            bulk.run_job(job.pk, runner="the-same-task")  # a redelivered task has the same id
        finally:
            connections.close_all()

    with mock.patch.object(bulk, "_claim", claim), mock.patch.object(bulk, "_process", process):
        threads = [threading.Thread(target=delivery) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert claims == [True, True]
    job.refresh_from_db()
    assert (job.status, job.total, job.issued, job.already_issued, job.failed) == ("done", 8, 8, 0, 0)
    assert job.runs == 2
    assert IssuanceJobItem.objects.filter(job=job).count() == 8
    assert IssuedCredential.objects.count() == 8
    assert OutboxMessage.objects.filter(status="sent").count() == 8
    assert e_mailed() == sorted(learner.email for learner in learners)
    assert AuditEvent.objects.filter(action="credential.bulk_issue_finished", object_id=str(job.pk)).count() == 1
