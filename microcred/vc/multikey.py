"""Ed25519 keys as Multikey values, base58btc/multibase, ``did:key`` and ``did:web``.

* public key  → ``publicKeyMultibase`` = ``"z" + base58btc(0xed 0x01 ‖ 32 bytes)`` (always ``z6Mk…``)
* private key → ``secretKeyMultibase`` = ``"z" + base58btc(0x80 0x26 ‖ 32-byte seed)`` (always ``z3u2…``)
"""

from __future__ import annotations

import re
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ._speedups import compiled
from .exceptions import InvalidKey

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}
_B58_PAIRS = [high + low for high in _B58_ALPHABET for low in _B58_ALPHABET]  # the two digits of 0..58²-1
_B58_PAIR_INDEX = {pair: i for i, pair in enumerate(_B58_PAIRS)}
MAX_BASE58_LENGTH = 4096


# --- base58btc / multibase --------------------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (leading zero bytes become leading ``1``); compiled where it is built."""
    if compiled is not None:
        return compiled.base58_encode(data)
    return _base58btc_encode(data)


def _base58btc_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number >= 58:  # two digits per division (half the big-integer divisions)
        number, rem = divmod(number, 3364)
        out.append(_B58_PAIRS[rem])
    if number:
        out.append(_B58_ALPHABET[number])
    # the leading pair may start with a zero digit ("1"), which is not part of the number
    return "1" * zeros + "".join(reversed(out)).lstrip("1")


def base58btc_decode(text: str) -> bytes:
    """Inverse of :func:`base58btc_encode`; raises :class:`InvalidKey` on a bad character."""
    if not isinstance(text, str) or len(text) > MAX_BASE58_LENGTH:
        raise InvalidKey("The base58 value is not a string of reasonable length.")
    if compiled is not None:
        decoded = compiled.base58_decode(text)
        if decoded is not None:
            return decoded
    return _base58btc_decode(text)  # (which names the character that is not base58btc)


def _base58btc_decode(text: str) -> bytes:
    number = 0
    index, pairs = _B58_INDEX, _B58_PAIR_INDEX
    odd = len(text) % 2
    if odd:
        number = index.get(text[0], -1)
        if number < 0:
            raise InvalidKey(f"{text[0]!r} is not a base58btc character.")
    for i in range(odd, len(text), 2):  # two digits per multiplication (half the big-integer operations)
        pair = pairs.get(text[i : i + 2])
        if pair is None:
            bad = next(ch for ch in text[i : i + 2] if ch not in index)
            raise InvalidKey(f"{bad!r} is not a base58btc character.")
        number = number * 3364 + pair
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc (``z`` prefix)."""
    return "z" + base58btc_encode(data)


def multibase_decode(value: str) -> bytes:
    """Decode a base58btc multibase value (``z`` prefix only)."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise InvalidKey("Expected a base58btc multibase value (starting with 'z').")
    return base58btc_decode(value[1:])


