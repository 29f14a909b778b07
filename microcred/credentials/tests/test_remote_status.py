"""Credentials of other issuers: their status lists are fetched from allowed hosts only, verified, and read from
their signed data (issue #10, "go beyond"); the hosts are settings read from the environment."""

from __future__ import annotations

import copy

import pytest

from microcred import vc
from microcred.core.tests import fresh_process
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.partner_host import INDEX

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_credential(issue, partner):
    """One of our credentials, re-issued by the partner university with an entry in its status list."""
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc["issuer"] = {"id": partner.did, "type": ["Profile"], "name": "Partner University"}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    doc["credentialStatus"] = {
        "id": f"{partner.list_url}#{INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(INDEX),
        "statusListCredential": partner.list_url,
    }
    return vc.sign(doc, partner.key, partner.vm)


def test_a_partner_credential_not_revoked_passes_status(partner, partner_credential):
    partner.publish_list(revoked=[INDEX + 1])
    report = verify_credential_document(partner_credential)
    assert report.check("signature").passed is True
    assert report.check("status").passed is True
    assert f"the issuer's status list {partner.list_url}" in report.check("status").message
    assert report.result == "could_not_check"  # the partner is not a member of the alliance
    verify_credential_document(partner_credential)
    assert partner.hits.count("/status/1") == 1  # cached


def test_a_partner_credential_revoked_is_invalid(partner, partner_credential):
    partner.publish_list(revoked=[INDEX])
    report = verify_credential_document(partner_credential)
    assert report.result == "invalid"
    assert report.check("status").passed is False and report.check("status").message.startswith("Revoked by its issuer")


def test_a_renamed_status_entry_of_a_partner_is_still_checked(partner, partner_credential):
    partner.publish_list(revoked=[INDEX])
    disguised = copy.deepcopy(partner_credential)
    disguised["https://www.w3.org/2018/credentials#credentialStatus"] = disguised.pop("credentialStatus")
    assert verify_credential_document(disguised).check("status").passed is False


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        ({"key": vc.generate_private_key()}, "signature does not match"),
        ({"tamper": True}, "signature does not match"),
        ({"purpose": "suspension"}, "its purpose is not revocation"),
        ({"valid_until": "2026-02-01T00:00:00Z"}, "outside its validity period"),
    ],
)
def test_a_list_that_is_not_trustworthy_fails_the_status(partner, partner_credential, publish, message):
    partner.publish_list(**publish)
    report = verify_credential_document(partner_credential)
    assert report.check("status").passed is False
    assert message in report.check("status").message
    assert report.result == "invalid"


def test_a_list_on_a_host_not_allowed_is_never_fetched(settings, partner, partner_credential):
    partner.publish_list(revoked=[INDEX])
    settings.STATUS_LIST_ALLOWED_HOSTS = ["status.elsewhere.example"]
    report = verify_credential_document(partner_credential)
    assert report.check("status").passed is None
    assert "not on this platform's list of trusted hosts" in report.check("status").message
    assert "/status/1" not in partner.hits


def test_an_unreachable_list_could_not_be_checked(partner, partner_credential):
    report = verify_credential_document(partner_credential)  # nothing published: 404
    assert report.check("status").passed is None and "answered 404" in report.check("status").message


def test_our_own_host_is_never_fetched(settings, issue, partner):
    """An issuer on our own host that is not in the database is not one of ours; nothing is fetched."""
    settings.DID_WEB_ALLOWED_HOSTS = ["mc.example.eu", partner.host]
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k != "proof"}
    doc["issuer"] = {"id": "did:web:mc.example.eu:issuers:nobody", "type": ["Profile"], "name": "Nobody"}
    del doc["credentialStatus"]
    key = vc.generate_private_key()
    report = verify_credential_document(vc.sign(doc, key, "did:web:mc.example.eu:issuers:nobody#key-1"))
    assert report.check("signature").passed is None
    assert "not one of this platform's issuers" in report.check("signature").message


def _setting_from_environment(name: str, **env) -> str:
    drop = {"DID_WEB_ALLOWED_HOSTS", "STATUS_LIST_ALLOWED_HOSTS"}  # only those given here
    done = fresh_process.shell(f"from config.settings import base; print(base.{name})", drop=drop, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]  # after the shell's "objects imported" line


def test_the_allowed_hosts_are_read_from_the_environment():
    assert _setting_from_environment("DID_WEB_ALLOWED_HOSTS") == "[]"
    assert _setting_from_environment("STATUS_LIST_ALLOWED_HOSTS") == "[]"
    hosts = "uni-a.example, uni-b.example:8443"
    assert _setting_from_environment("DID_WEB_ALLOWED_HOSTS", DID_WEB_ALLOWED_HOSTS=hosts) == str(
        ["uni-a.example", "uni-b.example:8443"]
    )
    # The status list hosts default to the DID hosts, and can be set apart.
    assert _setting_from_environment("STATUS_LIST_ALLOWED_HOSTS", DID_WEB_ALLOWED_HOSTS=hosts) == str(
        ["uni-a.example", "uni-b.example:8443"]
    )
    assert _setting_from_environment(
        "STATUS_LIST_ALLOWED_HOSTS", DID_WEB_ALLOWED_HOSTS=hosts, STATUS_LIST_ALLOWED_HOSTS="status.uni-a.example"
    ) == str(["status.uni-a.example"])
