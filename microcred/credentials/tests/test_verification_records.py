"""Verification for other issuers: pluggable status-list resolvers, and verifications kept on request."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from django.urls import reverse

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.models import VerificationRecord
from microcred.credentials.services import status_resolvers
from microcred.credentials.services.status_resolvers import (
    StatusAnswer,
    own_status_list,
    register_status_resolver,
    remote_status,
    unregister_status_resolver,
)
from microcred.credentials.services.status_resolvers import (
    status_resolvers as resolvers_in_order,
)
from microcred.credentials.services.verification import verify_and_record, verify_credential_document

PARTNER_LIST = "https://status.partner.example/lists/7"


@pytest.fixture
def partner_credential(issue):
    """One of our credentials re-signed by a partner (did:key) whose status list is not on an allowed host."""
    key = vc.generate_private_key()
    did = vc.did_key(key.public_key())
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc["issuer"] = {"id": did, "type": ["Profile"], "name": "Partner University"}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    doc["credentialStatus"] = {
        "id": f"{PARTNER_LIST}#31",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "31",
        "statusListCredential": PARTNER_LIST,
    }
    return vc.sign(doc, key, vc.did_key_verification_method_id(key.public_key())), did


@pytest.fixture
def partner_register():
    """A resolver for the partner's lists (as a partner's own register would be), plugged in for the test."""
    asked = []

    def resolver(query):
        asked.append(query)
        if not query.url.startswith("https://status.partner.example/"):
            return None
        return StatusAnswer(False, f"Revoked in the partner's register (entry {query.index}).")

    register_status_resolver(resolver)
    yield asked
    unregister_status_resolver(resolver)


def test_own_lists_come_first_and_remote_lists_last():
    order = resolvers_in_order()
    assert order[0] is own_status_list and order[-1] is remote_status


def test_without_a_resolver_for_it_a_partner_list_could_not_be_checked(settings, partner_credential):
    settings.STATUS_LIST_ALLOWED_HOSTS = []
    doc, _did = partner_credential
    status = verify_credential_document(doc).check("status")
    assert status.passed is None
    assert "not on this platform's list of trusted hosts" in status.message


def test_a_plugged_in_resolver_answers_for_its_lists(settings, partner_credential, partner_register):
    settings.STATUS_LIST_ALLOWED_HOSTS = []
    doc, did = partner_credential
    report = verify_credential_document(doc)
    assert report.check("status").passed is False
    assert report.check("status").message == "Revoked in the partner's register (entry 31)."
    assert report.result == "invalid"
    (query,) = partner_register
    assert (query.url, query.index, query.purpose, query.issuer_id) == (PARTNER_LIST, 31, "revocation", did)


def test_a_plugged_in_resolver_never_overrides_our_own_lists(issue, partner_register):
    credential = issue()
    report = verify_credential_document(credential.document)
    assert report.check("status").passed is True
    assert partner_register == []  # our list answered first


def test_registering_twice_keeps_one():
    def resolver(query):
        return None

    register_status_resolver(resolver)
    register_status_resolver(resolver)
    try:
        assert status_resolvers.status_resolvers().count(resolver) == 1
    finally:
        unregister_status_resolver(resolver)
    assert resolver not in status_resolvers.status_resolvers()


# --- verification records -----------------------------------------------------------------------------------


def test_a_kept_verification_records_what_was_verified_by_whom(issue, make_user):
    credential = issue(learner_name="Ana García")
    officer = make_user()
    report, record = verify_and_record(credential.document, user=officer, purpose="Recognition request 12")
    assert report.is_valid
    record.refresh_from_db()
    assert record.credential_id == credential.credential_id
    assert record.issuer_id == credential.issuer.did
    assert record.issuer_name == credential.issuer.name
    assert record.title == report.title and record.title
    assert (record.result, record.verified_by, record.purpose) == ("valid", officer, "Recognition request 12")
    assert [c["check"] for c in record.checks] == ["format", "schema", "signature", "issuer", "status", "validity"]
    assert all(c["passed"] is True for c in record.checks if c["check"] != "schema")
    canonical = json.dumps(credential.document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record.document_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    stored = json.dumps([getattr(record, f.attname) for f in VerificationRecord._meta.concrete_fields], default=str)
    assert "Ana García" not in stored  # the credential (and the learner's name) is not kept
    event = AuditEvent.objects.get(action="credential.verification_recorded")
    assert (event.actor, event.object_id) == (officer, str(record.pk))
    assert event.changes["result"] == "valid" and event.changes["credential"] == credential.credential_id


def test_a_failed_verification_is_kept_too_and_an_anonymous_caller_is_nobody(issue):
    tampered = copy.deepcopy(issue().document)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    raw = json.dumps(tampered).encode()
    report, record = verify_and_record(raw)
    assert report.result == record.result == "invalid"
    assert record.verified_by is None
    assert record.document_sha256 == hashlib.sha256(raw).hexdigest()  # the bytes as given
    assert next(c for c in record.checks if c["check"] == "signature")["passed"] is False


def test_the_public_verify_page_and_api_keep_nothing(client, issue):
    credential = issue()
    page = client.post(reverse("credentials:verify"), {"credential": json.dumps(credential.document)})
    api = client.post("/api/v1/verify", json.dumps(credential.document), content_type="application/json")
    assert page.status_code == 200 and api.status_code == 200
    assert not VerificationRecord.objects.exists()
