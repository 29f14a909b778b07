"""Issue #10: every fact the verifier checks or shows comes from the data the signature covers.

A member written under its full IRI, or under an alias from an inline ``@context``, gives the same RDF dataset,
so the signature still verifies. Before, the verifier read the JSON keys ``credentialStatus`` and ``validUntil``,
and a revoked or expired credential with the key renamed was reported valid by the API, the command and the
page. These tests rename the keys in each way and go through all three.
"""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from microcred import vc
from microcred.credentials.services.issuers import active_key, private_key_of, rotate_issuer_key
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.roles import Role
from microcred.vc.cryptosuites import eddsa_rdfc_2022

CRED = "https://www.w3.org/2018/credentials#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def revoked(issue, make_user, institution):
    credential = issue()
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Issued in error.")
    return credential.document


@pytest.fixture
def expired(issue, issuers):
    """A credential of ours, signed by its issuer, that expired on 1 August 2026."""
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc["validFrom"], doc["validUntil"] = "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"
    key = active_key(issuers["ub"])
    return vc.sign(doc, private_key_of(key), key.verification_method_id)


def status_under_full_iri(doc):
    doc[CRED + "credentialStatus"] = doc.pop("credentialStatus")
    return doc


def status_under_inline_alias(doc):
    doc["@context"] = [*doc["@context"], {"revocationInfo": {"@id": CRED + "credentialStatus", "@type": "@id"}}]
    doc["revocationInfo"] = doc.pop("credentialStatus")
    return doc


def status_under_compact_iri(doc):
    doc["@context"] = [*doc["@context"], {"cred": CRED}]
    doc["cred:credentialStatus"] = doc.pop("credentialStatus")
    return doc


def until_under_full_iri(doc):
    doc[CRED + "validUntil"] = {"@value": doc.pop("validUntil"), "@type": XSD_DATETIME}
    return doc


def until_under_inline_alias(doc):
    doc["@context"] = [*doc["@context"], {"goodUntil": {"@id": CRED + "validUntil", "@type": XSD_DATETIME}}]
    doc["goodUntil"] = doc.pop("validUntil")
    return doc


def until_as_value_object(doc):
    doc["validUntil"] = {"@value": doc["validUntil"], "@type": XSD_DATETIME}
    return doc


REVOKED_DISGUISES = [status_under_full_iri, status_under_inline_alias, status_under_compact_iri]
EXPIRED_DISGUISES = [until_under_full_iri, until_under_inline_alias, until_as_value_object]


def _disguised(doc, disguise):
    changed = disguise(copy.deepcopy(doc))
    # The disguise must really keep the signed data (else this would test nothing): the signature still holds.
    assert vc.verify(changed, _resolver()).verified, disguise.__name__
    return changed


def _resolver():
    from microcred.credentials.services.issuers import resolve_verification_method

    return resolve_verification_method


@pytest.mark.parametrize("disguise", REVOKED_DISGUISES, ids=lambda f: f.__name__)
def test_a_revoked_credential_stays_revoked_whatever_the_key_is_called(revoked, disguise):
    report = verify_credential_document(_disguised(revoked, disguise))
    assert report.result == "invalid"
    assert report.check("signature").passed is True
    assert report.check("status").passed is False and report.check("status").message.startswith("Revoked on ")


@pytest.mark.parametrize("disguise", EXPIRED_DISGUISES, ids=lambda f: f.__name__)
def test_an_expired_credential_stays_expired_whatever_the_key_is_called(expired, disguise):
    report = verify_credential_document(_disguised(expired, disguise))
    assert report.result == "invalid"
    assert report.check("validity").message == "Expired on 1 August 2026, 02:00 CEST."


