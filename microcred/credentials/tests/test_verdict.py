"""The verdict in plain language (credentials/verdict.py, issue #16): one lead for each state, never more than the
report proves, with the reasons and technical details kept apart."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from microcred import vc
from microcred.core.dates import public_date
from microcred.credentials import verdict
from microcred.credentials.services.issuers import active_key, private_key_of
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.partner_host import INDEX
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def _resign(doc: dict, key, vm: str) -> dict:
    return vc.sign({k: v for k, v in copy.deepcopy(doc).items() if k != "proof"}, key, vm)


def _resigned_by_ub(doc: dict, issuers) -> dict:
    key = active_key(issuers["ub"])
    return _resign(doc, private_key_of(key), key.verification_method_id)


def _other_issuer(doc: dict, name: str = "Somebody Else Academy") -> dict:
    """The credential signed by a did:key issuer that is not one of ours, without a status entry."""
    key = vc.generate_private_key()
    doc = copy.deepcopy(doc)
    doc["issuer"] = {"id": vc.did_key(key), "type": ["Profile"], "name": name}
    del doc["credentialStatus"]
    return _resign(doc, key, vc.did_key_verification_method_id(key))


def _partner_credential(issue, partner, purpose="revocation") -> dict:
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc["issuer"] = {"id": partner.did, "type": ["Profile"], "name": "Partner University"}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    doc["credentialStatus"] = {
        "id": f"{partner.list_url}#{INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(INDEX),
        "statusListCredential": partner.list_url,
    }
    return vc.sign(doc, partner.key, partner.vm)


def test_valid_leads_with_who_issued_it_to_whom_and_when(issue):
    credential = issue()
    report = verify_credential_document(credential.document)
    found = verdict.present(report, credential=credential)
    issued_on = public_date(credential.issued_at)
    assert found.state == "valid" and found.headline == "Valid"
    assert found.lead == f"Issued by University of Barcelona to Ana García on {issued_on}. Not revoked, not expired."
    assert found.reasons == [] and found.issuer_note == "" and not found.details_open
    assert found.issuer.ours and found.issuer.institution.slug == "ub"
    assert found.issuer.about == "A university of the alliance."
    technical = dict(found.technical)
    assert technical["Issuer identifier (DID)"] == credential.issuer.did
    assert technical["Cryptosuite"] == "eddsa-rdfc-2022"
    assert technical["Signing key (verification method)"].startswith(credential.issuer.did + "#")
    assert technical["Status list"] == credential.status_list.url
    assert "did:" not in found.lead  # identifiers are for the technical details


def test_valid_until_is_said_instead_of_not_expired(issue, issuers):
    doc = copy.deepcopy(issue().document)
    doc["validUntil"] = "2099-03-01T12:00:00Z"
    found = verdict.present(verify_credential_document(_resigned_by_ub(doc, issuers)))
    assert found.state == "valid"
    assert found.lead.endswith("Not revoked; valid until 1 March 2099.")


def test_revoked_says_by_whom_when_and_why_also_on_the_verification_page(issue, make_user, institution):
    credential = issue()
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    type(credential).objects.filter(pk=credential.pk).update(revoked_at=datetime(2026, 9, 15, 10, 0, tzinfo=UTC))
    credential.refresh_from_db()
    report = verify_credential_document(credential.document)
    expected = (
        "This credential was revoked by University of Barcelona on 15 September 2026: Issued to the wrong person."
    )
    on_its_page = verdict.present(report, credential=credential)
    assert on_its_page.state == "revoked" and on_its_page.headline == "Not valid"
    assert on_its_page.lead == expected and on_its_page.details_open
    assert on_its_page.reasons == []  # the status is what the lead says; nothing else failed
    # Pasted on /verify/: our record of it is found by its id.
    assert verdict.present(report).lead == expected


def test_a_partner_revocation_is_said_without_a_date_it_does_not_know(issue, partner):
    partner.publish_list(revoked=[INDEX])
    found = verdict.present(verify_credential_document(_partner_credential(issue, partner)))
    assert found.state == "revoked"
    assert found.lead == "This credential was revoked by Partner University."
    assert "is not one of this alliance's issuers" in found.issuer_note


def test_suspended(issue, partner):
    partner.publish_list(revoked=[INDEX], purpose="suspension")
    found = verdict.present(verify_credential_document(_partner_credential(issue, partner, purpose="suspension")))
    assert found.state == "suspended" and found.result == "invalid"
    assert (
        found.lead == "This credential is suspended by Partner University: it is not valid while the suspension lasts."
    )


def test_expired(issue, issuers):
    doc = copy.deepcopy(issue().document)
    doc["validFrom"], doc["validUntil"] = "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"
    found = verdict.present(verify_credential_document(_resigned_by_ub(doc, issuers)))
    assert found.state == "expired"
    assert found.lead == "This credential expired on 1 August 2026."
    assert found.details_open and "Not revoked" not in found.lead


def test_not_yet_valid(issue, issuers):
    doc = copy.deepcopy(issue().document)
    doc["validFrom"] = "2026-07-01T00:00:00Z"
    signed = _resigned_by_ub(doc, issuers)
    found = verdict.present(verify_credential_document(signed, now=datetime(2026, 6, 1, tzinfo=UTC)))
    assert found.state == "not_yet_valid"
    assert found.lead == "This credential is not valid before 1 July 2026."


def test_tampered_says_changed_after_signing_and_nothing_it_claims(issue):
    doc = copy.deepcopy(issue(grade="6").document)
    doc["credentialSubject"]["achievement"]["name"] = "Something grander"
    found = verdict.present(verify_credential_document(doc))
    assert found.state == "altered" and found.headline == "Not valid"
    assert found.lead == "Not valid: its content was changed after it was signed, or someone else signed it."
    assert "Something grander" not in found.lead and "Ana" not in found.lead
    assert found.details_open


def test_status_unreachable_never_says_not_revoked(issue, partner):
    # The partner's host is allowed but does not serve the list now (404).
    found = verdict.present(verify_credential_document(_partner_credential(issue, partner)))
    assert found.state == "status_unreachable" and found.result == "could_not_check"
    assert found.lead == (
        "Could not be checked now: the issuer's list of revoked credentials could not be reached; try again later."
    )
    assert "Not revoked" not in found.lead and found.details_open


def test_a_status_list_on_a_host_not_trusted_is_not_said_to_be_temporary(issue, partner, settings):
    settings.STATUS_LIST_ALLOWED_HOSTS = []
    found = verdict.present(verify_credential_document(_partner_credential(issue, partner)))
    assert found.state == "could_not_check"
    assert "try again later" not in found.lead and "Not revoked" not in found.lead
    assert [label for label, _message in found.reasons] == ["Status"]
    assert "not on this platform's list of trusted hosts" in found.reasons[0][1]


def test_another_issuer_is_named_as_the_credential_names_it_and_said_not_to_be_ours(issue):
    report = verify_credential_document(_other_issuer(issue().document))
    found = verdict.present(report)
    issued_on = public_date(report.facts.valid_from)
    assert found.state == "other_issuer" and found.headline == "Could not be checked"
    assert found.lead == (
        f"Issued by Somebody Else Academy to Ana García on {issued_on}. Its signature matches its issuer's key. "
        "It cannot be revoked, and it does not expire."
    )
    assert found.issuer_note == (
        "Somebody Else Academy is not one of this alliance's issuers: that is the name the credential gives, and "
        "who they are could not be confirmed here."
    )
    assert not found.issuer.ours and found.issuer.institution is None
    assert found.reasons == []  # the note says it


def test_an_impostor_using_a_members_name(issue):
    found = verdict.present(verify_credential_document(_other_issuer(issue().document, "University of Barcelona")))
    assert found.state == "impostor"
    assert found.lead == (
        "Not valid: it gives University of Barcelona as its issuer, but University of Barcelona did not issue it."
    )
    assert not found.issuer.ours and found.issuer.about == "Not the issuer it claims to be."


def test_unreadable_input_is_not_valid_with_its_reason(db):
    found = verdict.present(verify_credential_document(b"{not json"))
    assert found.state == "invalid" and found.lead == "This credential is not valid, for the reasons below."
    assert [label for label, _message in found.reasons] == ["Format"]
    assert "not valid JSON" in found.reasons[0][1]


def test_the_alliance_as_issuer(issue, make_version):
    credential = issue(version=make_version(kind="non_formal"))
    found = verdict.present(verify_credential_document(credential.document), credential=credential)
    assert found.issuer.institution.is_alliance
    assert found.lead.startswith("Issued by Example European University Alliance to Ana García on ")


def test_what_was_achieved_in_plain_words(issue):
    credential = issue(grade="8.5")
    rows = dict(verdict.achievement_rows(credential))
    assert rows == {
        "Workload": "5 ECTS credits",
        "Level": "EQF level 6",
        "Awarded on": "1 July 2026",
        "Result": "8.5",
    }
    from_signed_data = dict(verdict.achievement_rows_from_report(verify_credential_document(credential.document)))
    assert from_signed_data["Result"] == "8.5" and from_signed_data["Workload"] == "5 ECTS credits"
    assert from_signed_data["Level"] == "EQF level 6"
    # Another issuer's credits are not said to be ECTS.
    other = dict(verdict.achievement_rows_from_report(verify_credential_document(_other_issuer(credential.document))))
    assert other["Workload"] == "5 credits"


def test_the_facts_stay_out_of_the_report_json_and_the_api(client, issue, tmp_path, capsys):
    credential = issue()
    report = verify_credential_document(credential.document)
    assert "facts" not in report.as_dict()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(credential.document), encoding="utf-8")
    call_command("verify_credential", str(path), "--json")
    assert "facts" not in json.loads(capsys.readouterr().out)
    body = client.post("/api/v1/verify", json.dumps(credential.document), content_type="application/json").json()
    # The registry finding (issue #18 item 5) is a field added beside the others, which stay as they were.
    assert set(body) == {"verified", "result", "reason", "checks", "registry"}
    assert all(set(check) == {"check", "passed", "message", "advisory"} for check in body["checks"])
