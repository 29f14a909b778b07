"""An issuer's proof format (issue #18): credentials signed with eddsa-jcs-2022 (Data Integrity EdDSA Cryptosuites
v1.0 §3.3) when the issuer chooses it, eddsa-rdfc-2022 otherwise; both verified by our verifier (with and without
the verification cache, on the public page and POST /api/v1/verify), revoked through the same status list; the
choice made on the admin site and audited."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.exceptions import IssuanceFailed
from microcred.credentials.models import Issuer
from microcred.credentials.services import issuance
from microcred.credentials.services import verification_cache as vcache
from microcred.credentials.services.issuance import Completion, issue_credentials, issue_holder_bound_copy
from microcred.credentials.services.issuers import set_proof_format
from microcred.credentials.services.schemas import extension_schema_errors, ob_schema_errors
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.roles import Role

pytestmark = pytest.mark.django_db

JCS = "eddsa-jcs-2022"
RDFC = "eddsa-rdfc-2022"
HOLDER = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


@pytest.fixture
def jcs_issuer(issuers):
    """UB (the issuer of make_version's micro-credentials) signs with eddsa-jcs-2022."""
    assert set_proof_format(issuers["ub"], JCS, actor=None)
    return issuers["ub"]


@pytest.fixture(params=["off", "process"])
def cache_mode(request, settings):
    """Our verifier reading the database each time, and from the process memory (verification_cache.py)."""
    settings.VERIFICATION_CACHE = request.param
    for memory in vcache._memories:
        memory.clear()
    yield request.param
    for memory in vcache._memories:
        memory.clear()


def test_a_jcs_issuer_signs_a_batch_with_eddsa_jcs_2022_that_conforms_and_verifies(
    jcs_issuer, make_version, cache_mode
):
    version = make_version()
    batch = [
        Completion(
            completion_key=f"jcs-{n}",
            learner_name=f"Learner {n}",
            learner_email=f"learner{n}@example.org",
            grade="8.5",
            awarded_on=date(2026, 7, 1),
        )
        for n in range(3)
    ]
    outcomes = issue_credentials(batch, source=version)
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    for outcome in outcomes:
        document = outcome.credential.document
        (proof,) = document["proof"]
        assert proof["cryptosuite"] == JCS
        assert proof["@context"] == document["@context"]  # §3.3.1 step 2
        assert ob_schema_errors(document) == [] and extension_schema_errors(document) == []
        for _ in range(2):  # the second time from the verification cache when it is on
            report = verify_credential_document(document)
            assert report.result == "valid", report.reason
            assert [c.passed for c in report.checks] == [True] * 6
            assert report.facts.cryptosuite == JCS
            assert JCS in report.check("signature").message
    # the other issuers keep signing eddsa-rdfc-2022
    assert Issuer.objects.get(slug="uu").cryptosuite == RDFC


def test_an_rdfc_issuer_still_signs_eddsa_rdfc_2022_and_both_verify_after_a_switch(issuers, issue):
    before = issue()
    assert before.document["proof"][0]["cryptosuite"] == RDFC and "@context" not in before.document["proof"][0]
    set_proof_format(issuers["ub"], JCS, actor=None)
    after = issue()
    assert after.document["proof"][0]["cryptosuite"] == JCS
    for credential in (before, after):
        assert verify_credential_document(credential.document).result == "valid"


def test_a_tampered_jcs_credential_is_invalid(jcs_issuer, issue, cache_mode):
    document = copy.deepcopy(issue(grade="6").document)
    document["credentialSubject"]["result"][0]["value"] = "10"
    report = verify_credential_document(document)
    assert report.result == "invalid" and report.check("signature").passed is False
    assert report.facts.altered


def test_an_unknown_cryptosuite_is_reported_clearly_as_not_checkable(jcs_issuer, issue):
    document = copy.deepcopy(issue().document)
    document["proof"][0]["cryptosuite"] = "eddsa-jcs-2019"
    report = verify_credential_document(document)
    assert report.result == "could_not_check"
    message = report.check("signature").message
    assert "cryptosuite this verifier does not know" in message and "eddsa-jcs-2019" in message


def test_the_self_check_refuses_a_proof_in_another_suite_than_the_issuers(jcs_issuer, issue, monkeypatch):
    signed_with = vc.sign

    def rdfc_instead(*args, **kwargs):
        kwargs["cryptosuite"] = RDFC
        return signed_with(*args, **kwargs)

    monkeypatch.setattr(issuance.vc, "sign", rdfc_instead)
    with pytest.raises(IssuanceFailed, match="not the issuer's proof format eddsa-jcs-2022"):
        issue()


def test_a_jcs_credential_is_revoked_through_the_same_status_list(jcs_issuer, issue, make_user, institution):
    set_proof_format(jcs_issuer, RDFC, actor=None)
    rdfc_issued = issue()
    set_proof_format(jcs_issuer, JCS, actor=None)
    credential = issue()
    list_url = credential.document["credentialStatus"]["statusListCredential"]
    assert list_url == rdfc_issued.document["credentialStatus"]["statusListCredential"]
    assert credential.status_list_id == rdfc_issued.status_list_id
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Revoked for the test.")
    report = verify_credential_document(credential.document)
    assert report.result == "invalid" and report.facts.status == "revoked"
    assert report.check("signature").passed is True
    assert verify_credential_document(rdfc_issued.document).result == "valid"


def test_a_holder_bound_copy_of_a_jcs_issuer_is_signed_with_jcs(jcs_issuer, issue):
    copy_row, created = issue_holder_bound_copy(issue(), holder_did=HOLDER)
    assert created and copy_row.document["proof"][0]["cryptosuite"] == JCS
    assert verify_credential_document(copy_row.document).result == "valid"


def test_the_public_page_and_the_api_verify_a_jcs_credential(client, jcs_issuer, issue):
    cache.clear()  # rate limits
    credential = issue()
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(credential.document)}).content.decode()
    assert "✔ Valid" in html and JCS in html
    body = client.post("/api/v1/verify", json.dumps(credential.document), content_type="application/json").json()
    assert body["verified"] is True and body["result"] == "valid"
    tampered = copy.deepcopy(credential.document)
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    body = client.post("/api/v1/verify", json.dumps(tampered), content_type="application/json").json()
    assert body["verified"] is False
    assert next(c for c in body["checks"] if c["check"] == "signature")["passed"] is False


