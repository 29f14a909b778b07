"""Holder-bound copies (OpenID4VCI 1.0 §8.1): the same award bound to a wallet's DID, with its own id and
status entry, issued once per holder DID, revoked together with the original, independently verifiable."""

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.exceptions import CredentialNotFound, InvalidCompletion, NotDeliverable
from microcred.credentials.models import HolderBoundCredential, IssuedCredential, StatusList
from microcred.credentials.services import issuance, status
from microcred.credentials.services.issuance import issue_holder_bound_copy
from microcred.credentials.services.issuers import resolve_verification_method, rotate_issuer_key
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import status_bit
from microcred.credentials.tests.test_interop_node import _node_verify, node_verifier  # noqa: F401
from microcred.outbox.tests.infrastructure import requires_postgresql
from microcred.roles import Role

# The did:key method's own test vectors (W3C CCG did:key, Ed25519 from the all-zero seed and from seed 1).
HOLDER = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
OTHER_HOLDER = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


def _without_binding(document: dict) -> dict:
    rest = {k: v for k, v in document.items() if k not in ("id", "credentialStatus", "proof")}
    rest["credentialSubject"] = {k: v for k, v in document["credentialSubject"].items() if k != "id"}
    return rest


def _index(document: dict) -> tuple[str, int]:
    entry = document["credentialStatus"]
    return entry["statusListCredential"], int(entry["statusListIndex"])


def test_a_copy_is_the_same_award_bound_to_the_holder_with_its_own_id_and_status(issue):
    original = issue(grade="8.5", learner_did="did:web:learner.example.org")
    copy, created = issue_holder_bound_copy(original, holder_did=HOLDER)

    assert created
    document = copy.document
    assert document["credentialSubject"]["id"] == HOLDER == copy.holder_did
    assert document["id"] == copy.credential_id != original.credential_id
    assert _without_binding(document) == _without_binding(original.document)  # achievement, result, dates, issuer…
    assert document["credentialSubject"]["result"][0]["value"] == "8.5"
    assert document["validFrom"] == original.document["validFrom"]
    assert _index(document) == (copy.status_list.url, copy.status_index) != _index(original.document)
    assert document["proof"][0]["verificationMethod"] == original.document["proof"][0]["verificationMethod"]
    report = verify_credential_document(document)
    assert report.is_valid, report.reason
    assert HolderBoundCredential.objects.get().original == original
    original.refresh_from_db()
    assert original.document["credentialSubject"]["id"] == "did:web:learner.example.org"  # untouched


def test_one_copy_per_holder_did(issue):
    original = issue()
    first, created = issue_holder_bound_copy(original, holder_did=HOLDER)
    again, created_again = issue_holder_bound_copy(original, holder_did=HOLDER)
    other, created_other = issue_holder_bound_copy(original, holder_did=OTHER_HOLDER)
    assert (created, created_again, created_other) == (True, False, True)
    assert again.pk == first.pk and again.document == first.document
    assert other.pk != first.pk and _index(other.document) != _index(first.document)
    assert HolderBoundCredential.objects.count() == 2
    assert AuditEvent.objects.filter(action="credential.bound_copy_issued").count() == 2


def test_the_copy_is_signed_with_the_issuers_active_key(issue):
    original = issue()
    rotate_issuer_key("ub")
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    assert original.document["proof"][0]["verificationMethod"].endswith("#key-1")
    assert copy.document["proof"][0]["verificationMethod"].endswith("#key-2")
    assert copy.issuer_key.number == 2
    assert verify_credential_document(copy.document).is_valid
    assert verify_credential_document(original.document).is_valid


@pytest.mark.parametrize(
    "holder_did, message",
    [
        ("", "holder's DID is required"),
        ("https://wallet.example/me", "not a valid DID"),
        (HOLDER + "#" + HOLDER.removeprefix("did:key:"), "not a valid DID"),  # a DID URL, not the DID
    ],
)
def test_a_bad_holder_did_is_refused_and_changes_nothing(issue, holder_did, message):
    original = issue()
    with pytest.raises(InvalidCompletion, match=message):
        issue_holder_bound_copy(original, holder_did=holder_did)
    assert HolderBoundCredential.objects.count() == 0


