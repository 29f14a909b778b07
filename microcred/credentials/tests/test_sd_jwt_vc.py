"""The award as an SD-JWT VC: composition, type metadata, Token Status Lists (revoked with the OB credential),
verification by our verifier and POST /api/v1/verify (issue #18, item 2)."""

from __future__ import annotations

import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.credentials.exceptions import NotDeliverable
from microcred.credentials.services.issuers import active_key, public_key_of
from microcred.credentials.services.sd_jwt_vc import issue_sd_jwt_vc, token_status_list_url, type_metadata, vct
from microcred.credentials.services.sd_jwt_verification import verify_sd_jwt_vc
from microcred.credentials.services.status import revoke_credential
from microcred.roles import Role
from microcred.vc import sd_jwt, token_status_list

AUD = "https://verifier.example"
NONCE = "a-fresh-nonce-123"


@pytest.fixture
def holder():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


def _payload(compact: str) -> dict:
    return json.loads(sd_jwt.b64url_decode(compact.split("~")[0].split(".")[1]))


def _header(compact: str) -> dict:
    return json.loads(sd_jwt.b64url_decode(compact.split(".")[0]))


@pytest.mark.django_db
def test_the_award_as_an_sd_jwt_vc(issue, holder):
    credential = issue(grade="8.5", learner_name="Zoë Ødegård")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    header, payload = _header(compact), _payload(compact)
    key = active_key(credential.issuer)
    assert header == {"typ": "dc+sd-jwt", "kid": key.verification_method_id, "alg": "EdDSA"}
    assert (
        payload["iss"] == credential.issuer.did
        and payload["vct"] == vct() == "https://mc.example.eu/vct/micro-credential/v1"
    )
    assert payload["status"] == {
        "status_list": {"idx": credential.status_index, "uri": credential.status_list.url + "/token"}
    }
    assert payload["cnf"]["jwk"] == sd_jwt.public_jwk(holder)
    assert "name" not in payload and "grade" not in payload and len(payload["_sd"]) == 2 + 2  # two claims, two decoys
    achievement = payload["achievement"]
    document_achievement = credential.document["credentialSubject"]["achievement"]
    assert achievement["title"] == document_achievement["name"]
    assert achievement["ects_credits"] == document_achievement["ectsCredits"]
    assert achievement["eqf_level"] == 6
    assert achievement["learning_outcomes"] == document_achievement["learningOutcome"]
    assert achievement["awarding_body"]["id"] == credential.issuer.did or achievement["awarding_body"]["name"]
    assert achievement["assessment"] and achievement["skills"][0]["uri"].startswith("http://data.europa.eu/esco/")
    assert payload["awarded_on"] == "2026-07-01"
    assert payload["nbf"] == int(credential.issued_at.timestamp()) <= payload["iat"]
    assert "exp" not in payload  # the OB credential has no validUntil
    disclosed = {d[1]: d[2] for d in map(sd_jwt.decode_disclosure, compact.split("~")[1:-1])}
    assert disclosed == {"name": "Zoë Ødegård", "grade": "8.5"}


@pytest.mark.django_db
def test_our_verifier_accepts_it_with_key_binding(issue, holder):
    credential = issue(grade="8.5")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    assert verify_sd_jwt_vc(compact).result == "valid"
    presentation = sd_jwt.present(compact, keep=lambda d: d[1] == "grade", holder_key=holder, aud=AUD, nonce=NONCE)
    report = verify_sd_jwt_vc(presentation, audience=AUD, nonce=NONCE)
    assert report.result == "valid", report.reason
    assert report.content["claims"]["grade"] == "8.5" and "name" not in report.content["claims"]
    assert report.issuer_name == credential.issuer.name and report.title
    assert "key-binding JWT is valid" in report.check("signature").message


@pytest.mark.django_db
def test_bad_presentations_are_refused_with_clear_messages(issue, holder):
    credential = issue(grade="8.5")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    wrong_audience = sd_jwt.present(compact, holder_key=holder, aud="https://elsewhere.example", nonce=NONCE)
    report = verify_sd_jwt_vc(wrong_audience, audience=AUD, nonce=NONCE)
    assert report.result == "invalid" and "another audience" in report.check("signature").message
    wrong_nonce = sd_jwt.present(compact, holder_key=holder, aud=AUD, nonce="old")
    assert "another nonce" in verify_sd_jwt_vc(wrong_nonce, audience=AUD, nonce=NONCE).reason
    other_key = sd_jwt.present(compact, holder_key=ec.generate_private_key(ec.SECP256R1()), aud=AUD, nonce=NONCE)
    assert "holder's key" in verify_sd_jwt_vc(other_key, audience=AUD, nonce=NONCE).reason
    assert "key-binding JWT is required" in verify_sd_jwt_vc(compact, audience=AUD, nonce=NONCE).reason
    parts = compact.split("~")
    salt, name, _value = sd_jwt.decode_disclosure(parts[1])
    parts[1] = sd_jwt.b64url_encode(json.dumps([salt, name, "10"]).encode())
    tampered = verify_sd_jwt_vc("~".join(parts))
    assert tampered.result == "invalid" and "does not belong to this SD-JWT" in tampered.reason
    assert verify_sd_jwt_vc("not an sd-jwt").check("format").passed is False


