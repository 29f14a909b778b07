"""The /verify/ page takes an SD-JWT VC (issue #18 item 2): pasted or uploaded, with an optional expected
audience and nonce for its key-binding JWT, and shows the same plain verdict as for an Open Badges credential."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from microcred.credentials.services.sd_jwt_vc import issue_sd_jwt_vc
from microcred.credentials.services.status import revoke_credential
from microcred.roles import Role
from microcred.vc import sd_jwt

AUD = "https://employer.example"
NONCE = "n-0S6_WzA2Mj"


@pytest.fixture
def holder():
    return ec.generate_private_key(ec.SECP256R1())


def _verify(client, **data):
    return client.post("/verify/", {"credential": "", "audience": "", "nonce": "", **data})


@pytest.mark.django_db
def test_a_pasted_sd_jwt_vc_is_verified_and_its_disclosures_shown(client, issue, holder):
    credential = issue(grade="8.5", learner_name="Katrin Hofmann")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    response = _verify(client, credential=f"\n  {compact}  \n")
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert report.result == "valid", report.reason
    assert response.context["content"]["learner"] == "Katrin Hofmann"
    assert response.context["content"]["results"] == ["8.5"]
    assert credential.document["credentialSubject"]["achievement"]["name"] in page
    assert "Katrin Hofmann" in page and "An SD-JWT VC of type" in page


@pytest.mark.django_db
def test_what_the_holder_withheld_is_not_shown(client, issue, holder):
    credential = issue(grade="8.5", learner_name="Katrin Hofmann")
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    only_grade = sd_jwt.present(compact, keep=lambda d: d[1] == "grade", holder_key=holder, aud=AUD, nonce=NONCE)
    response = _verify(client, credential=only_grade, audience=AUD, nonce=NONCE)
    assert response.context["report"].result == "valid", response.context["report"].reason
    assert "Katrin Hofmann" not in response.content.decode()
    assert response.context["content"]["learner"] == "" and response.context["content"]["results"] == ["8.5"]
    assert "key-binding JWT is valid" in response.content.decode()


@pytest.mark.django_db
def test_a_presentation_for_another_audience_or_nonce_is_not_valid(client, issue, holder):
    compact = issue_sd_jwt_vc(issue(), holder_jwk=sd_jwt.public_jwk(holder))
    presented = sd_jwt.present(compact, holder_key=holder, aud="https://elsewhere.example", nonce=NONCE)
    report = _verify(client, credential=presented, audience=AUD, nonce=NONCE).context["report"]
    assert report.result == "invalid" and "another audience" in report.reason
    presented = sd_jwt.present(compact, holder_key=holder, aud=AUD, nonce="an-old-nonce")
    report = _verify(client, credential=presented, audience=AUD, nonce=NONCE).context["report"]
    assert report.result == "invalid" and "another nonce" in report.reason
    # Asking for a nonce of an SD-JWT without key binding: refused, not waved through.
    report = _verify(client, credential=compact, nonce=NONCE).context["report"]
    assert report.result == "invalid" and "key-binding JWT is required" in report.reason


@pytest.mark.django_db
def test_a_tampered_disclosure_is_refused(client, issue, holder):
    compact = issue_sd_jwt_vc(issue(grade="8.5"), holder_jwk=sd_jwt.public_jwk(holder))
    parts = compact.split("~")
    salt, name, _value = sd_jwt.decode_disclosure(parts[1])
    parts[1] = sd_jwt.b64url_encode(json.dumps([salt, name, "forged value"]).encode())
    response = _verify(client, credential="~".join(parts))
    report = response.context["report"]
    assert report.result == "invalid" and report.check("signature").passed is False
    assert "forged value" not in response.content.decode()


@pytest.mark.django_db
def test_an_uploaded_sd_jwt_file_and_a_revoked_award(client, issue, holder, make_user, institution):
    credential = issue()
    compact = issue_sd_jwt_vc(credential, holder_jwk=sd_jwt.public_jwk(holder))
    upload = SimpleUploadedFile("award.sd-jwt", compact.encode() + b"\n", content_type="application/dc+sd-jwt")
    assert _verify(client, file=upload).context["report"].result == "valid"
    revoke_credential(
        make_user((Role.CREDENTIAL_OFFICER, institution)), credential.credential_id, "Assessment found invalid."
    )
    response = _verify(client, credential=compact)
    assert response.context["report"].result == "invalid"
    assert "revoked" in response.context["verdict"].lead.lower()


@pytest.mark.django_db
def test_json_still_goes_to_the_open_badges_verifier(client, issue):
    credential = issue()
    response = _verify(client, credential=json.dumps(credential.document))
    assert response.context["report"].result == "valid" and response.context["report"].content["title"]
    assert _verify(client, credential="not~a.credential").status_code == 400


def _run_command(capsys, *args):
    try:
        call_command("verify_credential", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


@pytest.mark.django_db
def test_the_verify_command_reads_an_sd_jwt_vc(issue, holder, tmp_path, capsys):
    compact = issue_sd_jwt_vc(issue(grade="8.5"), holder_jwk=sd_jwt.public_jwk(holder))
    path = tmp_path / "award.txt"
    path.write_text(compact + "\n")
    code, out = _run_command(capsys, str(path))
    assert code == 0 and "Result: VALID" in out and "An SD-JWT VC of type" in out
    path.write_text(sd_jwt.present(compact, holder_key=holder, aud="https://elsewhere.example", nonce=NONCE))
    code, out = _run_command(capsys, str(path), "--audience", AUD, "--nonce", NONCE)
    assert code == 1 and "another audience" in out
    (tmp_path / "award.json").write_text(json.dumps({"not": "an sd-jwt"}))
    with pytest.raises(CommandError, match="not one"):
        call_command("verify_credential", str(tmp_path / "award.json"), "--nonce", NONCE)


@pytest.mark.django_db
def test_the_registry_verdict_is_shown_for_an_sd_jwt_vc(client, issue, holder):
    compact = issue_sd_jwt_vc(issue(), holder_jwk=sd_jwt.public_jwk(holder))
    response = _verify(client, credential=compact)
    report = response.context["report"]
    assert report.registry is not None and report.registry.is_member and report.registry.ours
    assert "Issuer registries" in response.content.decode()
    assert report.registry.message in response.content.decode()
    api = client.post("/api/v1/verify", {"sd_jwt": compact}, content_type="application/json").json()
    assert api["registry"]["state"] == report.registry.state
