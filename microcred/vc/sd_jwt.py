"""SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issuing, presenting and verifying.

Issuing (:func:`issue`): the payload is given with the claims that may be disclosed selectively wrapped in
:class:`Disclosable`. Each becomes a Disclosure (RFC 9901 §4.2.1: base64url of the JSON array
``[salt, name, value]``, or ``[salt, value]`` for an array element, the salt 128 random bits), replaced in its
object by its digest in ``_sd`` (§4.2.4.1; for array elements ``{"...": digest}``, §4.2.4.2), with
``_sd_alg: sha-256`` at the top. Digests in an ``_sd`` array are sorted, and decoy digests (§4.2.5) may be
added, so neither the order nor the number of claims is told. The Issuer-signed JWT is a compact JWS with
``alg: EdDSA``, ``typ: dc+sd-jwt`` (SD-JWT VC §2.2.1) and ``kid``; a holder's public key goes into
``cnf.jwk`` (RFC 7800) for key binding. The SD-JWT is ``<JWT>~<Disclosure 1>~…~<Disclosure N>~``.

Presenting (:func:`present`): the holder keeps the disclosures it wants to show and appends a Key Binding JWT
(§4.3: ``typ: kb+jwt``, ``iat``, ``aud``, ``nonce``, ``sd_hash`` = base64url SHA-256 of the presented SD-JWT up
to its last ``~``), signed with the key in ``cnf.jwk`` (EdDSA with Ed25519, ES256 with P-256).

Verifying (:func:`verify`, §7.1 and §7.3): the Issuer-signed JWT's signature with the key the caller resolves
from its header and claims (no algorithm from the token is trusted: EdDSA only), the ``typ``, each disclosure
digested and found exactly once in the payload (a disclosure nobody references, a digest referenced twice,
``_sd`` or ``...`` as a claim name, a name already in the object: all refused), the disclosed claims put back,
``exp``/``nbf`` against the clock; then the Key Binding JWT when one is required: its signature with
``cnf.jwk``, its ``typ``, the expected ``aud`` and ``nonce``, a recent ``iat`` and the ``sd_hash`` of what
was presented. Every refusal raises :class:`SdJwtError` with a ``code`` and a message for a person.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from . import jose
from .exceptions import VCError
from .signers import as_signer, checked_signature

SD_JWT_VC_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
SD_ALG = "sha-256"
ISSUER_ALG = "EdDSA"
HOLDER_ALGS = ("EdDSA", "ES256")
#: Claims an SD-JWT VC never makes selectively disclosable (SD-JWT VC §3.2.2): a verifier needs them to
#: process the credential at all.
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd", "_sd_alg", "..."})
MAX_SD_JWT_LENGTH = 256 * 1024
MAX_DISCLOSURES = 500
KB_MAX_AGE = 300  # seconds a Key Binding JWT's iat may lie in the past
CLOCK_SKEW = 60  # seconds an iat may lie in the future, and exp/nbf may be off


class SdJwtError(VCError):
    """An SD-JWT is malformed, altered, expired, or its key binding is not for this verifier.

    ``code`` names the failure for programs (``malformed``, ``signature``, ``disclosure``, ``expired``,
    ``not_yet_valid``, ``key_binding``, ``audience``, ``nonce``, ``sd_hash``); the message is for people.
    """

    default_message = "The SD-JWT is not valid."

    def __init__(self, message: str | None = None, *, code: str = "malformed", **details):
        super().__init__(message, **details)
        self.code = code


# --- base64url and JWS ---------------------------------------------------------------------------------


b64url_encode = jose.b64url_encode
public_jwk = jose.public_jwk


def b64url_decode(segment: str, what: str = "A part of the SD-JWT") -> bytes:
    try:
        return jose.b64url_decode(segment)
    except jose.JoseError as exc:
        raise SdJwtError(f"{what} is not base64url.") from exc


def _json_segment(value: dict) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _json_of(segment: str, what: str):
    try:
        return json.loads(b64url_decode(segment, what).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SdJwtError(f"{what} is not JSON.") from exc


def key_from_jwk(jwk) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """An Ed25519 (OKP) or P-256 (EC) public key from the holder's public JWK (``cnf.jwk``); anything else is
    refused."""
    try:
        return jose.key_from_jwk(jwk, "cnf.jwk")
    except jose.JoseError as exc:
        raise SdJwtError(str(exc), code="key_binding") from exc


def sign_jws(header: dict, claims: dict, key) -> str:
    """A compact JWS of ``claims``: EdDSA with an Ed25519 key or :class:`~microcred.vc.Signer`, ES256 with a
    P-256 private key (the holder's). ``alg`` is set from the key."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise SdJwtError("ES256 needs a P-256 key.")
        header = {**header, "alg": "ES256"}
        signing_input = f"{_json_segment(header)}.{_json_segment(claims)}".encode("ascii")
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signer = as_signer(key)
        header = {**header, "alg": "EdDSA"}
        signing_input = f"{_json_segment(header)}.{_json_segment(claims)}".encode("ascii")
        signature = checked_signature(signer, signing_input)
    return f"{signing_input.decode('ascii')}.{b64url_encode(signature)}"


def verify_signature(alg: str, key, signing_input: bytes, signature: bytes, *, code: str, what: str) -> None:
    try:
        jose.verify_signature(alg, key, signing_input, signature)
    except jose.AlgorithmMismatch as exc:
        raise SdJwtError(f"The {what}'s alg {alg} does not fit its key.", code=code) from exc
    except jose.BadSignature as exc:
        raise SdJwtError(
            f"The signature of the {what} does not verify: it was altered or signed by another key.", code=code
        ) from exc


@dataclass(frozen=True)
class Jws:
    header: dict
    claims: dict
    signing_input: bytes
    signature: bytes


def parse_jws(token: str, what: str) -> Jws:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise SdJwtError(f"The {what} is not a compact JWS (three parts separated by dots).")
    header, claims = _json_of(parts[0], f"The {what} header"), _json_of(parts[1], f"The {what} payload")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise SdJwtError(f"The {what} header and payload must be JSON objects.")
    if header.get("crit"):
        raise SdJwtError(f"The {what} has critical header parameters, which are not supported.")
    return Jws(
        header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), b64url_decode(parts[2], f"The {what} signature")
    )


