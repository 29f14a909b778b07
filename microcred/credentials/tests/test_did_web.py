"""Issuers from elsewhere: did:key locally; did:web fetched only from allowed hosts, with limits; no SSRF."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.core.cache import cache

from microcred import vc
from microcred.credentials.services.issuers import resolve_verification_method

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cache():
    cache.clear()


def _credential(issuer: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


class _Server:
    """A did:web host on 127.0.0.1 that serves whatever body the test sets."""

    def __init__(self):
        self.body, self.status, self.location, self.hits = b"", 200, None, 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits += 1
                self.send_response(server.status)
                if server.location:
                    self.send_header("Location", server.location)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.did = f"did:web:{self.host.replace(':', '%3A')}:issuers:partner"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def host(settings):
    server = _Server()
    settings.REMOTE_DOCUMENTS_ALLOW_HTTP = True
    settings.DID_WEB_ALLOWED_HOSTS = [server.host]
    yield server
    server.close()


def _signed_by_web_issuer(server):
    key = vc.generate_private_key()
    vm = f"{server.did}#key-1"
    server.body = json.dumps(vc.did_web_document(server.did, [("key-1", key.public_key())])).encode()
    return vc.sign(_credential(server.did), key, vm), vm


def test_did_key_issuers_resolve_locally():
    key = vc.generate_private_key()
    did = vc.did_key(key.public_key())
    signed = vc.sign(_credential(did), key, vc.did_key_verification_method_id(key.public_key()))
    with mock.patch("requests.get") as get:
        assert vc.verify(signed, resolve_verification_method).verified
    get.assert_not_called()


def test_did_web_of_an_allowed_host_is_fetched_and_verifies(host):
    signed, _vm = _signed_by_web_issuer(host)
    assert vc.verify(signed, resolve_verification_method).verified
    assert vc.verify(signed, resolve_verification_method).verified
    assert host.hits == 1  # cached


def test_did_web_of_another_host_is_never_fetched(settings, host):
    signed, _vm = _signed_by_web_issuer(host)
    settings.DID_WEB_ALLOWED_HOSTS = ["alliance.example.eu"]
    result = vc.verify(signed, resolve_verification_method)
    assert not result.verified and "trusted hosts" in result.error.message
    assert host.hits == 0


@pytest.mark.parametrize(
    "did",
    [
        "did:web:169.254.169.254:latest:meta-data",
        "did:web:localhost%2F..%2Fadmin",
        "did:web:",
        "did:web:a@b",
    ],
)
def test_internal_or_malformed_addresses_are_refused_without_a_request(did):
    with mock.patch("requests.get") as get, pytest.raises(vc.KeyResolutionError):
        resolve_verification_method(f"{did}#key-1")
    get.assert_not_called()


def test_oversized_redirected_or_foreign_documents_are_refused(host):
    signed, _vm = _signed_by_web_issuer(host)
    document = host.body
    host.body = b"{" + b" " * (70 * 1024) + b"}"
    assert "larger than" in vc.verify(signed, resolve_verification_method).error.message
    cache.clear()
    host.body, host.status, host.location = b"", 302, "http://169.254.169.254/"
    assert "answered 302" in vc.verify(signed, resolve_verification_method).error.message
    cache.clear()
    host.status, host.location = 200, None
    host.body = document.replace(host.did.encode(), b"did:web:evil.example")
    assert not vc.verify(signed, resolve_verification_method).verified