def test_a_revoked_or_erased_credential_gets_no_copy(issue, ub_officer):
    revoked, erased = issue(), issue()
    revoke_credential(ub_officer, revoked.pk, "Issued in error.")
    IssuedCredential.objects.filter(pk=erased.pk).update(document={"id": erased.credential_id, "erased": True})
    for original in (revoked, erased):
        with pytest.raises(NotDeliverable, match="revoked or erased"):
            issue_holder_bound_copy(original, holder_did=HOLDER)
    assert HolderBoundCredential.objects.count() == 0
    assert not AuditEvent.objects.filter(action="credential.bound_copy_issued").exists()


def test_a_copy_never_takes_an_index_a_credential_has(issue, monkeypatch):
    original = issue()
    draws = iter([original.status_index, 4242])
    monkeypatch.setattr(issuance, "random_index", lambda length: next(draws))
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    assert copy.status_list_id == original.status_list_id and copy.status_index == 4242


def test_a_credential_never_takes_an_index_a_copy_has(issue, monkeypatch):
    original = issue()
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    draws = iter([copy.status_index, 4243])
    monkeypatch.setattr(issuance, "random_index", lambda length: next(draws))
    later = issue()
    assert later.status_list_id == copy.status_list_id and later.status_index == 4243


def test_copies_count_towards_filling_a_status_list(issue, make_version, monkeypatch):
    version = make_version()
    original = issue(version=version)
    monkeypatch.setattr(status, "FILL_LIMIT", 2 / original.status_list.length)  # list 1 holds two entries
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    later = issue(version=version)
    assert (original.status_list.number, copy.status_list.number, later.status_list.number) == (1, 1, 2)


def test_revoking_the_original_revokes_its_copies_on_every_list(issue, ub_officer, monkeypatch):
    original = issue()
    same_list, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    monkeypatch.setattr(status, "FILL_LIMIT", 2 / original.status_list.length)  # the next copy opens list 2
    other_list, _ = issue_holder_bound_copy(original, holder_did=OTHER_HOLDER)
    assert (same_list.status_list.number, other_list.status_list.number) == (1, 2)
    for document in (original.document, same_list.document, other_list.document):
        assert verify_credential_document(document).is_valid

    revoke_credential(ub_officer, original.credential_id, "Academic misconduct established by the board.")

    for document in (original.document, same_list.document, other_list.document):
        report = verify_credential_document(document)
        assert report.result == "invalid" and report.check("status").passed is False, document["id"]
        assert "Revoked on" in report.check("status").message
    for copy in (same_list, other_list):
        copy.refresh_from_db()
        assert copy.revoked_at is not None
        served = StatusList.objects.get(pk=copy.status_list_id).credential
        assert status_bit(served["credentialSubject"]["encodedList"], copy.status_index) == 1
        assert vc.verify(served, resolve_verification_method).verified  # re-signed
    event = AuditEvent.objects.get(action="credential.revoked")
    assert [c["credential"] for c in event.changes["boundCopies"]] == [
        same_list.credential_id,
        other_list.credential_id,
    ]
    assert HOLDER not in json.dumps(event.changes) and OTHER_HOLDER not in json.dumps(event.changes)


