"""Revoking a credential and issuing an offering's credentials ask for confirmation first (issue #16): without it
nothing changes; with it the action happens once, however often the confirmation is posted."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuanceJob, IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(offering, cast, issuers):
    start_offering(offering)
    enrolments = [enrol_and_pass(offering, cast[k]) for k in ("learner", "learner2")]
    return offering, enrolments


@pytest.fixture
def issued(finished, cast, django_capture_on_commit_callbacks):
    _offering, enrolments = finished
    with django_capture_on_commit_callbacks(execute=True):
        return bulk.issue_one(user=cast["officer"], enrolment_id=enrolments[0].pk)


def revoke_url(credential):
    return reverse("credentials:revoke", args=[credential.pk])


def test_the_issued_list_links_to_the_confirmation_instead_of_revoking(client, issued, cast):
    client.force_login(cast["officer"])
    html = client.get(reverse("credentials:issued")).content.decode()
    assert f'href="{revoke_url(issued)}"' in html
    assert f'action="{revoke_url(issued)}"' not in html  # no form on the list revokes at once


def test_the_confirmation_says_what_revoking_does_and_changes_nothing(client, issued, cast):
    client.force_login(cast["officer"])
    for response in (client.get(revoke_url(issued)), client.post(revoke_url(issued), {"reason": "Wrong person."})):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Revoke the credential of Katrin Weber?" in html
        assert "is told that it is revoked and why" in html and "This cannot be undone." in html
        assert "The reason is public" in html  # the officer is warned before writing it
        assert 'name="confirmed" value="yes"' in html and 'class="button-danger"' in html
        assert f'href="{reverse("credentials:issued")}"' in html  # the way back
    assert "Wrong person." in html  # the reason typed first is kept
    issued.refresh_from_db()
    assert issued.revoked_at is None
    assert not AuditEvent.objects.filter(action="credential.revoked").exists()


def test_a_confirmation_without_a_reason_says_so_and_revokes_nothing(client, issued, cast):
    client.force_login(cast["officer"])
    response = client.post(revoke_url(issued), {"confirmed": "yes", "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for revoking this credential." in response.content.decode()
    issued.refresh_from_db()
    assert issued.revoked_at is None


def test_the_confirmation_revokes_once_however_often_it_is_posted(client, issued, cast):
    client.force_login(cast["officer"])
    confirmed = {"confirmed": "yes", "reason": "Issued to the wrong person."}
    first = client.post(revoke_url(issued), confirmed)
    assert first.status_code == 302 and first["Location"] == reverse("credentials:issued")
    second = client.post(revoke_url(issued), confirmed, follow=True)
    assert "already revoked" in second.content.decode()
    issued.refresh_from_db()
    assert issued.revocation_reason == "Issued to the wrong person."
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 1


def test_someone_elses_credential_has_no_confirmation_page(client, issued, cast):
    client.force_login(cast["central_officer"])  # an officer, but not of the issuer
    assert client.get(revoke_url(issued)).status_code == 404
    assert client.post(revoke_url(issued), {"confirmed": "yes", "reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert issued.revoked_at is None


def issue_url(offering):
    return reverse("credentials:issue-offering", args=[offering.pk])


def test_bulk_issuance_says_how_many_and_to_whom_and_issues_nothing(client, finished, cast):
    offering, _ = finished
    client.force_login(cast["officer"])
    response = client.post(issue_url(offering))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Issue 2 credentials for “{offering}”?" in html
    assert f"2 learners who completed “{offering}” each get a credential signed by University of Barcelona" in html
    assert "They are Tomás García, Katrin Weber." in html or "They are Katrin Weber, Tomás García." in html
    assert "Issue all 2 credentials" in html and 'name="count" value="2"' in html
    assert "This cannot be undone." in html
    assert not IssuanceJob.objects.exists() and not IssuedCredential.objects.exists()


def test_bulk_issuance_names_the_first_ten_and_counts_the_rest(client, finished, cast, make_user):
    offering, _ = finished
    for n in range(10):
        enrol_and_pass(offering, make_user(email=f"l{n}@example.org", full_name=f"Learner {n:02d}"))
    client.force_login(cast["officer"])
    html = client.post(issue_url(offering)).content.decode()
    assert "Issue 12 credentials for" in html and ", and 2 other learners." in html


def test_a_confirmed_bulk_issuance_starts_one_job(client, finished, cast, django_capture_on_commit_callbacks):
    offering, _ = finished
    client.force_login(cast["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(issue_url(offering), {"confirmed": "yes", "count": "2"})
    job = IssuanceJob.objects.get()
    assert first["Location"] == reverse("credentials:job", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(issue_url(offering), {"confirmed": "yes", "count": "2"}, follow=True)
    assert "already has its credential" in again.content.decode()
    assert IssuanceJob.objects.count() == 1 and IssuedCredential.objects.count() == 2


def test_a_count_that_changed_meanwhile_asks_again(client, finished, cast, make_user):
    offering, _ = finished
    enrol_and_pass(offering, make_user(email="late@example.org", full_name="Late Learner"))
    client.force_login(cast["officer"])
    response = client.post(issue_url(offering), {"confirmed": "yes", "count": "2"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "3 are waiting now" in html and 'name="count" value="3"' in html and "Late Learner" in html
    assert not IssuanceJob.objects.exists()