# --- the choice on the admin site ---------------------------------------------------------------------------


def _url(issuer) -> str:
    return f"/admin/credentials/issuer/{issuer.pk}/change/"


def _form(cryptosuite: str) -> dict:
    return {
        "cryptosuite": cryptosuite,
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }


def test_the_admin_shows_the_proof_format_and_a_change_is_audited(client, make_user, issuers):
    issuer = issuers["ub"]
    admin_user = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    client.force_login(admin_user)
    page = client.get(_url(issuer)).content.decode()
    assert "Proof format" in page and "eddsa-jcs-2022 (JSON Canonicalization Scheme)" in page
    response = client.post(_url(issuer), _form(JCS))
    assert response.status_code == 302, response.content.decode()[:2000]
    issuer.refresh_from_db()
    assert issuer.cryptosuite == JCS
    event = AuditEvent.objects.get(action="issuer.proof_format_changed")
    assert event.actor == admin_user and event.object_id == str(issuer.pk)
    assert event.changes == {"cryptosuite": {"from": RDFC, "to": JCS}}
    # saving again without a change records nothing more
    assert client.post(_url(issuer), _form(JCS)).status_code == 302
    assert AuditEvent.objects.filter(action="issuer.proof_format_changed").count() == 1
    listing = client.get("/admin/credentials/issuer/").content.decode()
    assert JCS in listing


def test_the_admin_refuses_an_unknown_proof_format_and_changes_nothing(client, make_user, issuers):
    issuer = issuers["ub"]
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    response = client.post(_url(issuer), _form("ecdsa-rdfc-2019"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    issuer.refresh_from_db()
    assert issuer.cryptosuite == RDFC
    assert not AuditEvent.objects.filter(action="issuer.proof_format_changed").exists()


def test_an_officer_cannot_change_the_proof_format(client, make_user, issuers):
    issuer = issuers["ub"]
    client.force_login(make_user((Role.CREDENTIAL_OFFICER, issuer.institution), is_staff=True))
    assert client.post(_url(issuer), _form(JCS)).status_code == 403
    issuer.refresh_from_db()
    assert issuer.cryptosuite == RDFC


def test_the_service_refuses_a_suite_it_cannot_sign_with(issuers):
    with pytest.raises(ValueError, match="not a proof format"):
        set_proof_format(issuers["ub"], "ecdsa-rdfc-2019", actor=None)
    assert Issuer.objects.get(slug="ub").cryptosuite == RDFC