@pytest.mark.parametrize("disguise", REVOKED_DISGUISES[:2], ids=lambda f: f.__name__)
def test_the_api_the_command_and_the_page_agree(client, revoked, disguise, tmp_path, capsys):
    doc = _disguised(revoked, disguise)
    body = client.post("/api/v1/verify", json.dumps(doc), content_type="application/json").json()
    assert body["verified"] is False and body["result"] == "invalid"
    assert next(c for c in body["checks"] if c["check"] == "status")["passed"] is False

    path = tmp_path / "disguised.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_credential", str(path))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "[FAIL] status" in out and "Result: INVALID" in out

    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(doc)}).content.decode()
    assert "✖ Not valid" in html and "✖ Status" in html and "Revoked on" in html


@pytest.mark.parametrize("disguise", EXPIRED_DISGUISES[:2], ids=lambda f: f.__name__)
def test_the_api_the_command_and_the_page_agree_on_expiry(client, expired, disguise, tmp_path, capsys):
    doc = _disguised(expired, disguise)
    body = client.post("/api/v1/verify", json.dumps(doc), content_type="application/json").json()
    assert body["result"] == "invalid"
    path = tmp_path / "expired.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_credential", str(path))
    assert exit_info.value.code == 1 and "Expired on 1 August 2026" in capsys.readouterr().out
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(doc)}).content.decode()
    assert "✖ Validity" in html and "Expired on 1 August 2026" in html


def test_what_the_page_shows_comes_from_the_signed_data(client, issue):
    """The title is read from the signed data: under its full IRI the achievement's name is still found."""
    credential = issue()
    doc = copy.deepcopy(credential.document)
    title = doc["credentialSubject"]["achievement"]["name"]
    doc["credentialSubject"]["achievement"]["https://schema.org/name"] = doc["credentialSubject"]["achievement"].pop(
        "name"
    )
    report = verify_credential_document(doc)
    assert report.is_valid and report.title == title and report.content["title"] == title
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(doc)}).content.decode()
    assert "What the credential says" in html and title in html


def test_an_altered_credential_shows_no_content(client, issue):
    doc = copy.deepcopy(issue().document)
    doc["credentialSubject"]["achievement"]["name"] = "Quantum brain surgery (with distinction)"
    report = verify_credential_document(doc)
    assert report.result == "invalid" and report.content is None
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(doc)}).content.decode()
    assert "What the credential says" not in html and "What the credential claims" not in html
    assert "does not match what the issuer signed" in html


# --- finding 6: impossible dates are invalid, with a message, never a server error -------------------------


@pytest.mark.parametrize(
    ("member", "value", "message"),
    [
        ("validFrom", "2026-02-30T00:00:00Z", "is not a date and time that exists"),
        ("validFrom", "2026-06-01T23:59:60Z", "is not a date and time that exists"),
        ("validUntil", "10000-01-01T00:00:00Z", "outside 0001–9999"),
        ("validUntil", "2027-01-01T00:00:00+15:00", "outside ±14:00"),
        ("validFrom", "2026-06-01T24:00:00Z", "is not a date and time that exists"),
    ],
)
def test_impossible_dates_are_invalid_with_a_message(client, issue, issuers, member, value, message, tmp_path, capsys):
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc[member] = value
    key = active_key(issuers["ub"])
    # Sign through the core without its date check on these members (the JSON-LD layer accepts any lexical form
    # for xsd:dateTime), as another issuer could.
    signed = vc.sign(doc, private_key_of(key), key.verification_method_id)
    report = verify_credential_document(signed)
    assert report.result == "invalid"
    assert report.check("validity").passed is False and message in report.check("validity").message
    response = client.post("/api/v1/verify", json.dumps(signed), content_type="application/json")
    assert response.status_code == 200 and response.json()["result"] == "invalid"
    path = tmp_path / "dates.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_credential", str(path))
    assert exit_info.value.code == 1 and "Traceback" not in capsys.readouterr().out


@pytest.mark.parametrize("created", ["2026-02-30T00:00:00Z", "10000-01-01T00:00:00Z", "2026-06-01T10:00:60Z"])
def test_impossible_proof_dates_are_a_malformed_proof(issue, created):
    doc = copy.deepcopy(issue().document)
    doc["proof"][0]["created"] = created
    report = verify_credential_document(doc)
    assert report.result == "invalid" and report.check("signature").passed is False
    assert "created" in report.check("signature").message


