"""A scripted wallet for the tests: it speaks OpenID4VCI 1.0 to the Django test client.

It signs its key proofs with PyJWT (an independent JOSE implementation), so the server's own proof
checking is exercised against somebody else's JWTs.
"""

from __future__ import annotations

import html
import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from microcred import vc
from microcred.vc.multikey import multibase_encode

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def path_of(url: str) -> str:
    return urlsplit(url).path


def offer_from_page(content: bytes) -> tuple[str, str | None]:
    """(the offer link, the transaction code) as a person reads them off the offer page."""
    text = content.decode("utf-8")
    link = html.unescape(re.search(r'id="wallet-offer-link" href="([^"]+)"', text).group(1))
    code = re.search(r'<strong id="tx-code"[^>]*>(\d+)</strong>', text)
    return link, code.group(1) if code else None


def read_offer_link(link: str) -> dict:
    """The query of an offer link: {"credential_offer": {...}} by value or {"credential_offer_uri": "https://…"}."""
    parts = urlsplit(link)
    assert parts.scheme == "openid-credential-offer"
    query = parse_qs(parts.query)
    assert len(query) == 1 and len(next(iter(query.values()))) == 1
    if "credential_offer" in query:
        return {"credential_offer": json.loads(query["credential_offer"][0])}
    return {"credential_offer_uri": query["credential_offer_uri"][0]}


class ScriptedWallet:
    def __init__(self, client, *, alg: str = "EdDSA", binding: str = "did:key", key=None):
        self.client = client
        self.alg = alg
        self.binding = binding
        if key is None:
            key = Ed25519PrivateKey.generate() if alg == "EdDSA" else ec.generate_private_key(ec.SECP256R1())
        self.key = key
        self.issuer_metadata: dict | None = None
        self.as_metadata: dict | None = None

    # -- the offer --
    def resolve_offer(self, link: str) -> dict:
        query = read_offer_link(link)
        if "credential_offer" in query:
            return query["credential_offer"]
        uri = query["credential_offer_uri"]
        assert uri.startswith("https://")
        response = self.client.get(path_of(uri))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        return response.json()

    # -- discovery --
    def discover(self, credential_issuer: str) -> None:
        response = self.client.get("/.well-known/openid-credential-issuer")
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        self.issuer_metadata = response.json()
        assert self.issuer_metadata["credential_issuer"] == credential_issuer  # byte for byte
        servers = self.issuer_metadata.get("authorization_servers") or [credential_issuer]
        response = self.client.get(path_of(servers[0]) + "/.well-known/oauth-authorization-server")
        assert response.status_code == 200
        self.as_metadata = response.json()
        assert PRE_AUTHORIZED_GRANT in self.as_metadata["grant_types_supported"]
        assert self.as_metadata["pre-authorized_grant_anonymous_access_supported"] is True

    # -- token --
    def token_request(self, pre_authorized_code, tx_code=None, **extra):
        data = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": pre_authorized_code, **extra}
        if tx_code is not None:
            data["tx_code"] = tx_code
        endpoint = self.as_metadata["token_endpoint"] if self.as_metadata else "/oid4vci/token"
        return self.client.post(path_of(endpoint), urlencode(data), content_type="application/x-www-form-urlencoded")

    def get_nonce(self) -> str:
        endpoint = self.issuer_metadata["nonce_endpoint"] if self.issuer_metadata else "/oid4vci/nonce"
        response = self.client.post(path_of(endpoint))
        assert response.status_code == 200, response.content
        assert "no-store" in response["Cache-Control"]
        return response.json()["c_nonce"]

    # -- proofs --
    @property
    def did(self) -> str:
        """The wallet key's did:key: multicodec ed25519-pub (0xed) or p256-pub (0x1200) + the (compressed) key."""
        if self.alg == "EdDSA":
            return vc.did_key(self.key)
        compressed = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        return "did:key:" + multibase_encode(b"\x80\x24" + compressed)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def public_jwk(self) -> dict:
        algorithm = OKPAlgorithm if self.alg == "EdDSA" else ECAlgorithm
        return algorithm.to_jwk(self.key.public_key(), as_dict=True)

    def proof(
        self,
        nonce,
        *,
        aud="https://mc.example.eu",
        iat=None,
        typ="openid4vci-proof+jwt",
        key=None,
        headers=None,
        claims=None,
    ) -> str:
        header = {"typ": typ}
        if self.binding == "did:key":
            header["kid"] = self.kid
        else:
            header["jwk"] = self.public_jwk()
        header.update(headers or {})
        payload = {"aud": aud, "iat": int(time.time()) if iat is None else iat}
        if nonce is not None:
            payload["nonce"] = nonce
        payload.update(claims or {})
        return jwt.encode(payload, key or self.key, algorithm=self.alg, headers=header)

    # -- credential --
    def credential_request(self, access_token, body):
        endpoint = self.issuer_metadata["credential_endpoint"] if self.issuer_metadata else "/oid4vci/credential"
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        return self.client.post(path_of(endpoint), json.dumps(body), content_type="application/json", headers=headers)

    def receive(self, link: str, tx_code: str | None) -> dict:
        """The whole flow from an offer link to the credential (asserting every step)."""
        offer = self.resolve_offer(link)
        self.discover(offer["credential_issuer"])
        configuration_id = offer["credential_configuration_ids"][0]
        assert configuration_id in self.issuer_metadata["credential_configurations_supported"]
        grant = offer["grants"][PRE_AUTHORIZED_GRANT]
        if "tx_code" in grant:
            assert tx_code is not None and len(tx_code) == grant["tx_code"]["length"]
        response = self.token_request(grant["pre-authorized_code"], tx_code if "tx_code" in grant else None)
        assert response.status_code == 200, response.content
        assert response["Cache-Control"] == "no-store"
        token = response.json()
        assert token["token_type"] == "Bearer" and token["expires_in"] <= 300
        nonce = self.get_nonce()
        response = self.credential_request(
            token["access_token"],
            {"credential_configuration_id": configuration_id, "proofs": {"jwt": [self.proof(nonce)]}},
        )
        assert response.status_code == 200, response.content
        credentials = response.json()["credentials"]
        assert len(credentials) == 1 and isinstance(credentials[0]["credential"], dict)
        return credentials[0]["credential"]


