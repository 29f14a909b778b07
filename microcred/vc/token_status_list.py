"""Token Status List (draft-ietf-oauth-status-list): the status of SD-JWT VCs, from the bits of a Bitstring list.

A Status List Token is a JWT (``typ: statuslist+jwt``) whose ``status_list`` holds ``bits`` (1 here: valid or
invalid) and ``lst``, the base64url (no padding) of the ZLIB (RFC 1950) compressed byte array, in which index
0 is the *least* significant bit of the first byte (Token Status List §4.1). Its ``sub`` is the URI it is
served at, which the Referenced Token names in ``status.status_list.uri`` with its ``idx``; ``iat`` and
``ttl`` (seconds a verifier may cache it) are set, ``exp`` only when asked.

We publish one per Bitstring Status List, made from the *same* bits: W3C Bitstring Status List counts from the
*most* significant bit of the first byte, so every byte's bits are reversed (:func:`bytes_from_bitstring`), and
a revocation set in the Bitstring list is the same index set in the token. Status values (§7.1): 0 VALID,
1 INVALID, 2 SUSPENDED.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from .bitstring import BitstringStatusList
from .sd_jwt import SdJwtError, b64url_decode, b64url_encode, parse_jws, sign_jws, verify_signature

TYP = "statuslist+jwt"
VALID, INVALID, SUSPENDED = 0, 1, 2
MAX_BYTES = 16 * 1024 * 1024
_REVERSED = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


class StatusListTokenError(SdJwtError):
    """A Status List Token is malformed, not signed by the issuer, for another URI, expired or too short."""

    default_message = "The status list token is not valid."


def bytes_from_bitstring(bits: BitstringStatusList) -> bytes:
    """The Token Status List byte array (bits: 1) with the same statuses as a 1-bit Bitstring Status List."""
    if bits.status_size != 1:
        raise StatusListTokenError("Only 1-bit status lists are published as Status List Tokens.")
    return bits.to_bytes().translate(_REVERSED)


def encode_lst(raw: bytes) -> str:
    return b64url_encode(zlib.compress(raw, 9))


def decode_lst(lst: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The byte array of ``lst``, refusing anything that inflates beyond ``max_bytes`` (decompression bombs)."""
    data = b64url_decode(lst, "The status list lst")
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListTokenError("The status list lst is not ZLIB-compressed data.") from exc
    if len(raw) > max_bytes or inflater.unconsumed_tail:
        raise StatusListTokenError("The status list is too large.")
    if not inflater.eof:
        raise StatusListTokenError("The status list lst is truncated.")
    return raw


@dataclass(frozen=True)
class TokenStatusList:
    bits: int
    raw: bytes

    @property
    def size(self) -> int:
        return len(self.raw) * 8 // self.bits

    def get(self, index: int) -> int:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusListTokenError(f"The status index {index!r} is outside the list (0..{self.size - 1}).")
        position = index * self.bits
        byte = self.raw[position // 8]
        return (byte >> (position % 8)) & ((1 << self.bits) - 1)


def status_list_token(
    uri: str, bits: BitstringStatusList, *, signer, kid: str, iat: int, ttl: int | None = None, exp: int | None = None
) -> str:
    """The signed Status List Token served at ``uri`` (its ``sub``), with the statuses of ``bits``.

    Deterministic for the same inputs (Ed25519 signatures are): with ``iat`` taken from when the list last
    changed, every process serves byte-identical tokens, so ETags agree behind a CDN."""
    claims = {
        "sub": uri,
        "iat": int(iat),
        "status_list": {"bits": 1, "lst": encode_lst(bytes_from_bitstring(bits))},
    }
    if exp is not None:
        claims["exp"] = int(exp)
    if ttl is not None:
        claims["ttl"] = int(ttl)
    return sign_jws({"typ": TYP, "kid": kid}, claims, signer)


def read_status_list_token(
    token: str,
    *,
    uri: str,
    issuer_key: Callable[[dict, dict], object],
    now: float | None = None,
) -> TokenStatusList:
    """Check a Status List Token (§8.3): ``typ``, EdDSA signature with the key ``issuer_key(header, claims)``
    returns, ``sub`` equal to the ``uri`` the credential named, not expired; → its list."""
    now = time.time() if now is None else now
    if not isinstance(token, str) or len(token) > 4 * MAX_BYTES:
        raise StatusListTokenError("The status list token must be a compact JWT.")
    try:
        jws = parse_jws(token.strip(), "status list token")
    except SdJwtError as exc:
        raise StatusListTokenError(exc.message) from exc
    if jws.header.get("typ") != TYP:
        raise StatusListTokenError(f"The status list token's typ must be {TYP}.")
    if jws.header.get("alg") != "EdDSA":
        raise StatusListTokenError("The status list token must be signed with EdDSA.")
    key = issuer_key(jws.header, jws.claims)
    try:
        verify_signature("EdDSA", key, jws.signing_input, jws.signature, code="signature", what="status list token")
    except SdJwtError as exc:
        raise StatusListTokenError(exc.message, code="signature") from exc
    claims = jws.claims
    if claims.get("sub") != uri:
        raise StatusListTokenError("The status list token is for another URI than the credential names (sub).")
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or now > exp):
        raise StatusListTokenError("The status list token has expired.", code="expired")
    status_list = claims.get("status_list")
    if not isinstance(status_list, dict) or status_list.get("bits") not in (1, 2, 4, 8):
        raise StatusListTokenError("The status list token has no valid status_list (bits 1, 2, 4 or 8).")
    if not isinstance(status_list.get("lst"), str):
        raise StatusListTokenError("The status list token's status_list has no lst.")
    return TokenStatusList(bits=status_list["bits"], raw=decode_lst(status_list["lst"]))
