"""The credentials API: issue an offering, follow the job, read and revoke a credential — same rules as pages."""

import pytest
from rest_framework.authtoken.models import Token

from microcred.credentials.models import IssuedCredential
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def finished(offering, cast, issuers):
    start_offering(offering)
    for k in ("learner", "learner2"):
        enrol_and_pass(offering, cast[k])
    return offering


def test_issue_follow_read_and_revoke_through_the_api(client, finished, cast, django_capture_on_commit_callbacks):
    r = client.post(f"/api/v1/offerings/{finished.pk}/credentials", **auth(cast["learner"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/offerings/{finished.pk}/credentials", **auth(cast["officer"]))
    assert r.status_code == 202
    job = client.get(f"/api/v1/issuance-jobs/{r.json()['id']}", **auth(cast["officer"])).json()
    assert (job["status"], job["issued"], job["percent"]) == ("done", 2, 100)
    credential = IssuedCredential.objects.get(learner_email="learner@example.org")
    body = client.get(f"/api/v1/credentials/{credential.uuid}", **auth(cast["learner"])).json()
    assert body["credential"] == credential.document
    r = client.get(f"/api/v1/credentials/{credential.uuid}", **auth(cast["learner2"]))
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/credentials/{credential.uuid}/revocation",
        {"reason": "Wrong person"},
        content_type="application/json",
        **auth(cast["learner"]),
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/credentials/{credential.uuid}/revocation",
        {"reason": "Wrong person"},
        content_type="application/json",
        **auth(cast["officer"]),
    )
    assert r.status_code == 201 and r.json()["reason"] == "Wrong person"
    r = client.post(
        f"/api/v1/credentials/{credential.uuid}/revocation",
        {"reason": "Again"},
        content_type="application/json",
        **auth(cast["officer"]),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_revoked"  # as the API documents
    assert "already revoked" in r.json()["error"]["message"]
    r = client.post(
        f"/api/v1/credentials/{credential.uuid}/revocation",
        {},
        content_type="application/json",
        **auth(cast["officer"]),
    )
    assert r.status_code == 400
