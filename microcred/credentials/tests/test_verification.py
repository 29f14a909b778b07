"""The verification report (every check separately) and the verify_credential / export_credentials commands."""

import copy
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from microcred import vc
from microcred.credentials.services.issuers import active_key, private_key_of
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import TINY_SVG, tiny_png
from microcred.roles import Role


def _passed(report):
    return {c.check: c.passed for c in report.checks}


def _resigned(doc, private_key, vm):
    unsigned = {k: v for k, v in copy.deepcopy(doc).items() if k != "proof"}
    return unsigned, lambda d: vc.sign(d, private_key, vm)


def test_a_valid_credential(issue):
    report = verify_credential_document(issue().document)
    assert report.result == "valid" and report.exit_code == 0
    assert _passed(report) == dict.fromkeys(("format", "schema", "signature", "issuer", "status", "validity"), True)
    assert report.issuer_name == "University of Barcelona"
    assert "a member of the alliance" in report.check("issuer").message


def test_json_text_and_bytes_are_accepted(issue):
    doc = issue().document
    assert verify_credential_document(json.dumps(doc)).is_valid
    assert verify_credential_document(json.dumps(doc).encode()).is_valid


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"]["achievement"].__setitem__("name", "Something grander"),
        lambda d: d["credentialSubject"]["identifier"][1].__setitem__("identityHash", "Mallory"),
        lambda d: d["credentialSubject"]["achievement"].__setitem__("ectsCredits", 30),
        lambda d: d["credentialStatus"].__setitem__("statusListIndex", "7"),
        lambda d: d["proof"][0].__setitem__("created", "2020-01-01T00:00:00Z"),
    ],
)
def test_a_tampered_credential_is_invalid(issue, tamper):
    doc = copy.deepcopy(issue(grade="7").document)
    tamper(doc)
    report = verify_credential_document(doc)
    assert report.result == "invalid" and report.exit_code == 1
    assert report.check("signature").passed is False
    assert "altered" in report.check("signature").message


def test_an_added_undefined_property_is_invalid(issue):
    doc = copy.deepcopy(issue().document)
    doc["credentialSubject"]["favouriteColour"] = "green"
    report = verify_credential_document(doc)
    assert report.result == "invalid" and report.check("signature").passed is False
    message = report.check("signature").message
    assert message.startswith("The credential contains a term that none of its JSON-LD contexts defines.")
    assert "favouriteColour" in message  # the core's detail follows


def test_the_signing_core_s_errors_are_reported_in_the_reader_s_language(issue):
    from django.utils import translation

    doc = copy.deepcopy(issue().document)
    doc["credentialSubject"]["favouriteColour"] = "green"
    with translation.override("es"):
        message = verify_credential_document(doc).check("signature").message
    assert message.startswith("La credencial contiene un término que ninguno de sus contextos JSON-LD define.")


def test_a_revoked_credential_is_invalid_with_the_date(issue, make_user, institution):
    credential = issue()
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    # The date is the revocation's, not the issue's: move it so the two cannot coincide.
    type(credential).objects.filter(pk=credential.pk).update(revoked_at=datetime(2026, 9, 15, 10, 0, tzinfo=UTC))
    report = verify_credential_document(credential.document)
    assert report.result == "invalid"
    assert report.check("signature").passed is True
    assert report.check("status").message == "Revoked on 15 September 2026."


def test_an_unknown_did_key_issuer_could_not_be_checked(issue):
    key = vc.generate_private_key()
    did = vc.did_key(key)
    doc = copy.deepcopy(issue().document)
    doc["issuer"] = {"id": did, "type": ["Profile"], "name": "Somebody Else Academy"}
    del doc["credentialStatus"]
    unsigned, sign = _resigned(doc, key, vc.did_key_verification_method_id(key))
    report = verify_credential_document(sign(unsigned))
    assert report.check("signature").passed is True
    assert report.check("issuer").passed is None
    assert "not a member of the alliance" in report.check("issuer").message
    assert report.result == "could_not_check" and report.exit_code == 2


def test_an_impostor_using_a_members_name_is_invalid(issue):
    key = vc.generate_private_key()
    doc = copy.deepcopy(issue().document)
    doc["issuer"]["id"] = vc.did_key(key)
    del doc["credentialStatus"]
    unsigned, sign = _resigned(doc, key, vc.did_key_verification_method_id(key))
    report = verify_credential_document(sign(unsigned))
    assert report.check("signature").passed is True
    assert report.check("issuer").passed is False
    assert report.result == "invalid"


def test_another_did_web_issuer_could_not_be_resolved_without_network(issue):
    key = vc.generate_private_key()
    doc = copy.deepcopy(issue().document)
    doc["issuer"] = {"id": "did:web:badges.elsewhere.example", "type": ["Profile"], "name": "Elsewhere"}
    del doc["credentialStatus"]
    unsigned, sign = _resigned(doc, key, "did:web:badges.elsewhere.example#key-1")
    report = verify_credential_document(sign(unsigned))
    assert report.check("signature").passed is None
    assert report.check("signature").message.startswith(
        "The signing key could not be found. (The issuer 'did:web:badges.elsewhere.example' could not be resolved"
    )
    assert report.result == "could_not_check"


