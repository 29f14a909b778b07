"""Credentials of other issuers: their status lists are fetched from allowed hosts only, verified, and read from
their signed data (issue #10, "go beyond"); the hosts are settings read from the environment."""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from microcred import vc
from microcred.core.tests import fresh_process
from microcred.credentials.services.verification import verify_credential_document

pytestmark = pytest.mark.django_db
INDEX = 4242


class _Host:
    """Another university's web server on 127.0.0.1: serves a DID document and a status list."""

    def __init__(self):
        self.bodies: dict[str, bytes] = {}
        self.hits: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                host.hits.append(self.path)
                body = host.bodies.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body or b"{}")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.did = f"did:web:{self.host.replace(':', '%3A')}:issuers:partner"
        self.vm = self.did + "#key-1"
        self.list_url = f"http://{self.host}/status/1"
        self.key = vc.generate_private_key()
        self.serve("/issuers/partner/did.json", vc.did_web_document(self.did, [("key-1", self.key.public_key())]))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, document: dict) -> None:
        self.bodies[path] = json.dumps(document).encode()

    def publish_list(self, *, revoked=(), purpose="revocation", key=None, valid_until=None, tamper=False):
        bits = vc.BitstringStatusList(vc.MIN_ENTRIES)
        for index in revoked:
            bits.set(index)
        unsigned = vc.status_list_credential(
            self.list_url, self.did, bits, purpose, valid_from="2026-01-01T00:00:00Z", valid_until=valid_until
        )
        signed = vc.sign(unsigned, key or self.key, self.vm)
        if tamper:  # someone un-revokes an entry by hand
            other = vc.BitstringStatusList.decode(signed["credentialSubject"]["encodedList"])
            other.set(INDEX + 7, 0 if other.get(INDEX + 7) else 1)
            signed["credentialSubject"]["encodedList"] = other.encode()
        self.serve("/status/1", signed)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def partner(settings):
    cache.clear()
    host = _Host()
    settings.REMOTE_DOCUMENTS_ALLOW_HTTP = True
    settings.DID_WEB_ALLOWED_HOSTS = [host.host]
    settings.STATUS_LIST_ALLOWED_HOSTS = [host.host]
    yield host
    host.close()
    cache.clear()


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
