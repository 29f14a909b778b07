"""microcred.vc.ed25519: libsodium first, OpenSSL when it refuses; what verifies is exactly what OpenSSL accepts."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from microcred import vc
from microcred.vc import ed25519

# Group order L of edwards25519 (RFC 8032 §5.1), little-endian as S is encoded.
L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes([1]) + bytes(31)  # the neutral element's encoding: y = 1, x = 0 (small order)


def openssl_accepts(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def sodium_accepts(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        crypto_sign_open(signature + message, public)
    except BadSignatureError:
        return False
    return True


def ours_accept(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        ed25519.verify(Ed25519PublicKey.from_public_bytes(public), signature, message)
    except InvalidSignature:
        return False
    return True


def test_valid_signatures_verify_and_altered_ones_do_not():
    for _ in range(50):
        key = Ed25519PrivateKey.generate()
        public = key.public_key()
        message = os.urandom(64)
        signature = key.sign(message)
        ed25519.verify(public, signature, message)
        for altered_signature, altered_message in (
            (signature[:-1] + bytes([signature[-1] ^ 1]), message),  # S changed
            (bytes([signature[0] ^ 1]) + signature[1:], message),  # R changed
            (signature, message[:-1] + bytes([message[-1] ^ 0x80])),  # another message
        ):
            with pytest.raises(InvalidSignature):
                ed25519.verify(public, altered_signature, altered_message)
        with pytest.raises(InvalidSignature):
            ed25519.verify(Ed25519PrivateKey.generate().public_key(), signature, message)  # another key


def test_a_signature_only_openssl_accepts_still_verifies():
    """The identity as public key, R the identity and S = 0: the cofactorless equation holds for every message.
    libsodium refuses it (small order), OpenSSL accepts it; the decision stays OpenSSL's."""
    signature = IDENTITY + bytes(32)
    for message in (b"", b"anything", os.urandom(64)):
        assert openssl_accepts(IDENTITY, signature, message)
        assert not sodium_accepts(IDENTITY, signature, message)  # so the fallback is what is exercised here
        assert ours_accept(IDENTITY, signature, message)


def test_edge_cases_are_decided_as_openssl_decides():
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    message = b"edge cases"
    signature = key.sign(message)
    s = int.from_bytes(signature[32:], "little")
    cases = [
        (public, signature, message),
        (public, signature[:32] + (s + L).to_bytes(32, "little"), message),  # S + L: the same point, S not < L
        (public, signature[:32] + (L - 1).to_bytes(32, "little"), message),
        (public, bytes(64), message),
        (IDENTITY, IDENTITY + bytes(32), message),  # small-order key
        (IDENTITY, IDENTITY + (1).to_bytes(32, "little"), message),
        (public, IDENTITY + bytes(32), message),  # small-order R
        (bytes(32), bytes(64), message),  # y = 0: a point of order 4
    ]
    for case in cases:
        try:
            expected = openssl_accepts(*case)
        except ValueError:  # not a point OpenSSL decodes: nothing to compare
            continue
        assert ours_accept(*case) is expected, case


def test_without_libsodium_openssl_decides_alone(monkeypatch):
    monkeypatch.setattr(ed25519, "_sodium_open", None)
    key = Ed25519PrivateKey.generate()
    signature = key.sign(b"m")
    ed25519.verify(key.public_key(), signature, b"m")
    with pytest.raises(InvalidSignature):
        ed25519.verify(key.public_key(), signature, b"n")
    assert ours_accept(IDENTITY, IDENTITY + bytes(32), b"m")


def test_credentials_verify_through_it(monkeypatch):
    """The cryptosuites check signatures with ed25519.verify: a credential signed under a key libsodium refuses
    would not verify if they asked libsodium alone."""
    calls = []
    real = ed25519.verify

    def spy(public_key, signature, message):
        calls.append(message)
        return real(public_key, signature, message)

    monkeypatch.setattr(ed25519, "verify", spy)
    key = vc.generate_private_key()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": vc.did_key(key),
        "credentialSubject": {"id": "did:example:learner"},
    }
    for cryptosuite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = vc.sign(document, key, vc.did_key_verification_method_id(key), cryptosuite=cryptosuite)
        assert vc.verify(signed, lambda _vm: key.public_key()).verified
    assert len(calls) == 2
