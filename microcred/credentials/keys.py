"""Encryption of issuer private keys at rest with a key-encryption key (KEK) from the environment.

* ``CREDENTIAL_KEK`` = 32 random bytes, base64 or base64url encoded (generate one with
  ``python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"``).
* Each private key (the 32-byte Ed25519 seed) is sealed with AES-256-GCM; the associated data binds the
  ciphertext to its issuer and key number, so a sealed key copied onto another row does not decrypt.
* The stored value is ``aesgcm1$<kek id>$<base64url(nonce ‖ ciphertext ‖ tag)>``; the KEK id (a keyed hash
  of the KEK, not the KEK) lets a wrong KEK be reported as such instead of as a corrupt key.
* In the embedded default (``DEBUG`` on, no ``CREDENTIAL_KEK``), a development KEK is generated once and
  kept in ``VAR_DIR/credential-kek.dev`` with a warning. Never use that in production.
* Rotating the KEK without downtime (docs/operations.md, "Key custody"): every process gets the new KEK as
  ``CREDENTIAL_KEK`` and the old one in ``CREDENTIAL_KEK_PREVIOUS`` (comma-separated; accepted only to
  *open* keys, never to seal), ``manage.py rotate_kek`` re-seals every issuer key under the current KEK, then
  the old KEK is removed from the environment: a key still sealed under it is then refused, naming its KEK id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from microcred.core.exceptions import DomainError

logger = logging.getLogger(__name__)

KEK_BYTES = 32
FORMAT = "aesgcm1"
DEV_KEK_FILENAME = "credential-kek.dev"
GENERATE_HINT = (
    'Generate one with: python -c "import base64, secrets; '
    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
)


class KeyEncryptionKeyError(DomainError):
    """The key-encryption key (CREDENTIAL_KEK) is missing or does not open the issuer keys; nothing can be signed."""

    code = "credential_kek"
    status = 503


def _decode_kek(text: str) -> bytes:
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    for decoder in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decoder(padded)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == KEK_BYTES:
            return raw
    raise KeyEncryptionKeyError(
        f"CREDENTIAL_KEK must be {KEK_BYTES} random bytes, base64-encoded (44 characters). {GENERATE_HINT}"
    )


def dev_kek_path() -> Path:
    return Path(settings.VAR_DIR) / DEV_KEK_FILENAME


def _dev_kek() -> bytes:
    path = dev_kek_path()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode_kek(path.read_text(encoding="ascii"))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.urlsafe_b64encode(secrets.token_bytes(KEK_BYTES)).decode("ascii"))
    logger.warning(
        "CREDENTIAL_KEK is not set: generated a DEVELOPMENT key-encryption key in %s (DEBUG only). "
        "Set CREDENTIAL_KEK in production.",
        path,
    )
    return _decode_kek(path.read_text(encoding="ascii"))


def using_dev_kek() -> bool:
    return not getattr(settings, "CREDENTIAL_KEK", "") and bool(settings.DEBUG)


def get_kek() -> bytes:
    """The KEK from ``CREDENTIAL_KEK``, or the development KEK under DEBUG; otherwise a clear error."""
    configured = getattr(settings, "CREDENTIAL_KEK", "") or ""
    if configured:
        return _decode_kek(configured)
    if settings.DEBUG:
        return _dev_kek()
    raise KeyEncryptionKeyError(
        "CREDENTIAL_KEK is not set, so issuer keys cannot be created or opened and nothing can be signed. "
        + GENERATE_HINT
    )


def previous_keks() -> list[bytes]:
    """The KEKs of ``CREDENTIAL_KEK_PREVIOUS``: accepted to open issuer keys during a rotation, never to seal."""
    configured = getattr(settings, "CREDENTIAL_KEK_PREVIOUS", None) or []
    if isinstance(configured, str):
        configured = [item for item in configured.split(",") if item.strip()]
    try:
        return [_decode_kek(item) for item in configured]
    except KeyEncryptionKeyError as exc:
        raise KeyEncryptionKeyError("CREDENTIAL_KEK_PREVIOUS: " + exc.message) from exc


def known_keks() -> dict[str, bytes]:
    """Every KEK that may open an issuer key, by KEK id: the current one first, then the previous ones."""
    current = get_kek()
    keks = {kek_id(current): current}
    for previous in previous_keks():
        keks.setdefault(kek_id(previous), previous)
    return keks


def sealed_kek_id(sealed: str) -> str:
    """The KEK id a sealed value names (raises KeyEncryptionKeyError if it is not in a known format)."""
    parts = sealed.split("$") if isinstance(sealed, str) else []
    if len(parts) != 3 or parts[0] != FORMAT:
        raise KeyEncryptionKeyError("A stored issuer key is not in a known encrypted format.")
    return parts[1]


def kek_id(kek: bytes) -> str:
    """A short public identifier of a KEK (keyed hash; reveals nothing about the KEK)."""
    return hmac.new(kek, b"microcred credential KEK id", hashlib.sha256).hexdigest()[:16]


def seal(secret: bytes, associated_data: str, kek: bytes | None = None) -> str:
    kek = kek if kek is not None else get_kek()
    nonce = secrets.token_bytes(12)
    ciphertext = AESGCM(kek).encrypt(nonce, secret, associated_data.encode("utf-8"))
    body = base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii").rstrip("=")
    return f"{FORMAT}${kek_id(kek)}${body}"


def unseal(sealed: str, associated_data: str, kek: bytes | None = None) -> bytes:
    """Open a sealed key with ``kek``, or else with whichever configured KEK (current or previous) sealed it."""
    sealed_id = sealed_kek_id(sealed)
    if kek is None:
        keks = known_keks()
        kek = keks.get(sealed_id)
        if kek is None:
            current_id, *previous_ids = keks
            raise KeyEncryptionKeyError(
                f"An issuer key is sealed under the unknown KEK id {sealed_id}: CREDENTIAL_KEK is not the "
                f"key-encryption key the issuer keys were sealed with (configured KEK id {current_id}"
                + (f"; CREDENTIAL_KEK_PREVIOUS ids {', '.join(previous_ids)}" if previous_ids else "")
                + "), so nothing can be signed with it. Set CREDENTIAL_KEK (or, during a KEK rotation, "
                "CREDENTIAL_KEK_PREVIOUS) to the KEK with that id."
            )
    elif sealed_id != kek_id(kek):
        raise KeyEncryptionKeyError(
            "CREDENTIAL_KEK is not the key-encryption key the issuer keys were sealed with "
            f"(expected KEK id {sealed_id}, configured KEK id {kek_id(kek)}); nothing can be signed."
        )
    body = sealed.split("$")[2]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return AESGCM(kek).decrypt(raw[:12], raw[12:], associated_data.encode("utf-8"))
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise KeyEncryptionKeyError(
            "An issuer key could not be decrypted with CREDENTIAL_KEK (tampered or moved ciphertext)."
        ) from exc