def test_a_revocation_that_fails_revokes_no_copy(issue, ub_officer, monkeypatch):
    original = issue()
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)

    def audit_down(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(status, "record_audit_event", audit_down)
    with pytest.raises(RuntimeError):
        revoke_credential(ub_officer, original.pk, "Issued in error.")
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.revoked_at is None and original.revoked_at is None
    assert verify_credential_document(copy.document).is_valid


def test_a_copy_is_revoked_through_its_original(issue, ub_officer):
    original = issue()
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    with pytest.raises(CredentialNotFound, match="copy sent to a wallet app") as raised:
        revoke_credential(ub_officer, copy.credential_id, "Reason.")
    assert original.credential_id in str(raised.value.message)
    copy.refresh_from_db()
    assert copy.revoked_at is None


def test_node_verifies_a_copy_and_sees_it_revoked_with_the_original(node_verifier, issue, ub_officer, tmp_path):
    original = issue(grade="6")
    holder = vc.did_key(Ed25519PrivateKey.generate())
    copy, _ = issue_holder_bound_copy(original, holder_did=holder)
    code, output, stderr = _node_verify(node_verifier, tmp_path, copy.document)
    assert (code, output.get("verified"), output.get("revoked")) == (0, True, False), (output, stderr)
    tampered = json.loads(json.dumps(copy.document))
    tampered["credentialSubject"]["id"] = vc.did_key(Ed25519PrivateKey.generate())  # rebinding breaks the proof
    code, output, _ = _node_verify(node_verifier, tmp_path, tampered)
    assert code == 1 and output["verified"] is False

    revoke_credential(ub_officer, original.pk, "Revoked for the test.")
    code, output, _ = _node_verify(node_verifier, tmp_path, copy.document)
    assert code == 3 and output == {"verified": True, "revoked": True, "errors": []}
    assert HolderBoundCredential.objects.get().revoked_at <= timezone.now()


def test_a_revoked_copy_reports_its_own_revocation_date(issue, ub_officer):
    """The date comes from the copy's row, not from when its list was last re-signed."""
    original = issue()
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    revoke_credential(ub_officer, original.credential_id, "Academic misconduct established by the board.")
    HolderBoundCredential.objects.filter(pk=copy.pk).update(revoked_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    report = verify_credential_document(copy.document)
    assert report.check("status").message == "Revoked on 5 January 2026."


def test_the_indices_taken_on_a_list_are_those_of_credentials_and_copies(issue):
    """status.indices_in_use, which issuance asks before storing a batch (on PostgreSQL one look-up per index in the
    unique index): the indices of credentials and of holder-bound copies on that list, nothing else."""
    first, second = issue(), issue()
    copy, _ = issue_holder_bound_copy(first, holder_did=HOLDER)
    assert first.status_list_id == second.status_list_id == copy.status_list_id
    taken = {first.status_index, second.status_index, copy.status_index}
    free = [n for n in range(first.status_list.length) if n not in taken][:300]
    asked = [*free, *sorted(taken), free[0]]
    assert status.indices_in_use(first.status_list, asked) == taken
    assert status.indices_in_use(first.status_list, free) == set()
    assert status.indices_in_use(first.status_list, []) == set()
    other = StatusList.objects.create(issuer=first.issuer, number=first.status_list.number + 1, url="https://e.org/s")
    assert status.indices_in_use(other, asked) == set()


@requires_postgresql
def test_documents_are_stored_compressed_with_lz4_on_postgresql(issue):
    """Migration 0014: new credentials and copies are compressed with LZ4 (cheaper for PostgreSQL to store than its
    default pglz) and read back unchanged."""
    from django.db import connection

    original = issue()
    copy, _ = issue_holder_bound_copy(original, holder_did=HOLDER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("needs PostgreSQL built with LZ4")
        cursor.execute(
            "SELECT pg_column_compression(document) FROM credentials_issuedcredential WHERE id = %s", [original.pk]
        )
        assert cursor.fetchone()[0] == "lz4"
        cursor.execute(
            "SELECT pg_column_compression(document) FROM credentials_holderboundcredential WHERE id = %s", [copy.pk]
        )
        assert cursor.fetchone()[0] == "lz4"
    assert IssuedCredential.objects.get(pk=original.pk).document == original.document
    assert HolderBoundCredential.objects.get(pk=copy.pk).document == copy.document
    assert verify_credential_document(copy.document).is_valid
