"""Bitstring Status List v1.0 (W3C Recommendation, 15 May 2025).

* bit order: index 0 is the left-most (most significant) bit of the first byte;
* ``encodedList`` = multibase base64url without padding (``u`` prefix) of the GZIP (RFC 1952)
  compressed bitstring; the uncompressed list has at least 131,072 entries (16 KiB);
* decoding refuses anything that inflates beyond a size limit (decompression bombs).
"""

from __future__ import annotations

import base64
import gzip
import io
import zlib

from .exceptions import StatusListError

MIN_ENTRIES = 131_072
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # 128 Mi entries; far above any real list
STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")


class BitstringStatusList:
    """A mutable list of status bits (``status_size`` bits per entry, default 1)."""

    __slots__ = ("_bits", "length", "status_size")

    def __init__(self, length: int = MIN_ENTRIES, status_size: int = 1, *, _bits: bytearray | None = None):
        if status_size < 1 or status_size > 8:
            raise StatusListError("statusSize must be between 1 and 8 bits.")
        if length < MIN_ENTRIES:
            raise StatusListError(f"A status list must have at least {MIN_ENTRIES} entries.")
        total_bits = length * status_size
        nbytes = (total_bits + 7) // 8
        self._bits = _bits if _bits is not None else bytearray(nbytes)
        if len(self._bits) != nbytes:
            raise StatusListError("Internal error: bitstring size mismatch.")
        self.length = length
        self.status_size = status_size

    def _check_index(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.length:
            raise StatusListError(f"Status list index {index!r} is outside 0..{self.length - 1}.")

    def get_bit(self, bit_index: int) -> bool:
        return bool(self._bits[bit_index >> 3] & (0x80 >> (bit_index & 7)))

    def set_bit(self, bit_index: int, value: bool) -> None:
        mask = 0x80 >> (bit_index & 7)
        if value:
            self._bits[bit_index >> 3] |= mask
        else:
            self._bits[bit_index >> 3] &= ~mask & 0xFF

    def get(self, index: int) -> int:
        """Status value of entry ``index`` (0/1 for 1-bit lists)."""
        self._check_index(index)
        value = 0
        start = index * self.status_size
        for i in range(self.status_size):
            value = (value << 1) | self.get_bit(start + i)
        return value

    def set(self, index: int, value: int | bool = 1) -> None:
        """Set entry ``index`` to ``value`` (``True``/``1`` = revoked/suspended for 1-bit lists)."""
        self._check_index(index)
        value = int(value)
        if not 0 <= value < (1 << self.status_size):
            raise StatusListError(f"Status value {value} does not fit in {self.status_size} bit(s).")
        start = index * self.status_size
        for i in range(self.status_size):
            self.set_bit(start + i, bool(value >> (self.status_size - 1 - i) & 1))

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value (``u`` + base64url(gzip(bits)), no padding)."""
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(
        cls,
        encoded_list: str,
        status_size: int = 1,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_entries: int = MIN_ENTRIES,
    ) -> BitstringStatusList:
        """Parse an ``encodedList``; refuses bad encodings, short lists and decompression bombs."""
        raw = decode_encoded_list(encoded_list, max_bytes=max_bytes)
        length = len(raw) * 8 // status_size
        if length < min_entries:
            raise StatusListError(
                f"The status list has {length} entries; at least {min_entries} are required (STATUS_LIST_LENGTH_ERROR)."
            )
        return cls(length, status_size, _bits=bytearray(raw[: (length * status_size + 7) // 8]))


def decode_encoded_list(encoded_list: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Multibase-base64url-decode and gunzip an ``encodedList`` without inflating more than ``max_bytes``."""
    if not isinstance(encoded_list, str) or not encoded_list:
        raise StatusListError("encodedList must be a non-empty string.")
    if encoded_list[0] != "u":
        # Older lists (StatusList2021) had no multibase prefix; BSL v1.0 requires 'u'.
        raise StatusListError("encodedList must be multibase base64url (start with 'u').")
    body = encoded_list[1:]
    if len(body) > 4 * max_bytes:
        raise StatusListError("encodedList is too long.")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError) as exc:
        raise StatusListError("encodedList is not valid base64url.") from exc
    if compressed[:2] != b"\x1f\x8b":
        raise StatusListError("encodedList is not GZIP-compressed.")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = io.BytesIO()
        data = inflater.decompress(compressed, max_bytes + 1)
        out.write(data)
        if out.tell() > max_bytes or inflater.unconsumed_tail:
            raise StatusListError(f"The status list inflates to more than {max_bytes} bytes; refused.")
        if not inflater.eof:
            raise StatusListError("The GZIP data of encodedList is truncated.")
    except zlib.error as exc:
        raise StatusListError("The GZIP data of encodedList is corrupt.") from exc
    return out.getvalue()


def status_list_credential(
    list_url: str,
    issuer: str | dict,
    status_list: BitstringStatusList,
    status_purpose: str = "revocation",
    *,
    valid_from: str | None = None,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
    extra_contexts: list[str] | None = None,
) -> dict:
    """The unsigned ``BitstringStatusListCredential`` for ``status_list`` (sign it with ``sign``)."""
    if status_purpose not in STATUS_PURPOSES:
        raise StatusListError(f"Unknown statusPurpose {status_purpose!r}.")
    subject = {
        "id": list_url + "#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": status_list.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", *(extra_contexts or [])],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from:
        credential["validFrom"] = valid_from
    if valid_until:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


def status_list_entry(list_url: str, index: int, status_purpose: str = "revocation") -> dict:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus`` (OB: a single object)."""
    if status_purpose not in STATUS_PURPOSES:
        raise StatusListError(f"Unknown statusPurpose {status_purpose!r}.")
    if not isinstance(index, int) or index < 0:
        raise StatusListError("statusListIndex must be a non-negative integer.")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
