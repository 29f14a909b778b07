"""Status lists: served with ETag/Cache-Control/304; revocation flips the bit, re-signs, is refused twice."""

import pytest

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.credentials.exceptions import AlreadyRevoked, CredentialNotFound, NotAllowed
from microcred.credentials.services.issuers import resolve_verification_method
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import path_of, status_bit
from microcred.roles import Role


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


def _served_list(client, credential):
    url = credential.document["credentialStatus"]["statusListCredential"]
    return client.get(path_of(url))


def test_the_status_list_is_a_signed_credential_served_with_caching_headers(client, issue):
    credential = issue()
    response = _served_list(client, credential)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vc+ld+json")
    assert response["Cache-Control"] == "public, max-age=300"
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    doc = response.json()
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["issuer"] == credential.document["issuer"]["id"]
    assert doc["credentialSubject"]["statusPurpose"] == "revocation"
    assert len(vc.decode_encoded_list(doc["credentialSubject"]["encodedList"])) * 8 >= 131_072
    assert status_bit(doc["credentialSubject"]["encodedList"], credential.status_index) == 0
    assert vc.verify(doc, resolve_verification_method).verified
    not_modified = client.get(path_of(doc["id"]), HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    assert client.get(path_of(doc["id"]), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert client.get("/status/ub/99").status_code == 404


def test_revocation_flips_the_bit_in_the_served_list(client, issue, ub_officer):
    credential = issue()
    other = issue()
    before = _served_list(client, credential)
    revoked = revoke_credential(ub_officer, credential.pk, "Academic misconduct established by the board.")
    assert revoked.revoked_at is not None and revoked.revoked_by == ub_officer
    after = _served_list(client, credential)
    assert after["ETag"] != before["ETag"]
    assert client.get(path_of(after.json()["id"]), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    encoded = after.json()["credentialSubject"]["encodedList"]
    assert status_bit(encoded, credential.status_index) == 1
    assert status_bit(encoded, other.status_index) == 0
    assert vc.verify(after.json(), resolve_verification_method).verified  # re-signed
    event = AuditEvent.objects.get(action="credential.revoked")
    assert event.actor == ub_officer and event.summary.startswith("Academic misconduct")
    report = verify_credential_document(credential.document)
    assert report.result == "invalid" and report.check("status").passed is False
    assert "Revoked on" in report.check("status").message
    assert verify_credential_document(other.document).is_valid


def test_revoking_twice_is_refused_and_changes_nothing(client, issue, ub_officer):
    credential = issue()
    revoke_credential(ub_officer, credential.credential_id, "First reason.")
    etag = _served_list(client, credential)["ETag"]
    with pytest.raises(AlreadyRevoked, match="already revoked"):
        revoke_credential(ub_officer, credential.credential_id, "Second reason.")
    credential.refresh_from_db()
    assert credential.revocation_reason == "First reason."
    assert _served_list(client, credential)["ETag"] == etag
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 1


def test_a_reason_is_required(issue, ub_officer):
    credential = issue()
    with pytest.raises(ValidationFailed, match="reason"):
        revoke_credential(ub_officer, credential.pk, "   ")
    credential.refresh_from_db()
    assert credential.revoked_at is None


def test_only_the_issuers_credential_officers_may_revoke(
    issue, make_version, make_user, institution, other_institution
):
    ub_credential = issue()
    alliance_credential = issue(version=make_version(kind="non_formal"))
    uu_officer = make_user((Role.CREDENTIAL_OFFICER, other_institution))
    alliance_officer = make_user(Role.CREDENTIAL_OFFICER)
    learner = make_user(Role.LEARNER)
    for user in (uu_officer, alliance_officer, learner, None):
        with pytest.raises(NotAllowed):
            revoke_credential(user, ub_credential.pk, "No.")
    with pytest.raises(NotAllowed):
        revoke_credential(uu_officer, alliance_credential.pk, "No.")
    revoke_credential(alliance_officer, alliance_credential.pk, "Issued by mistake.")
    ub_credential.refresh_from_db()
    assert ub_credential.revoked_at is None


def test_unknown_credentials_are_reported(issuers, ub_officer):
    for unknown in (999, "urn:uuid:00000000-0000-4000-8000-000000000000", "garbage"):
        with pytest.raises(CredentialNotFound):
            revoke_credential(ub_officer, unknown, "Reason.")


def test_the_revocation_email_is_written_in_the_revoking_transaction(issue, ub_officer, monkeypatch):
    """Revoked and told, or neither: the outbox row commits or rolls back with the revocation."""
    from django.db import transaction

    from microcred.credentials.services import status
    from microcred.outbox.models import OutboxMessage

    credential = issue()
    key = f"credential-revoked:{credential.pk}"

    def crash(*args, **kwargs):
        raise RuntimeError("the status list could not be re-signed")

    with monkeypatch.context() as patched:
        patched.setattr(status, "record_audit_event", crash)
        with pytest.raises(RuntimeError), transaction.atomic():
            revoke_credential(ub_officer, credential.pk, "Issued to the wrong person.")
    assert not OutboxMessage.objects.filter(key=key).exists()
    with transaction.atomic():
        revoke_credential(ub_officer, credential.pk, "Issued to the wrong person.")
        assert OutboxMessage.objects.filter(key=key).count() == 1  # before the commit: same transaction
