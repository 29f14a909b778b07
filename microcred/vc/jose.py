"""Just enough JOSE for a holder's key: compact JWS with EdDSA (Ed25519) or ES256 (P-256), public JWKs (RFC 7517,
7638) and did:key. It checks an OpenID4VCI `jwt` key proof (verify_compact_jws), and gives the SD-JWT code
(sd_jwt.py) its JWK and signature checks.

The holder's public key comes from the `jwk` header or from a `did:key` URL in `kid`. Only asymmetric
algorithms we advertise are accepted; the algorithm must fit the key type (no algorithm confusion).
Built on `cryptography`; no JWT library is needed at run time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from microcred.vc import ed25519
from microcred.vc.exceptions import InvalidKey
from microcred.vc.multikey import multibase_decode, multibase_encode

SUPPORTED_ALGS = ("EdDSA", "ES256")
MAX_JWS_LENGTH = 8192
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]*$")
_ED25519_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
_P256_PREFIX = b"\x80\x24"  # multicodec p256-pub (0x1200, varint)


class JoseError(Exception):
    """The JWS or its key is not acceptable. The message is ASCII, for the wallet developer."""


class AlgorithmMismatch(JoseError):
    """The JWS's alg does not fit its key (EdDSA with a P-256 key...): no algorithm confusion."""


class BadSignature(JoseError):
    """The signature does not verify with the key."""


def b64url_decode(segment: str) -> bytes:
    if not isinstance(segment, str) or not _SEGMENT.match(segment) or len(segment) % 4 == 1:
        raise JoseError("Not base64url.")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise JoseError("Not base64url.") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class HolderKey:
    """The public key a proof was signed with, as a public JWK, plus the DID when it was named by `kid`."""

    public_key: Ed25519PublicKey | ec.EllipticCurvePublicKey
    jwk: dict
    did: str = ""

    @property
    def method(self) -> str:
        return "did:key" if self.did else "jwk"

    @property
    def binding_did(self) -> str:
        """The DID the credential is bound to: the proof's did:key, or the did:key of its `jwk`."""
        return self.did or did_key_of(self.public_key)

    @property
    def thumbprint(self) -> str:
        return jwk_thumbprint(self.jwk)


