"""Another university's web server on 127.0.0.1, for the tests of credentials from other issuers: serves a DID
document, an OB status list and whatever else a test puts in ``bodies``. The ``partner`` fixture (conftest.py)
starts one and lets the verifier fetch from it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from microcred import vc

INDEX = 4242


class LocalWebServer:
    """A web server on 127.0.0.1 serving ``bodies`` (path → bytes, 404 otherwise) and recording the paths asked
    for in ``hits``; ``start()`` serves in a thread, ``close()`` stops it. For the stand-ins of other institutions'
    hosts (did:web documents, status lists, registries)."""

    def __init__(self):
        self.bodies: dict[str, bytes] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits.append(self.path)
                body = server.bodies.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body or b"{}")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, document) -> None:
        self.bodies[path] = json.dumps(document).encode()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class PartnerHost(LocalWebServer):
    """Another university's web server on 127.0.0.1: serves a DID document and a status list."""

    def __init__(self):
        super().__init__()
        self.did = f"did:web:{self.host.replace(':', '%3A')}:issuers:partner"
        self.vm = self.did + "#key-1"
        self.list_url = f"http://{self.host}/status/1"
        self.key = vc.generate_private_key()
        self.serve("/issuers/partner/did.json", vc.did_web_document(self.did, [("key-1", self.key.public_key())]))
        self.start()

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