def test_a_key_of_another_of_our_issuers_does_not_sign_for_this_one(issue, issuers):
    doc = copy.deepcopy(issue().document)  # issuer: ub
    uu_key = active_key(issuers["uu"])
    unsigned, sign = _resigned(doc, private_key_of(uu_key), uu_key.verification_method_id)
    report = verify_credential_document(sign(unsigned))
    assert report.check("signature").passed is False
    assert "not to the issuer" in report.check("signature").message


@pytest.mark.parametrize("data", [b"{not json", b"", b"[1, 2]", b'{"hello": "world"}', "\x00\x01"])
def test_malformed_input_is_invalid(db, data):
    report = verify_credential_document(data)
    assert report.result == "invalid"
    assert report.check("format").passed is False
    assert all(c.passed is None for c in report.checks[1:])


def test_an_expired_credential_is_invalid(issue, issuers):
    doc = copy.deepcopy(issue().document)
    doc["validUntil"] = "2026-08-01T00:00:00Z"
    doc["validFrom"] = "2026-07-01T00:00:00Z"
    key = active_key(issuers["ub"])
    unsigned, sign = _resigned(doc, private_key_of(key), key.verification_method_id)
    signed = sign(unsigned)
    report = verify_credential_document(signed)
    assert report.check("signature").passed is True
    assert report.check("validity").passed is False
    assert report.check("validity").message == "Expired on 1 August 2026, 02:00 CEST."
    assert report.result == "invalid"
    assert verify_credential_document(signed, now=datetime(2026, 7, 15, tzinfo=UTC)).is_valid
    early = verify_credential_document(signed, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert early.check("validity").message.startswith("Not valid before")


def test_a_schema_violation_is_reported_separately(issue):
    doc = copy.deepcopy(issue().document)
    doc["proof"] = doc["proof"][0]  # signature still fine (VC 2.0 allows it), but OB 3.0's schema wants an array
    report = verify_credential_document(doc)
    assert report.check("signature").passed is True
    assert report.check("schema").passed is False and "/proof" in report.check("schema").message
    assert report.check("schema").advisory
    assert report.result == "valid"  # schema conformance is reported, not a reason to call it invalid


# --- commands -------------------------------------------------------------------------------------------


def _run_verify(path, capsys):
    try:
        call_command("verify_credential", str(path))
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


@pytest.mark.parametrize("form", ["json", "png", "svg"])
def test_verify_credential_command_reads_json_png_and_svg(issue, tmp_path, capsys, form):
    doc = issue(grade="9").document
    path = tmp_path / f"credential.{form}"
    if form == "json":
        path.write_text(json.dumps(doc), encoding="utf-8")
    elif form == "png":
        path.write_bytes(vc.bake_png(tiny_png(), doc))
    else:
        path.write_text(vc.bake_svg(TINY_SVG, doc), encoding="utf-8")
    code, out = _run_verify(path, capsys)
    assert code == 0
    assert "[PASS] signature" in out and "[PASS] status" in out
    assert out.strip().endswith("Result: VALID")


def test_verify_credential_command_exit_codes(issue, tmp_path, capsys, make_user, institution):
    credential = issue()
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Mistake.")
    revoked = tmp_path / "revoked.json"
    revoked.write_text(json.dumps(credential.document), encoding="utf-8")
    code, out = _run_verify(revoked, capsys)
    assert code == 1 and "[FAIL] status" in out and "Result: INVALID" in out

    key = vc.generate_private_key()
    doc = copy.deepcopy(issue().document)
    doc["issuer"] = {"id": "did:web:elsewhere.example", "type": ["Profile"], "name": "Elsewhere"}
    del doc["credentialStatus"]
    unsigned, sign = _resigned(doc, key, "did:web:elsewhere.example#key-1")
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(sign(unsigned)), encoding="utf-8")
    code, out = _run_verify(unknown, capsys)
    assert code == 2 and "COULD NOT BE CHECKED" in out

    broken = tmp_path / "broken.png"
    broken.write_bytes(tiny_png())
    code, out = _run_verify(broken, capsys)
    assert code == 1 and "[FAIL] format" in out


def test_verify_credential_command_json_output(issue, tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(issue().document), encoding="utf-8")
    call_command("verify_credential", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["result"] == "valid" and len(report["checks"]) == 6


def test_export_credentials_writes_one_file_each(issue, make_version, tmp_path, capsys):
    credentials = [issue(), issue(version=make_version(kind="non_formal"))]
    call_command("export_credentials", "--out", str(tmp_path / "export"))
    files = sorted((tmp_path / "export").glob("*.json"))
    assert [f.stem for f in files] == sorted(str(c.uuid) for c in credentials)
    for credential in credentials:
        exported = json.loads((tmp_path / "export" / f"{credential.uuid}.json").read_text(encoding="utf-8"))
        assert exported == credential.document
        assert verify_credential_document(exported).is_valid
    assert "Wrote 2 credential(s)" in capsys.readouterr().out


@pytest.mark.parametrize("parsed", [[], None, 42, [1, 2]])
def test_parsed_json_that_is_not_an_object_is_named_as_such(db, parsed):
    report = verify_credential_document(parsed)
    assert report.result == "invalid"
    assert report.check("format").message == "A credential must be a JSON object."
