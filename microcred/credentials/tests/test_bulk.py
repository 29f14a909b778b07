"""Issuing from the ready queue: one learner, or an offering as a background job with progress; exactly once."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.credentials.models import IssuanceJob, IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(offering, cast, issuers):
    start_offering(offering)
    enrolments = [enrol_and_pass(offering, cast[k]) for k in ("learner", "learner2")]
    enrol_and_pass(offering, cast["learner3"], outcome="fail", grade="3")
    return offering, enrolments


def test_offering_job_issues_each_completion_once_and_emails(finished, cast, django_capture_on_commit_callbacks):
    offering, _enrolments = finished
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.issued, job.failed) == ("done", 2, 2, 0)
    assert IssuedCredential.objects.count() == 2  # the failed learner gets nothing
    assert sorted(m.to[0] for m in mail.outbox) == ["learner2@example.org", "learner@example.org"]
    assert "/wallet/" in mail.outbox[0].body


def test_a_job_run_again_after_a_crash_never_issues_twice(finished, cast, django_capture_on_commit_callbacks):
    offering, enrolments = finished
    job = IssuanceJob.objects.create(
        offering=offering, requested_by=cast["officer"], total=2, enrolment_ids=[e.pk for e in enrolments]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk._claim(job.pk, "worker-that-dies") is not None
        batch = {enrolments[0].pk: enrolments[0]}
        assert bulk._process(job.pk, "worker-that-dies", list(batch), batch, cast["officer"])
    # The worker died there; its lease goes stale and a redelivery carries on.
    IssuanceJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.run_job(job.pk, runner="another-worker")
    assert (job.issued, job.already_issued, job.failed, job.status) == (2, 0, 0, "done")
    assert IssuedCredential.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["learner2@example.org", "learner@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        bulk.run_job(job.pk)  # finished jobs are left alone
    assert IssuedCredential.objects.count() == 2 and len(mail.outbox) == 2


def test_a_completion_issued_meanwhile_counts_as_already_issued(finished, cast, django_capture_on_commit_callbacks):
    offering, enrolments = finished
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.issue_one(user=cast["officer"], enrolment_id=enrolments[0].pk)  # before the job's worker got to it
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.run_job(job.pk)
    assert (job.issued, job.already_issued, job.status) == (1, 1, "done")
    assert sorted(m.to[0] for m in mail.outbox) == ["learner2@example.org", "learner@example.org"]


def test_nothing_left_to_issue_is_a_clear_message(finished, cast, django_capture_on_commit_callbacks):
    from microcred.core.exceptions import ValidationFailed

    offering, _ = finished
    with django_capture_on_commit_callbacks(execute=True):
        bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    with pytest.raises(ValidationFailed, match="already has its credential"):
        bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)


def test_only_the_issuers_officer_may_issue(finished, cast):
    from microcred.core.exceptions import PermissionDenied

    offering, _enrolments = finished
    for who in ("central_officer", "proposer", "learner"):
        with pytest.raises(PermissionDenied):
            bulk.start_issuance_job(user=cast[who], offering_id=offering.pk)
    assert not IssuedCredential.objects.exists()


def test_queue_page_job_page_and_progress(client, finished, cast, django_capture_on_commit_callbacks):
    offering, _ = finished
    client.force_login(cast["officer"])
    html = client.get(reverse("credentials:issue-queue")).content.decode()
    assert "Katrin Weber" in html and "Ana Silva" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("credentials:issue-offering", args=[offering.pk]), {"confirmed": "yes", "count": "2"}
        )
    job = IssuanceJob.objects.get()
    assert response["Location"] == reverse("credentials:job", args=[job.pk])
    progress = client.get(reverse("credentials:job-progress", args=[job.pk])).json()
    assert progress["percent"] == 100 and progress["issued"] == 2
    client.force_login(cast["learner"])
    assert client.get(reverse("credentials:issue-queue")).status_code == 403


def test_issue_for_offering_command(finished, cast):
    from django.core.management import call_command

    offering, _ = finished
    call_command("issue_for_offering", str(offering.pk), "--as", "officer@ub.example")
    call_command("issue_for_offering", str(offering.pk), "--as", "officer@ub.example")
    assert IssuedCredential.objects.count() == 2