@pytest.mark.django_db
def test_signed_by_a_key_that_is_not_the_issuers(issue, holder):
    credential = issue()
    payload = _payload(issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder)))
    forged = sd_jwt.issue(
        {k: v for k, v in payload.items() if k not in ("cnf", "_sd", "_sd_alg")},
        signer=Ed25519PrivateKey.generate(),
        kid=active_key(credential.issuer).verification_method_id,
    )
    report = verify_sd_jwt_vc(forged.compact)
    assert report.result == "invalid" and "does not verify" in report.check("signature").message


@pytest.mark.django_db
def test_expired_sd_jwt_vc(issue, holder):
    credential = issue()
    credential.document["validUntil"] = "2099-08-01T00:00:00Z"
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    exp = _payload(compact)["exp"]
    assert exp == 4089225600
    report = verify_sd_jwt_vc(compact, now=exp + 86400)
    assert report.result == "invalid"
    assert report.check("validity").passed is False and "expired" in report.check("validity").message
    assert report.check("signature").passed is True
    assert verify_sd_jwt_vc(compact).result == "valid"
    early = verify_sd_jwt_vc(compact, now=_payload(compact)["nbf"] - 86400)
    assert early.result == "invalid" and "not valid yet" in early.check("validity").message
    assert (report.facts.validity, early.facts.validity) == ("expired", "not_yet_valid")


@pytest.mark.django_db
def test_revoking_the_award_revokes_the_sd_jwt_vc(issue, holder, officer, client):
    credential = issue()
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    url = token_status_list_url(credential.status_list).removeprefix("https://mc.example.eu")
    before = client.get(url)
    assert before.status_code == 200 and before["Content-Type"].startswith("application/statuslist+jwt")
    assert before["Cache-Control"].startswith("public, max-age=") and before["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    key = public_key_of(active_key(credential.issuer))
    listed = token_status_list.read_status_list_token(
        before.content.decode(), uri=token_status_list_url(credential.status_list), issuer_key=lambda h, c: key
    )
    assert listed.get(credential.status_index) == 0

    revoke_credential(officer, credential.credential_id, "Assessment found to be invalid.")
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    listed = token_status_list.read_status_list_token(
        after.content.decode(), uri=token_status_list_url(credential.status_list), issuer_key=lambda h, c: key
    )
    assert listed.get(credential.status_index) == 1
    assert sum(listed.get(i) for i in range(listed.size)) == 1
    report = verify_sd_jwt_vc(compact)
    assert report.result == "invalid" and report.check("status").message == "This credential has been revoked."
    credential.refresh_from_db()
    with pytest.raises(NotDeliverable, match="revoked"):
        issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))


@pytest.mark.django_db
def test_a_status_list_that_does_not_exist_is_404(client):
    assert client.get("/status/nobody/1/token").status_code == 404


@pytest.mark.django_db
def test_another_issuers_status_list_is_not_guessed(issue, holder):
    credential = issue()
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    payload = {k: v for k, v in _payload(compact).items() if k not in ("cnf", "_sd", "_sd_alg")}
    payload["status"] = {"status_list": {"idx": 3, "uri": "https://elsewhere.example/status/1"}}
    from microcred.credentials.services.issuers import active_key as key_of
    from microcred.credentials.signers import signer_for

    key = key_of(credential.issuer)
    other = sd_jwt.issue(payload, signer=signer_for(key), kid=key.verification_method_id)
    report = verify_sd_jwt_vc(other.compact)
    assert report.result == "could_not_check" and report.check("status").passed is None


@pytest.mark.django_db
def test_type_metadata_is_served_at_the_vct_url(client, settings):
    response = client.get("/vct/micro-credential/v1")
    assert response.status_code == 200 and response["ETag"]
    metadata = json.loads(response.content)
    assert metadata == type_metadata()
    assert metadata["vct"] == "https://mc.example.eu/vct/micro-credential/v1"
    assert metadata["display"][0]["locale"] == "en" and metadata["display"][0]["name"]
    paths = {tuple(claim["path"]): claim for claim in metadata["claims"]}
    assert paths[("name",)]["sd"] == "always" and paths[("grade",)]["sd"] == "always"
    assert paths[("achievement", "ects_credits")]["display"][0] == {"locale": "en", "label": "ECTS credits"}
    assert all(claim["display"] for claim in metadata["claims"])


@pytest.mark.django_db
def test_verify_api_accepts_an_sd_jwt(issue, holder, client):
    credential = issue(grade="8.5")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    presentation = sd_jwt.present(compact, holder_key=holder, aud=AUD, nonce=NONCE, iat=int(time.time()))

    def post(body):
        return client.post("/api/v1/verify", data=json.dumps(body), content_type="application/json")

    answer = post({"sd_jwt": presentation, "audience": AUD, "nonce": NONCE})
    assert answer.status_code == 200 and answer.json()["verified"] is True
    assert [c["check"] for c in answer.json()["checks"]] == ["format", "signature", "issuer", "status", "validity"]
    wrong = post({"sd_jwt": presentation, "audience": AUD, "nonce": "other"})
    assert wrong.json()["verified"] is False and "another nonce" in wrong.json()["reason"]
    assert post({"sd_jwt": compact}).json()["verified"] is True
    refused = post({"sd_jwt": compact, "holder": "x"})
    assert refused.status_code == 400 and "Unknown members next to sd_jwt: holder" in refused.json()["error"]["message"]
    assert post({"sd_jwt": 5}).status_code == 400
    # The existing shape still works: an OB credential as the body.
    assert post(credential.document).json()["verified"] is True