# --- keys -------------------------------------------------------------------------------------------


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_bytes(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidKey("Expected an Ed25519 key.")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key_seed(key: Ed25519PrivateKey) -> bytes:
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidKey("Expected an Ed25519 private key.")
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """From the 32-byte seed (or the 64-byte seed ‖ public key form; the public half is checked)."""
    if len(seed) == 64:
        key = Ed25519PrivateKey.from_private_bytes(seed[:32])
        if public_key_bytes(key) != seed[32:]:
            raise InvalidKey("The 64-byte private key's public half does not match its seed.")
        return key
    if len(seed) != 32:
        raise InvalidKey("An Ed25519 private key seed is 32 bytes.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_from_bytes(raw: bytes) -> Ed25519PublicKey:
    if len(raw) != 32:
        raise InvalidKey("An Ed25519 public key is 32 bytes.")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise InvalidKey("Not a valid Ed25519 public key.") from exc


def public_key_to_multibase(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """``z6Mk…`` Multikey value of an Ed25519 public key."""
    return multibase_encode(ED25519_PUB_PREFIX + public_key_bytes(key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Parse a ``z6Mk…`` Multikey; any multicodec other than 0xed01 is refused."""
    raw = multibase_decode(value)
    if len(raw) != 34 or raw[:2] != ED25519_PUB_PREFIX:
        raise InvalidKey("The Multikey is not an Ed25519 public key (multicodec 0xed01, 32 bytes).")
    return public_key_from_bytes(raw[2:])


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
    """``z3u2…`` secretKeyMultibase of an Ed25519 private key (keep it secret)."""
    return multibase_encode(ED25519_PRIV_PREFIX + private_key_seed(key))


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    raw = multibase_decode(value)
    if len(raw) != 34 or raw[:2] != ED25519_PRIV_PREFIX:
        raise InvalidKey("The secret Multikey is not an Ed25519 private key (multicodec 0x8026, 32 bytes).")
    return private_key_from_seed(raw[2:])


# --- DIDs -------------------------------------------------------------------------------------------


def multikey_verification_method(vm_id: str, controller: str, key) -> dict:
    """A ``Multikey`` verification method object."""
    return {
        "id": vm_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_key_to_multibase(key),
    }


def did_key(key) -> str:
    """``did:key:z6Mk…`` of an Ed25519 public (or private) key."""
    return "did:key:" + public_key_to_multibase(key)


def did_key_verification_method_id(key) -> str:
    mb = public_key_to_multibase(key)
    return f"did:key:{mb}#{mb}"


def did_key_document(key) -> dict:
    """DID document for a ``did:key`` (the Multikey form of the did:key method)."""
    did = did_key(key)
    vm_id = did_key_verification_method_id(key)
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [multikey_verification_method(vm_id, did, key)],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def public_key_from_did_key(did_or_vm: str) -> Ed25519PublicKey:
    """The public key named by a ``did:key`` DID or verification method id (fragment checked)."""
    if not isinstance(did_or_vm, str) or not did_or_vm.startswith("did:key:"):
        raise InvalidKey("Not a did:key identifier.")
    did, _, fragment = did_or_vm.partition("#")
    mb = did[len("did:key:") :]
    if fragment and fragment != mb:
        raise InvalidKey("The did:key fragment does not match the key.")
    return public_key_from_multibase(mb)


_HOST = re.compile(r"^[A-Za-z0-9.\-]+$")
_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9._~\-]+$")


def did_web(host: str, path: str | list[str] | tuple[str, ...] = (), port: int | None = None) -> str:
    """``did:web`` identifier for ``host`` (optionally ``host:port``) and an optional path.

    ``did_web("localhost", "issuers/ub", port=8000)`` → ``did:web:localhost%3A8000:issuers:ub``
    (resolves to ``https://localhost:8000/issuers/ub/did.json``).
    """
    if ":" in host and port is None:
        host, _, port_text = host.partition(":")
        port = int(port_text)
    if not host or not _HOST.match(host):
        raise ValueError(f"{host!r} is not a valid host name for did:web.")
    segments = [s for s in (path.split("/") if isinstance(path, str) else list(path)) if s]
    for seg in segments:
        if not _PATH_SEGMENT.match(seg):
            raise ValueError(f"Path segment {seg!r} is not allowed in a did:web identifier.")
    authority = host.lower() + (quote(f":{port}", safe="") if port is not None else "")
    return ":".join(["did:web", authority, *segments])


def did_web_document_url(did: str) -> str:
    """The HTTPS URL where a ``did:web`` document is published."""
    if not did.startswith("did:web:"):
        raise ValueError("Not a did:web identifier.")
    parts = did[len("did:web:") :].split(":")
    authority = parts[0].replace("%3A", ":").replace("%3a", ":")
    if len(parts) == 1:
        return f"https://{authority}/.well-known/did.json"
    return f"https://{authority}/{'/'.join(parts[1:])}/did.json"


def did_web_document(did: str, keys: list[tuple[str, object]], assertion_keys: list[str] | None = None) -> dict:
    """DID document with several Ed25519 verification methods (old keys kept for rotation).

    ``keys`` is a list of ``(fragment, public_key)``; every verification method's ``controller`` is
    ``did``. ``assertion_keys`` lists the fragments allowed for ``assertionMethod`` (default: all, so
    credentials signed with an old key still verify).
    """
    methods = []
    fragments = []
    for fragment, key in keys:
        fragment = fragment.lstrip("#")
        if not fragment or fragment in fragments:
            raise ValueError("Verification method fragments must be non-empty and unique.")
        fragments.append(fragment)
        methods.append(multikey_verification_method(f"{did}#{fragment}", did, key))
    allowed = fragments if assertion_keys is None else [f.lstrip("#") for f in assertion_keys]
    unknown = set(allowed) - set(fragments)
    if unknown:
        raise ValueError(f"Unknown verification methods in assertion_keys: {sorted(unknown)}")
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [f"{did}#{f}" for f in allowed],
    }