# --- issuing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disclosable:
    """A claim value (or array element) to be made selectively disclosable. It may hold Disclosable values."""

    value: object


def digest(disclosure: str) -> str:
    """The digest of a disclosure (RFC 9901 §4.2.3): base64url SHA-256 of its ASCII text as it is sent."""
    return b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


def _salt() -> str:
    return b64url_encode(secrets.token_bytes(16))


def _disclosure(*items) -> str:
    return b64url_encode(json.dumps(list(items), separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


class _Builder:
    def __init__(self, decoys: int, salt: Callable[[], str]):
        self.disclosures: list[str] = []
        self.decoys = decoys
        self.salt = salt

    def _decoys(self) -> list[str]:
        return [b64url_encode(hashlib.sha256(secrets.token_bytes(32)).digest()) for _ in range(self.decoys)]

    def build(self, value, *, top: bool = False):
        if isinstance(value, dict):
            out, digests = {}, []
            for name, item in value.items():
                if not isinstance(name, str) or name in ("_sd", "..."):
                    raise SdJwtError(f"{name!r} cannot be a claim name.")
                if isinstance(item, Disclosable):
                    if top and name in NEVER_DISCLOSABLE:
                        raise SdJwtError(f"The claim {name} cannot be selectively disclosable in an SD-JWT VC.")
                    text = _disclosure(self.salt(), name, self.build(item.value))
                    self.disclosures.append(text)
                    digests.append(digest(text))
                else:
                    out[name] = self.build(item)
            if digests:
                out["_sd"] = sorted(digests + self._decoys())
            return out
        if isinstance(value, list | tuple):
            out = []
            for item in value:
                if isinstance(item, Disclosable):
                    text = _disclosure(self.salt(), self.build(item.value))
                    self.disclosures.append(text)
                    out.append({"...": digest(text)})
                else:
                    out.append(self.build(item))
            return out
        if isinstance(value, Disclosable):
            raise SdJwtError("A Disclosable must be a claim value or an array element.")
        return value


@dataclass(frozen=True)
class IssuedSdJwt:
    compact: str  # <JWT>~<D1>~…~<DN>~
    jwt: str
    disclosures: list[str]


def issue(
    payload: dict,
    *,
    signer,
    kid: str,
    holder_jwk: dict | None = None,
    typ: str = SD_JWT_VC_TYP,
    decoys: int = 0,
    salt: Callable[[], str] = _salt,
) -> IssuedSdJwt:
    """An SD-JWT signed by ``signer`` (Ed25519, EdDSA) with ``kid`` in its header; :class:`Disclosable`
    values in ``payload`` become disclosures; ``holder_jwk`` becomes ``cnf.jwk``; ``decoys`` fake digests are
    added to every ``_sd`` array."""
    if not isinstance(payload, dict):
        raise SdJwtError("The SD-JWT payload must be a JSON object.")
    if decoys < 0:
        raise SdJwtError("The number of decoy digests cannot be negative.")
    builder = _Builder(decoys, salt)
    claims = builder.build(payload, top=True)
    if builder.disclosures or decoys:
        claims["_sd_alg"] = SD_ALG
    if holder_jwk is not None:
        key_from_jwk(holder_jwk)  # a public Ed25519 or P-256 key, nothing else
        claims["cnf"] = {"jwk": dict(holder_jwk)}
    jwt = sign_jws({"typ": typ, "kid": kid}, claims, signer)
    return IssuedSdJwt(compact="~".join([jwt, *builder.disclosures]) + "~", jwt=jwt, disclosures=builder.disclosures)


# --- parsing and presenting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    jwt: str
    disclosures: list[str]
    kb_jwt: str  # "" when there is none

    @property
    def presented(self) -> str:
        """The SD-JWT without its Key Binding JWT, as the sd_hash covers it (ending in ``~``)."""
        return "~".join([self.jwt, *self.disclosures]) + "~"


def split(compact: str) -> Parts:
    """``<JWT>~<D1>~…~<DN>~[<KB-JWT>]`` → its parts (RFC 9901 §4)."""
    if not isinstance(compact, str) or not compact.strip():
        raise SdJwtError("An SD-JWT must be a non-empty string.")
    compact = compact.strip()
    if len(compact) > MAX_SD_JWT_LENGTH:
        raise SdJwtError("The SD-JWT is too long.")
    if "~" not in compact:
        raise SdJwtError("This is not an SD-JWT: it has no ~ separator (a plain JWT?).")
    pieces = compact.split("~")
    jwt, disclosures, kb_jwt = pieces[0], pieces[1:-1], pieces[-1]
    if len(disclosures) > MAX_DISCLOSURES:
        raise SdJwtError("The SD-JWT has too many disclosures.")
    if any(not piece for piece in disclosures):
        raise SdJwtError("The SD-JWT has an empty disclosure (two ~ in a row).", code="disclosure")
    return Parts(jwt, disclosures, kb_jwt)


def sd_hash(presented: str) -> str:
    return b64url_encode(hashlib.sha256(presented.encode("ascii")).digest())


def decode_disclosure(text: str) -> list:
    value = _json_of(text, "A disclosure")
    if not isinstance(value, list) or len(value) not in (2, 3) or not isinstance(value[0], str):
        raise SdJwtError("A disclosure must be a JSON array [salt, name, value] or [salt, value].", code="disclosure")
    if len(value) == 3 and not isinstance(value[1], str):
        raise SdJwtError("A disclosure's claim name must be a string.", code="disclosure")
    return value


def present(
    compact: str,
    *,
    keep: Callable[[list], bool] | None = None,
    holder_key=None,
    aud: str | None = None,
    nonce: str | None = None,
    iat: int | None = None,
) -> str:
    """The holder's presentation: the disclosures ``keep([salt, name, value] or [salt, value])`` accepts (all
    when ``keep`` is None) and, with ``holder_key``, a Key Binding JWT for ``aud`` and ``nonce``."""
    parts = split(compact)
    kept = [d for d in parts.disclosures if keep is None or keep(decode_disclosure(d))]
    presented = Parts(parts.jwt, kept, "").presented
    if holder_key is None:
        return presented
    claims = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": aud,
        "nonce": nonce,
        "sd_hash": sd_hash(presented),
    }
    return presented + sign_jws({"typ": KB_JWT_TYP}, claims, holder_key)


# --- verifying -----------------------------------------------------------------------------------------


@dataclass
class VerifiedSdJwt:
    header: dict
    claims: dict  # the payload with every presented disclosure put back, without _sd, _sd_alg and digests
    disclosed: list[list] = field(default_factory=list)  # the decoded disclosures presented
    key_binding: dict | None = None  # the Key Binding JWT's claims, when one was checked
    holder_jwk: dict | None = None


def _put_back(value, by_digest: dict[str, list], used: set[str]):
    if isinstance(value, dict):
        out = {}
        digests = value.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise SdJwtError("_sd must be an array of digests.", code="disclosure")
        for name, item in value.items():
            if name in ("_sd", "_sd_alg"):
                continue
            out[name] = _put_back(item, by_digest, used)
        for d in digests:
            if d in used:
                raise SdJwtError("A digest appears more than once in the SD-JWT.", code="disclosure")
            disclosure = by_digest.get(d)
            if disclosure is None:
                used.add(d)  # a decoy or a claim not disclosed
                continue
            used.add(d)
            if len(disclosure) != 3:
                raise SdJwtError("An array-element disclosure is referenced from an object's _sd.", code="disclosure")
            _, name, item = disclosure
            if name in ("_sd", "..."):
                raise SdJwtError(f"A disclosure names the claim {name!r}, which is not allowed.", code="disclosure")
            if name in out:
                raise SdJwtError(f"A disclosure repeats the claim {name!r} that is already there.", code="disclosure")
            out[name] = _put_back(item, by_digest, used)
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict) and set(item) == {"..."}:
                d = item["..."]
                if not isinstance(d, str):
                    raise SdJwtError("An array element digest must be a string.", code="disclosure")
                if d in used:
                    raise SdJwtError("A digest appears more than once in the SD-JWT.", code="disclosure")
                used.add(d)
                disclosure = by_digest.get(d)
                if disclosure is None:
                    continue  # not disclosed (or a decoy): the element is left out
                if len(disclosure) != 2:
                    raise SdJwtError("A claim disclosure is referenced from an array element.", code="disclosure")
                out.append(_put_back(disclosure[1], by_digest, used))
            else:
                out.append(_put_back(item, by_digest, used))
        return out
    return value