BINDING_MEMBERS = ("id", "credentialStatus", "proof")


def unbound(document: dict) -> dict:
    """A credential without what makes a holder-bound copy a document of its own (id, status, proof, subject id)."""
    rest = {k: v for k, v in document.items() if k not in BINDING_MEMBERS}
    rest["credentialSubject"] = {k: v for k, v in document["credentialSubject"].items() if k != "id"}
    return rest


def assert_bound_copy_of(received: dict, credential, holder_did: str) -> None:
    """`received` is `credential`'s award, bound to `holder_did`, with its own id and status entry."""
    original = credential.document
    assert received["credentialSubject"]["id"] == holder_did
    assert received["id"].startswith("urn:uuid:") and received["id"] != original["id"]
    status, original_status = received["credentialStatus"], original["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert (status["statusListCredential"], status["statusListIndex"]) != (
        original_status["statusListCredential"],
        original_status["statusListIndex"],
    )
    assert received["proof"] != original["proof"]
    assert unbound(received) == unbound(original)


class EudiWallet(ScriptedWallet):
    """A stand-in EU Digital Identity Wallet: a P-256 key named by `jwk` in its proofs, it asks for the SD-JWT VC
    configuration and presents what it received with a key-binding JWT it signs with PyJWT (not our code)."""

    def __init__(self, client, **kwargs):
        kwargs.setdefault("alg", "ES256")
        kwargs.setdefault("binding", "jwk")
        super().__init__(client, **kwargs)

    def receive(self, link: str, tx_code: str | None, configuration_id: str = "MicroCredential_dc_sd_jwt") -> str:
        offer = self.resolve_offer(link)
        self.discover(offer["credential_issuer"])
        assert configuration_id in offer["credential_configuration_ids"]
        configuration = self.issuer_metadata["credential_configurations_supported"][configuration_id]
        assert (
            configuration["format"] == "dc+sd-jwt" and "jwk" in configuration["cryptographic_binding_methods_supported"]
        )
        assert self.alg in configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
        grant = offer["grants"][PRE_AUTHORIZED_GRANT]
        response = self.token_request(grant["pre-authorized_code"], tx_code if "tx_code" in grant else None)
        assert response.status_code == 200, response.content
        token = response.json()
        nonce = self.get_nonce()
        response = self.credential_request(
            token["access_token"],
            {"credential_configuration_id": configuration_id, "proofs": {"jwt": [self.proof(nonce)]}},
        )
        assert response.status_code == 200, response.content
        credentials = response.json()["credentials"]
        assert len(credentials) == 1 and isinstance(credentials[0]["credential"], str)
        return credentials[0]["credential"]

    def present(self, sd_jwt: str, *, aud: str, nonce: str, keep=None, iat=None, key=None) -> str:
        """The SD-JWT with the disclosures `keep(decoded)` accepts and a key-binding JWT (RFC 9901 §4.3)."""
        import base64
        import hashlib

        jwt_part, *disclosures, _empty = sd_jwt.split("~")
        assert _empty == ""

        def decoded(text):
            return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

        kept = [d for d in disclosures if keep is None or keep(decoded(d))]
        presented = "~".join([jwt_part, *kept]) + "~"
        sd_hash = base64.urlsafe_b64encode(hashlib.sha256(presented.encode("ascii")).digest()).rstrip(b"=").decode()
        claims = {"iat": int(time.time()) if iat is None else iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash}
        return presented + jwt.encode(claims, key or self.key, algorithm=self.alg, headers={"typ": "kb+jwt"})
