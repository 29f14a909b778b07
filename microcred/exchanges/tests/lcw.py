"""A stand-in for the DCC Learner Credential Wallet: it follows the published protocol against the Django test
client, as the wallet's `app/lib/exchanges.ts` does:

1. read the deep link (``dccrequest://request?request=…`` or ``https://lcw.app/request.html?request=…``): a JSON
   credential request whose ``protocols.vcapi`` is the exchange URL;
2. POST ``{}`` there (VC-API "Participate in an exchange"); the answer's ``verifiablePresentationRequest`` asks
   for ``DIDAuthentication`` with a ``challenge`` and a ``domain``;
3. make a fresh Ed25519 did:key, sign a presentation naming it as ``holder`` with a Data Integrity proof
   (``eddsa-rdfc-2022``, proof purpose ``authentication``, the challenge and domain; VC Data Integrity 1.0) and
   POST ``{"verifiablePresentation": …}`` to the request's ``interact.service`` endpoint;
4. take the credentials out of the answer's ``verifiablePresentation.verifiableCredential``.

The proof is made with the signing core's cryptosuite (microcred.vc.cryptosuites), so the challenge and domain
are in the signed proof options, as a Data Integrity library puts them.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from microcred import vc
from microcred.vc.cryptosuites import SUITES

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"


def path_of(url: str) -> str:
    return urlsplit(url).path


def links_from_page(content: bytes) -> tuple[str, str]:
    """(the dccrequest:// deep link, the https universal link) as a person reads them off the page."""
    text = content.decode("utf-8")
    deep = html.unescape(re.search(r'id="lcw-deep-link" href="([^"]+)"', text).group(1))
    universal = html.unescape(re.search(r'id="lcw-link-text"[^>]*>([^<]+)</textarea>', text).group(1))
    return deep, universal


def read_deep_link(link: str) -> dict:
    """The credential request inside a deep link or universal link of the wallet."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) in {
        ("dccrequest", "request", ""),
        ("https", "lcw.app", "/request.html"),
    }, link
    query = parse_qs(parts.query)
    assert list(query) == ["request"] and len(query["request"]) == 1
    return json.loads(query["request"][0])


def sign_presentation(presentation: dict, key, *, challenge, domain, purpose="authentication") -> dict:
    """``presentation`` with one eddsa-rdfc-2022 proof made by ``key``'s did:key, with the given options."""
    suite = SUITES["eddsa-rdfc-2022"]
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": vc.format_datetime(datetime.now(UTC)),
        "verificationMethod": vc.did_key_verification_method_id(key),
        "proofPurpose": purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    data = suite.hash_data(vc.unsecured(presentation), proof)
    proof["proofValue"] = suite.create_proof_value(key, data)
    return {**presentation, "proof": proof}


class StandInLCW:
    """One wallet with one key; ``receive(link)`` walks the whole exchange and returns the credentials."""

    def __init__(self, client, key=None):
        self.client = client
        self.key = key or vc.generate_private_key()
        self.did = vc.did_key(self.key)
        self.request: dict | None = None
        self.vpr: dict | None = None

    def post(self, url: str, body) -> object:
        return self.client.post(path_of(url), data=json.dumps(body), content_type="application/json")

    def start(self, link: str) -> dict:
        self.request = read_deep_link(link)
        response = self.post(self.request["protocols"]["vcapi"], {})
        assert response.status_code == 200, response.content
        self.vpr = response.json()["verifiablePresentationRequest"]
        return self.vpr

    def presentation(self, *, challenge=None, domain=None, holder=None, key=None) -> dict:
        vpr = self.vpr or {}
        unsigned = {
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiablePresentation"],
            "holder": holder or self.did,
        }
        return sign_presentation(
            unsigned,
            key or self.key,
            challenge=vpr.get("challenge") if challenge is None else challenge,
            domain=vpr.get("domain") if domain is None else domain,
        )

    def answer(self, presentation: dict):
        endpoint = self.vpr["interact"]["service"][0]["serviceEndpoint"]
        return self.post(endpoint, {"verifiablePresentation": presentation})

    def receive(self, link: str) -> list[dict]:
        vpr = self.start(link)
        queries = vpr["query"] if isinstance(vpr["query"], list) else [vpr["query"]]
        assert [q["type"] for q in queries] == ["DIDAuthentication"]
        response = self.answer(self.presentation())
        assert response.status_code == 200, response.content
        return response.json()["verifiablePresentation"]["verifiableCredential"]
