"""JAdES baseline B-B signatures over a JSON payload (ETSI TS 119 182-1), as Europass seals an ELM credential.

Framework-free. The sealed file is a JWS in the JSON General Serialization (RFC 7515 §7.2.1) with the payload
unencoded (RFC 7797):

    {"payload": "<the credential's JSON text>",
     "signatures": [{"protected": "<base64url of the protected header>", "signature": "<base64url>"}]}

The protected header: ``alg`` ES256 (RFC 7518 §3.4), ``typ`` "jose+json" and ``cty`` "octet-stream" (as sealed
EDCs carry them), ``b64`` false with ``crit`` ["b64", "sigT"] (RFC 7797 §3, §6), ``sigT`` the claimed signing
time (ETSI TS 119 182-1 §5.2.1), ``x5c`` the chain (RFC 7515 §4.1.6), ``x5t#S256`` the SHA-256 of the seal's
certificate (§4.1.8), ``kid`` the certificate's issuer and serial number (ETSI TS 119 182-1 §5.1.4).

The signing input is ``ASCII(BASE64URL(protected)) || "." || payload bytes`` (RFC 7797 §3). A B-T signature would
add a qualified timestamp in the unprotected ``etsiU`` header; it needs a timestamping authority, so it is not made.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from microcred.seals.certificates import der_sha256, issuer_serial_der

ALG = "ES256"
TYP = "jose+json"
CTY = "octet-stream"
CRIT = ["b64", "sigT"]
MAX_SEALED_BYTES = 4 * 1024 * 1024


class JadesError(ValueError):
    """The file is not a JAdES signature this verifier can read; ``code`` names the failure."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text or "+" in text or "/" in text:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def format_sigt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def protected_header(chain, signing_time: datetime) -> dict:
    leaf = chain[0]
    return {
        "alg": ALG,
        "typ": TYP,
        "cty": CTY,
        "kid": base64.b64encode(issuer_serial_der(leaf)).decode("ascii"),
        "x5t#S256": b64url(der_sha256(leaf)),
        "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain],
        "b64": False,
        "sigT": format_sigt(signing_time),
        "crit": list(CRIT),
    }


def sign(payload: str, *, private_key: ec.EllipticCurvePrivateKey, chain, signing_time: datetime) -> dict:
    """The JAdES-B-B signature of ``payload`` (a JSON text) as a JWS JSON General Serialization object."""
    protected = b64url(json.dumps(protected_header(chain, signing_time), separators=(",", ":")).encode("utf-8"))
    signing_input = protected.encode("ascii") + b"." + payload.encode("utf-8")
    r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return {
        "payload": payload,
        "signatures": [{"protected": protected, "signature": b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}],
    }


@dataclass(frozen=True)
class ParsedSeal:
    """A sealed file read and its signature checked against the certificate it carries."""

    payload: str
    header: dict
    chain: tuple[x509.Certificate, ...]
    signing_time: datetime

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]


def _parse_sigt(value) -> datetime:
    if not isinstance(value, str):
        raise JadesError("malformed", "The signing time (sigT) is missing.")
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise JadesError("malformed", "The signing time (sigT) is not a UTC time like 2026-01-12T07:12:23Z.") from exc
    return moment


def parse_and_check_signature(data: bytes | str) -> ParsedSeal:
    """Read a sealed file and check its one signature with the key of the certificate in ``x5c`` (and that
    ``x5t#S256`` names that certificate). Nothing is said yet about whether the certificate is trusted."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_SEALED_BYTES:
        raise JadesError("malformed", "The file is larger than 4 MB; a sealed credential is much smaller.")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise JadesError("malformed", "The file is not JSON.") from exc
    if not isinstance(document, dict) or not isinstance(document.get("payload"), str):
        raise JadesError("malformed", "The file is not a JAdES signature with its payload (JWS JSON serialization).")
    signatures = document.get("signatures")
    if not isinstance(signatures, list) or len(signatures) != 1 or not isinstance(signatures[0], dict):
        raise JadesError("malformed", "The file must carry exactly one signature.")
    entry = signatures[0]
    try:
        protected_b64 = entry["protected"]
        header = json.loads(b64url_decode(protected_b64))
        signature = b64url_decode(entry["signature"])
    except (KeyError, TypeError, ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise JadesError("malformed", "The signature's protected header or value cannot be read.") from exc
    if not isinstance(header, dict):
        raise JadesError("malformed", "The protected header is not a JSON object.")
    if header.get("alg") != ALG:
        raise JadesError("unsupported_algorithm", f"Only {ALG} seals are accepted, not {header.get('alg')!r}.")
    if header.get("b64") is not False or sorted(header.get("crit") or []) != sorted(CRIT):
        raise JadesError("malformed", 'The header must say b64 false with crit ["b64", "sigT"] (RFC 7797).')
    unknown = set(entry.get("header") or {}) - {"etsiU"}
    if unknown:
        raise JadesError("malformed", "Unprotected header parameters are not accepted: " + ", ".join(sorted(unknown)))
    signing_time = _parse_sigt(header.get("sigT"))
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise JadesError("malformed", "The header carries no certificate chain (x5c).")
    try:
        chain = tuple(x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c)
    except (ValueError, binascii.Error) as exc:
        raise JadesError("malformed", "A certificate of the chain (x5c) cannot be read.") from exc
    if header.get("x5t#S256") != b64url(der_sha256(chain[0])):
        raise JadesError("malformed", "x5t#S256 does not name the first certificate of the chain.")
    key = chain[0].public_key()
    if (
        not isinstance(key, ec.EllipticCurvePublicKey)
        or not isinstance(key.curve, ec.SECP256R1)
        or len(signature) != 64
    ):
        raise JadesError("bad_signature", "The signature does not fit the seal's certificate (ES256, P-256).")
    signing_input = protected_b64.encode("ascii") + b"." + document["payload"].encode("utf-8")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise JadesError(
            "bad_signature",
            "The seal does not verify: the credential or its header was changed after sealing, or it was sealed "
            "with another key.",
        ) from exc
    return ParsedSeal(payload=document["payload"], header=header, chain=chain, signing_time=signing_time)
