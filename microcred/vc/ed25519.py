"""Ed25519 verification (RFC 8032 §5.1.7) that accepts exactly what OpenSSL accepts, in about half its time.

Every Ed25519 signature the signing core checks goes through :func:`verify`. It asks libsodium (PyNaCl) first,
and OpenSSL (through ``cryptography``, the library that signs) only when libsodium refuses:

* Both decide by the same computation. With k = SHA-512(R ‖ A ‖ M) over the bytes given, S must be below the
  group order L, and the encoding of [S]B − [k]A must equal the 32 bytes of R (the cofactorless equation).
* libsodium refuses more besides: a public key or an R of small order, and a public key that is not canonically
  encoded. OpenSSL accepts those whenever the equation holds (with the identity as public key, R the identity
  and S = 0 verify for any message).

So a signature libsodium accepts, OpenSSL accepts too; one that libsodium refuses is decided by OpenSSL. What
verifies is OpenSSL's set, unchanged (tests/test_vc_ed25519.py checks the cases where the two differ), and a
valid signature, the common case, costs libsodium's time: 54 µs against 105 µs on the development machine. A
signature that does not verify costs both. Without PyNaCl installed, OpenSSL decides alone.

Signing stays with OpenSSL: the private key never leaves ``cryptography``'s key object.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

try:
    from nacl.bindings import crypto_sign_open as _sodium_open
except ImportError:  # pragma: no cover - PyNaCl is in requirements/base.txt; without it OpenSSL decides alone
    _sodium_open = None

SIGNATURE_BYTES = 64


def verify(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> None:
    """Return if ``signature`` is ``public_key``'s Ed25519 signature of ``message``; raise ``cryptography``'s
    ``InvalidSignature`` otherwise (as ``Ed25519PublicKey.verify`` does, whose decision this is)."""
    if _sodium_accepts(public_key, signature, message):
        return
    public_key.verify(signature, message)


def _sodium_accepts(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    if _sodium_open is None or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        _sodium_open(bytes(signature) + bytes(message), public_key.public_bytes_raw())
    except Exception:  # refused, or not in a form libsodium takes: OpenSSL decides
        return False
    return True