def public_jwk(key) -> dict:
    """The public JWK of an Ed25519 or P-256 key (given public or private)."""
    if isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        key = key.public_key()
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }
    raise JoseError("Unsupported key type.")


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638 SHA-256 thumbprint (base64url) of an OKP or EC public JWK."""
    members = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def key_from_jwk(jwk, what: str = "The jwk header") -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """An Ed25519 (OKP) or P-256 (EC) public key from a public JWK; anything else is refused (``what`` names
    the JWK in the messages)."""
    if not isinstance(jwk, dict):
        raise JoseError(f"{what} is not a JSON object.")
    if any(name in jwk for name in ("d", "p", "q", "k")):
        raise JoseError(f"{what} must hold a public key only.")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            raw = b64url_decode(jwk.get("x", ""))
            if len(raw) != 32:
                raise JoseError("An Ed25519 key has 32 bytes.")
            return Ed25519PublicKey.from_public_bytes(raw)
        if kty == "EC" and crv == "P-256":
            x, y = b64url_decode(jwk.get("x", "")), b64url_decode(jwk.get("y", ""))
            if len(x) != 32 or len(y) != 32:
                raise JoseError("A P-256 key has 32-byte coordinates.")
            numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1())
            return numbers.public_key()
    except ValueError as exc:  # not a point on the curve, bad length
        raise JoseError(f"{what} is not a valid public key.") from exc
    raise JoseError("Only Ed25519 (OKP) and P-256 (EC) keys are supported.")


def did_key_of(public_key) -> str:
    """The did:key of an Ed25519 or P-256 public key: multibase base58btc of the multicodec prefix
    (ed25519-pub 0xed, p256-pub 0x1200) and the key (raw 32 bytes; the compressed P-256 point).

    A key proven with a `jwk` header is bound through its did:key, not did:jwk: did:key is the DID method
    wallets and verifiers resolve most widely, it needs no JSON canonicalisation, and one key then has one
    DID whether the wallet named it by `kid` or by `jwk`, so it gets the same binding either way.
    """
    if isinstance(public_key, Ed25519PublicKey):
        data = _ED25519_PREFIX + public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    elif isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        data = _P256_PREFIX + public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    else:
        raise JoseError("Only Ed25519 and P-256 keys have a did:key here.")
    return "did:key:" + multibase_encode(data)


def key_from_did_key(kid) -> tuple[str, Ed25519PublicKey | ec.EllipticCurvePublicKey]:
    """`did:key:z…#z…` (or without fragment) → (DID, public key). Ed25519 and P-256 did:keys."""
    if not isinstance(kid, str) or not kid.startswith("did:key:") or len(kid) > 300:
        raise JoseError("The kid must be a did:key DID URL.")
    did, _, fragment = kid.partition("#")
    identifier = did[len("did:key:") :]
    if fragment and fragment != identifier:
        raise JoseError("The did:key fragment does not match the key.")
    try:
        data = multibase_decode(identifier)
    except (InvalidKey, ValueError) as exc:
        raise JoseError("The did:key is not valid multibase.") from exc
    try:
        if data[:2] == _ED25519_PREFIX and len(data) == 34:
            return did, Ed25519PublicKey.from_public_bytes(data[2:])
        if data[:2] == _P256_PREFIX and len(data) == 35:
            return did, ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
    except ValueError as exc:
        raise JoseError("The did:key does not hold a valid public key.") from exc
    raise JoseError("Only Ed25519 and P-256 did:keys are supported.")


def verify_signature(alg: str, key, signing_input: bytes, signature: bytes) -> None:
    """Check a JWS signature: EdDSA with an Ed25519 key, ES256 with a P-256 key (the signature as r‖s, 64 bytes).
    AlgorithmMismatch when alg and key do not fit; BadSignature when it does not verify."""
    try:
        if alg == "EdDSA":
            if not isinstance(key, Ed25519PublicKey):
                raise AlgorithmMismatch("EdDSA needs an Ed25519 key.")
            ed25519.verify(key, signature, signing_input)
        elif alg == "ES256":
            if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
                raise AlgorithmMismatch("ES256 needs a P-256 key.")
            if len(signature) != 64:
                raise BadSignature("An ES256 signature has 64 bytes.")
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            raise AlgorithmMismatch(f"Unsupported alg {alg}.")
    except InvalidSignature as exc:
        raise BadSignature("The signature does not verify.") from exc


def verify_compact_jws(token, *, expected_typ: str, algorithms=SUPPORTED_ALGS) -> tuple[dict, dict, HolderKey]:
    """Check a compact JWS signed by the key in its own `jwk` or did:key `kid` header. → (header, claims, key)."""
    if not isinstance(token, str) or len(token) > MAX_JWS_LENGTH:
        raise JoseError("The proof must be a compact JWT string.")
    parts = token.split(".")
    if len(parts) != 3:
        raise JoseError("The proof is not a compact JWS (three parts).")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except (UnicodeDecodeError, ValueError) as exc:
        raise JoseError("The proof header or payload is not JSON.") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JoseError("The proof header and payload must be JSON objects.")
    if header.get("typ") != expected_typ:
        raise JoseError(f"The proof typ must be {expected_typ}.")
    alg = header.get("alg")
    if alg not in algorithms:
        raise JoseError("The proof alg must be one of " + ", ".join(algorithms) + ".")
    if header.get("crit"):
        raise JoseError("No critical header parameters are supported.")
    present = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(present) != 1:
        raise JoseError("The proof header needs exactly one of kid or jwk.")
    if present[0] == "x5c":
        raise JoseError("x5c is not supported; use jwk or a did:key kid.")
    if present[0] == "jwk":
        public_key, did = key_from_jwk(header["jwk"]), ""
    else:
        did, public_key = key_from_did_key(header["kid"])
    verify_signature(alg, public_key, f"{parts[0]}.{parts[1]}".encode("ascii"), b64url_decode(parts[2]))
    return header, claims, HolderKey(public_key=public_key, jwk=public_jwk(public_key), did=did)