def _number(claims: dict, name: str, what: str):
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise SdJwtError(f"The {what}'s {name} must be a number (seconds since 1970).")
    return value


def verify(
    compact: str,
    *,
    issuer_key: Callable[[dict, dict], Ed25519PublicKey],
    typ: str = SD_JWT_VC_TYP,
    require_key_binding: bool = False,
    audience: str | None = None,
    nonce: str | None = None,
    now: float | None = None,
    kb_max_age: int = KB_MAX_AGE,
) -> VerifiedSdJwt:
    """Check an SD-JWT (and its Key Binding JWT). ``issuer_key(header, claims)`` returns the issuer's public
    key for the Issuer-signed JWT (raising SdJwtError when it cannot). With ``require_key_binding`` (or when a
    KB-JWT is present and an ``audience`` or ``nonce`` is expected) the KB-JWT must be there and match."""
    now = time.time() if now is None else now
    parts = split(compact)
    jws = parse_jws(parts.jwt, "issuer-signed JWT")
    if jws.header.get("typ") != typ:
        raise SdJwtError(f"The issuer-signed JWT's typ must be {typ}, not {jws.header.get('typ')!r}.")
    if jws.header.get("alg") != ISSUER_ALG:
        raise SdJwtError(f"The issuer-signed JWT must be signed with {ISSUER_ALG}.", code="signature")
    key = issuer_key(jws.header, jws.claims)
    verify_signature(ISSUER_ALG, key, jws.signing_input, jws.signature, code="signature", what="issuer-signed JWT")

    claims = jws.claims
    sd_alg = claims.get("_sd_alg", SD_ALG)
    if sd_alg != SD_ALG:
        raise SdJwtError(f"The digest algorithm {sd_alg!r} is not supported (only sha-256).", code="disclosure")
    by_digest: dict[str, list] = {}
    decoded = []
    for text in parts.disclosures:
        d = digest(text)
        if d in by_digest:
            raise SdJwtError("The same disclosure is presented twice.", code="disclosure")
        by_digest[d] = decode_disclosure(text)
        decoded.append(by_digest[d])
    used: set[str] = set()
    processed = _put_back(claims, by_digest, used)
    unused = [d for d in by_digest if d not in used]
    if unused:
        raise SdJwtError(
            "A disclosure does not belong to this SD-JWT (its digest is not in the signed payload): it was altered "
            "or added.",
            code="disclosure",
        )
    for name in NEVER_DISCLOSABLE - {"_sd", "_sd_alg", "..."}:
        if any(len(d) == 3 and d[1] == name for d in decoded):
            raise SdJwtError(f"The claim {name} must not be selectively disclosed.", code="disclosure")

    exp, nbf = _number(claims, "exp", "SD-JWT"), _number(claims, "nbf", "SD-JWT")
    if exp is not None and now > exp + CLOCK_SKEW:
        raise SdJwtError("The SD-JWT has expired.", code="expired")
    if nbf is not None and now < nbf - CLOCK_SKEW:
        raise SdJwtError("The SD-JWT is not valid yet.", code="not_yet_valid")

    result = VerifiedSdJwt(header=jws.header, claims=processed, disclosed=decoded)
    cnf = claims.get("cnf")
    result.holder_jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not parts.kb_jwt:
        if require_key_binding:
            raise SdJwtError(
                "A key-binding JWT is required: the holder must sign the presentation with its key.",
                code="key_binding",
            )
        return result
    result.key_binding = _check_key_binding(parts, result.holder_jwk, audience, nonce, now, kb_max_age)
    return result


