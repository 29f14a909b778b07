"""Signers: what makes the Ed25519 signature of a Data Integrity proof.

:func:`microcred.vc.sign` needs only something that signs bytes and names its public key, so an issuer key can
live in software (the default, :class:`SoftwareSigner`), in a hardware security module (PKCS#11 ``CKM_EDDSA``)
or in a cloud KMS, behind the same interface. A signer never hands out its private key.

A signer's signature is checked against its ``public_key`` before it goes into a proof: a misconfigured HSM
slot or KMS key (another key, another algorithm) is refused with :class:`~microcred.vc.InvalidKey` rather than
producing credentials that nobody can verify. The one exception is :class:`SoftwareSigner` itself, whose public
key is derived from the very private key that signs (one in-memory key pair, RFC 8032 §5.1.5): there is no
separately configured key to disagree with, and checking would cost a verification (about three signatures'
worth of time) on every credential.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import ed25519
from .exceptions import InvalidKey
from .multikey import private_key_from_multibase

ED25519_SIGNATURE_BYTES = 64


@runtime_checkable
class Signer(Protocol):
    """Signs with one Ed25519 key (RFC 8032, pure Ed25519) it keeps to itself."""

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public key a verifier checks the signatures with."""
        ...

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        ...


class SoftwareSigner:
    """The default signer: an Ed25519 private key held in this process's memory."""

    def __init__(self, private_key: Ed25519PrivateKey):
        if not isinstance(private_key, Ed25519PrivateKey):
            raise InvalidKey("A software signer needs an Ed25519 private key.")
        self._private_key = private_key
        self._public_key: Ed25519PublicKey | None = None

    @property
    def public_key(self) -> Ed25519PublicKey:
        # computed when first asked for: signing with a key passed as it is wraps it anew each time, and
        # signing never needs it (checked_signature trusts this class, see the module docstring)
        if self._public_key is None:
            self._public_key = self._private_key.public_key()
        return self._public_key

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    def __repr__(self) -> str:  # never the key
        return "<SoftwareSigner Ed25519>"


def as_signer(key) -> Signer:
    """A :class:`Signer` for ``key``: a signer as it is, an Ed25519 private key or a ``z3u2…`` secretKeyMultibase
    wrapped in a :class:`SoftwareSigner`."""
    if type(key) is SoftwareSigner:  # the common case, before the (slow) structural check of the protocol
        return key
    if isinstance(key, Ed25519PrivateKey):
        return SoftwareSigner(key)
    if isinstance(key, str):
        return SoftwareSigner(private_key_from_multibase(key))
    if isinstance(key, Signer) and isinstance(key.public_key, Ed25519PublicKey):
        return key
    raise InvalidKey(
        "The signing key must be an Ed25519 private key, a z3u2… secretKeyMultibase or a signer "
        "(sign(data) -> bytes and an Ed25519 public_key)."
    )


def checked_signature(signer: Signer, data: bytes) -> bytes:
    """``signer``'s signature of ``data``, refused unless it is an Ed25519 signature its public key verifies.

    A :class:`SoftwareSigner` (exactly that class, not a subclass that may sign otherwise) is trusted without the
    check: its public key is computed from its private key (see the module docstring)."""
    signature = signer.sign(data)
    if type(signer) is SoftwareSigner:
        return signature
    if not isinstance(signature, bytes | bytearray) or len(signature) != ED25519_SIGNATURE_BYTES:
        raise InvalidKey(f"The signer {signer!r} did not return a 64-byte Ed25519 signature.")
    signature = bytes(signature)
    try:
        ed25519.verify(signer.public_key, signature, data)
    except InvalidSignature:
        raise InvalidKey(f"The signature of {signer!r} does not verify under its own public key.") from None
    return signature