# --- a single proof object (VC 2.0) is not a reason to call a credential invalid -------------------------------


def test_a_single_proof_object_is_a_schema_note_not_invalidity(issue):
    doc = copy.deepcopy(issue().document)
    doc["proof"] = doc["proof"][0]
    report = verify_credential_document(doc)
    assert report.result == "valid"
    assert report.check("schema").passed is False and report.check("schema").advisory


# --- go beyond: a retired key cannot sign credentials dated after its retirement ------------------------------


def test_a_retired_key_cannot_sign_after_its_retirement(issue, issuers):
    old_key = active_key(issuers["ub"])
    before = issue().document  # signed with key-1 while it was active
    private_key = private_key_of(old_key)
    rotate_issuer_key(issuers["ub"])
    old_key.refresh_from_db()
    assert verify_credential_document(before).is_valid

    unsigned = {k: v for k, v in copy.deepcopy(before).items() if k != "proof"}
    unsigned["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    # A thief with the retired key, a minute after the rotation:
    later = old_key.retired_at + timedelta(minutes=1)
    after = vc.sign(unsigned, private_key, old_key.verification_method_id, created=later)
    report = verify_credential_document(after)
    assert report.result == "invalid" and report.check("signature").passed is False
    assert "was retired on" in report.check("signature").message

    backdated = vc.sign(unsigned, private_key, old_key.verification_method_id, created=datetime(2026, 1, 1, tzinfo=UTC))
    assert verify_credential_document(backdated).check("signature").passed is True  # documented limit

    # A proof without `created` (optional in Data Integrity) by a retired key: when it was made is unknown.
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": old_key.verification_method_id,
        "proofPurpose": "assertionMethod",
    }
    proof["proofValue"] = eddsa_rdfc_2022.create_proof_value(private_key, eddsa_rdfc_2022.hash_data(unsigned, proof))
    undated = verify_credential_document({**unsigned, "proof": [proof]})
    assert undated.check("signature").passed is False
    assert "does not say when it was made" in undated.check("signature").message


def test_the_did_document_publishes_the_retirement(client, issuers):
    old_key = active_key(issuers["ub"])
    rotate_issuer_key(issuers["ub"])
    document = client.get(f"/issuers/{issuers['ub'].slug}/did.json").json()
    methods = {m["id"]: m for m in document["verificationMethod"]}
    old_key.refresh_from_db()
    assert all("expires" not in m for vm, m in methods.items() if vm != old_key.verification_method_id)
    assert old_key.verification_method_id in document["assertionMethod"]
    assert vc.parse_datetime_stamp(methods[old_key.verification_method_id]["expires"]) >= old_key.retired_at


# --- finding 5: what the core does not handle is "could not check", never "altered" ----------------------------


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d["proof"][0].__setitem__("cryptosuite", "ecdsa-rdfc-2019"), "cryptosuite"),
        (lambda d: d["@context"].append("https://contexts.example.org/other/v1"), "not on our allow-list"),
        (lambda d: d["credentialSubject"].__setitem__("id", "urn:x:\u0001"), "not supported"),
    ],
)
def test_a_construct_the_core_does_not_handle_could_not_be_checked(issue, change, why):
    doc = copy.deepcopy(issue().document)
    change(doc)
    report = verify_credential_document(doc)
    assert report.result == "could_not_check", report.check("signature").message
    assert report.check("signature").passed is None and why in report.check("signature").message
    assert "altered" not in report.check("signature").message


def test_an_injected_language_tag_is_invalid(issue):
    doc = copy.deepcopy(issue().document)
    doc["credentialSubject"]["achievement"]["name"] = {
        "@value": "Data analysis",
        "@language": 'en .\n<urn:x> <urn:y> "z"',
    }
    report = verify_credential_document(doc)
    assert report.result == "invalid" and report.check("signature").passed is False
    assert "language tag" in report.check("signature").message