def _check_key_binding(parts: Parts, holder_jwk, audience, nonce, now: float, max_age: int) -> dict:
    if holder_jwk is None:
        raise SdJwtError("The SD-JWT has no cnf.jwk, so its key-binding JWT cannot be checked.", code="key_binding")
    kb = parse_jws(parts.kb_jwt, "key-binding JWT")
    if kb.header.get("typ") != KB_JWT_TYP:
        raise SdJwtError(f"The key-binding JWT's typ must be {KB_JWT_TYP}.", code="key_binding")
    alg = kb.header.get("alg")
    if alg not in HOLDER_ALGS:
        raise SdJwtError("The key-binding JWT's alg must be EdDSA or ES256.", code="key_binding")
    verify_signature(
        alg,
        key_from_jwk(holder_jwk),
        kb.signing_input,
        kb.signature,
        code="key_binding",
        what="key-binding JWT (it must be signed with the holder's key, cnf.jwk)",
    )
    claims = kb.claims
    if audience is not None and claims.get("aud") != audience:
        raise SdJwtError(
            f"The key-binding JWT is for another audience ({claims.get('aud')!r}), not {audience!r}.", code="audience"
        )
    if nonce is not None and claims.get("nonce") != nonce:
        raise SdJwtError(
            "The key-binding JWT carries another nonce than the one this verifier asked for.", code="nonce"
        )
    if not isinstance(claims.get("nonce"), str) or not isinstance(claims.get("aud"), str):
        raise SdJwtError("The key-binding JWT needs aud and nonce strings.", code="key_binding")
    issued_at = _number(claims, "iat", "key-binding JWT")
    if issued_at is None:
        raise SdJwtError("The key-binding JWT needs an iat.", code="key_binding")
    if issued_at > now + CLOCK_SKEW:
        raise SdJwtError("The key-binding JWT was issued in the future.", code="key_binding")
    if issued_at < now - max_age:
        raise SdJwtError("The key-binding JWT is too old: the holder must sign a fresh presentation.", code="expired")
    if claims.get("sd_hash") != sd_hash(parts.presented):
        raise SdJwtError(
            "The key-binding JWT's sd_hash does not match the presented SD-JWT: disclosures were added or removed "
            "after the holder signed.",
            code="sd_hash",
        )
    return claims
