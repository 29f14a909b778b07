"""Escrow envelopes: an issuer's Ed25519 private key encrypted to an operator's public key.

Framework-free (only ``cryptography``), so an escrowed key can be opened on an offline machine without the
platform: ``python -m microcred.credentials.escrow ENVELOPE --private-key operator.pem --out issuer-key.pem``.

The envelope is JSON::

    {"format": "microcred-issuer-key-escrow/1",
     "issuer": "ub", "did": "did:web:…", "verificationMethod": "did:web:…#key-1", "keyNumber": 1,
     "publicKeyMultibase": "z6Mk…", "exportedAt": "2026-12-03T12:00:00Z",
     "recipient": {"algorithm": "RSA-OAEP-256+A256GCM" | "X25519-HKDF-SHA256+A256GCM",
                   "publicKeySha256": "<hex SHA-256 of the recipient's SubjectPublicKeyInfo DER>"},
     "encryptedKey": "<base64url>",     # RSA-OAEP (SHA-256): the AES-256 content key
     "ephemeralPublicKey": "<base64url>",  # X25519: the sender's one-time public key (instead of encryptedKey)
     "nonce": "<base64url 12 bytes>", "ciphertext": "<base64url AES-256-GCM of the PKCS#8 PEM key>"}

The AES-GCM associated data is the canonical JSON of every member but ``ciphertext``, ``encryptedKey``,
``ephemeralPublicKey`` and ``nonce``: changing the issuer, key number or public key named in the envelope makes
it fail to open. Opening checks that the key inside has the public key the envelope names.

Recipients: an RSA public key of at least 3072 bits (RSA-OAEP with SHA-256 wraps a random AES-256 key), or an
X25519 public key (ephemeral-static ECDH, HKDF-SHA256 derives the AES-256 key). Make one with
``openssl genpkey -algorithm X25519 -out operator.pem && openssl pkey -in operator.pem -pubout -out operator.pub.pem``
or ``openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 …``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import secrets
import sys
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = "microcred-issuer-key-escrow/1"
RSA_OAEP = "RSA-OAEP-256+A256GCM"
X25519_HKDF = "X25519-HKDF-SHA256+A256GCM"
MIN_RSA_BITS = 3072
MAX_ENVELOPE_BYTES = 64 * 1024  # an envelope is about 1 KB (2 KB with an RSA-4096 recipient)
_HKDF_INFO = b"microcred issuer-key escrow v1"
_SECRET_MEMBERS = ("ciphertext", "encryptedKey", "ephemeralPublicKey", "nonce")


class EscrowError(ValueError):
    """An escrow envelope cannot be made or opened (the message says why)."""


@dataclass(frozen=True)
class OpenedEnvelope:
    private_key: Ed25519PrivateKey
    header: dict  # the envelope without its encrypted members


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text, name: str) -> bytes:
    if not isinstance(text, str):
        raise EscrowError(f"The envelope's {name} is missing.")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EscrowError(f"The envelope's {name} is not base64url.") from exc


def _associated_data(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def public_key_fingerprint(public_key) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def load_recipient(pem: bytes):
    """The operator's public key from PEM (a public key, or a certificate's), RSA ≥ 3072 bits or X25519."""
    try:
        public_key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        try:
            from cryptography import x509

            public_key = x509.load_pem_x509_certificate(pem).public_key()
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise EscrowError("The recipient is not a PEM public key (or certificate).") from exc
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < MIN_RSA_BITS:
            raise EscrowError(f"The recipient's RSA key has {public_key.key_size} bits; at least {MIN_RSA_BITS}.")
        return public_key
    if isinstance(public_key, x25519.X25519PublicKey):
        return public_key
    raise EscrowError(f"The recipient's key is a {type(public_key).__name__}: use an RSA (≥ 3072 bits) or X25519 key.")


def _x25519_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_HKDF_INFO).derive(shared)


def _raw(public_key: x25519.X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def seal_for_recipient(private_key: Ed25519PrivateKey, header: dict, recipient_pem: bytes) -> dict:
    """The envelope of ``private_key`` for the recipient; ``header`` names the key (issuer, DID, number…)."""
    recipient = load_recipient(recipient_pem)
    algorithm = RSA_OAEP if isinstance(recipient, rsa.RSAPublicKey) else X25519_HKDF
    header = {
        **header,
        "format": FORMAT,
        "recipient": {"algorithm": algorithm, "publicKeySha256": public_key_fingerprint(recipient)},
    }
    envelope = dict(header)
    if algorithm == RSA_OAEP:
        content_key = AESGCM.generate_key(bit_length=256)
        envelope["encryptedKey"] = _b64(
            recipient.encrypt(
                content_key,
                padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
            )
        )
    else:
        ephemeral = x25519.X25519PrivateKey.generate()
        ephemeral_public = _raw(ephemeral.public_key())
        content_key = _x25519_key(ephemeral.exchange(recipient), ephemeral_public, _raw(recipient))
        envelope["ephemeralPublicKey"] = _b64(ephemeral_public)
    nonce = secrets.token_bytes(12)
    plaintext = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    envelope["nonce"] = _b64(nonce)
    envelope["ciphertext"] = _b64(AESGCM(content_key).encrypt(nonce, plaintext, _associated_data(header)))
    return envelope


def load_operator_key(pem: bytes, passphrase: bytes | None = None):
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except TypeError as exc:  # a passphrase missing, or one given for a key that has none
        if passphrase is None:
            raise EscrowError("The operator's private key is encrypted: give its passphrase.") from exc
        raise EscrowError("The operator's private key is not encrypted: give no passphrase.") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise EscrowError(f"The operator's private key cannot be read: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey | x25519.X25519PrivateKey):
        raise EscrowError(f"The operator's key is a {type(key).__name__}, not an RSA or X25519 private key.")
    return key


def open_envelope(envelope: dict, operator_private_pem: bytes, passphrase: bytes | None = None) -> OpenedEnvelope:
    """The issuer key inside ``envelope``, opened with the operator's private key (raises EscrowError)."""
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise EscrowError(f"This is not an issuer-key escrow envelope ({FORMAT}).")
    operator = load_operator_key(operator_private_pem, passphrase)
    header = {k: v for k, v in envelope.items() if k not in _SECRET_MEMBERS}
    recipient = header.get("recipient")
    if not isinstance(recipient, dict):
        raise EscrowError("The envelope names no recipient (the operator key it was encrypted to).")
    if recipient.get("publicKeySha256") != public_key_fingerprint(operator.public_key()):
        raise EscrowError(
            "This envelope was encrypted to another operator key "
            f"(SHA-256 {recipient.get('publicKeySha256')!r}, yours {public_key_fingerprint(operator.public_key())})."
        )
    try:
        if recipient.get("algorithm") == RSA_OAEP and isinstance(operator, rsa.RSAPrivateKey):
            content_key = operator.decrypt(
                _unb64(envelope.get("encryptedKey"), "encryptedKey"),
                padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
            )
        elif recipient.get("algorithm") == X25519_HKDF and isinstance(operator, x25519.X25519PrivateKey):
            ephemeral_public = _unb64(envelope.get("ephemeralPublicKey"), "ephemeralPublicKey")
            shared = operator.exchange(x25519.X25519PublicKey.from_public_bytes(ephemeral_public))
            content_key = _x25519_key(shared, ephemeral_public, _raw(operator.public_key()))
        else:
            raise EscrowError(f"Unsupported escrow algorithm {recipient.get('algorithm')!r} for this operator key.")
        plaintext = AESGCM(content_key).decrypt(
            _unb64(envelope.get("nonce"), "nonce"),
            _unb64(envelope.get("ciphertext"), "ciphertext"),
            _associated_data(header),
        )
    except (InvalidTag, ValueError) as exc:
        if isinstance(exc, EscrowError):
            raise
        raise EscrowError("The envelope does not open with this key: it was changed or is damaged.") from exc
    try:  # anyone with the operator's public key can make an envelope: what it holds is checked, not trusted
        private_key = serialization.load_pem_private_key(plaintext, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise EscrowError("The envelope does not hold a private key.") from exc
    if not isinstance(private_key, Ed25519PrivateKey):
        raise EscrowError("The envelope does not hold an Ed25519 key.")
    from microcred.vc import public_key_to_multibase  # framework-free as well

    if public_key_to_multibase(private_key.public_key()) != header.get("publicKeyMultibase"):
        raise EscrowError("The key in the envelope is not the one its publicKeyMultibase names.")
    return OpenedEnvelope(private_key=private_key, header=header)


def read_envelope(path) -> dict:
    """The envelope in the file at ``path`` (JSON text), or EscrowError saying why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ENVELOPE_BYTES + 1)
    except OSError as exc:
        raise EscrowError(f"{path}: {exc.strerror}") from exc
    if len(raw) > MAX_ENVELOPE_BYTES:
        raise EscrowError(f"{path} is larger than {MAX_ENVELOPE_BYTES // 1024} KB: it is not an escrow envelope.")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise EscrowError(f"{path} is not JSON: it is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise EscrowError(f"{path} is not JSON: {exc}") from exc


def passphrase_from_env(name: str | None) -> bytes | None:
    """The operator key's passphrase from the environment variable ``name`` (None when no variable is named)."""
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise EscrowError(f"The environment variable {name} (the passphrase) is not set.")
    return value.encode("utf-8") or None


def create_private_file(path):
    """A new file at ``path``, open for writing bytes, readable by its owner only (0600); never an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise EscrowError(f"{path} exists: choose another file (a key file is never overwritten).") from exc
    except OSError as exc:
        raise EscrowError(f"{path}: {exc.strerror}") from exc
    return os.fdopen(fd, "wb")


def main(argv: list[str] | None = None) -> int:
    """Open an envelope offline and write the issuer's private key as PKCS#8 PEM (mode 0600)."""
    parser = argparse.ArgumentParser(prog="python -m microcred.credentials.escrow", description=main.__doc__)
    parser.add_argument("envelope")
    parser.add_argument("--private-key", required=True, help="the operator's private key (PEM)")
    parser.add_argument("--passphrase-env", help="environment variable holding the private key's passphrase")
    parser.add_argument("--out", required=True, help="where to write the issuer key (PEM); must not exist")
    args = parser.parse_args(argv)
    try:
        envelope = read_envelope(args.envelope)
        passphrase = passphrase_from_env(args.passphrase_env)
        with open(args.private_key, "rb") as handle:
            opened = open_envelope(envelope, handle.read(), passphrase)
        pem = opened.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        with create_private_file(args.out) as handle:
            handle.write(pem)
    except OSError as exc:
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except EscrowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{opened.header.get('verificationMethod')}: {opened.header.get('publicKeyMultibase')} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
