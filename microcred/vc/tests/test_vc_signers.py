"""The Signer seam of the signing core: any object that signs bytes and names its Ed25519 public key can make
a proof (an HSM or KMS key), the software key is the default, and a signer whose signature its own public key
does not verify is refused before anything is signed."""

import pytest
from vc_testdata import ob_keypair, ob_unsigned

from microcred import vc
from microcred.vc.exceptions import InvalidKey

CREATED = "2026-01-01T00:00:00Z"


def _key():
    return vc.private_key_from_seed(bytes.fromhex(ob_keypair()["privateKeyHex"]))


class CountingSigner:
    """A signer that keeps its key to itself (as a device would) and counts what it signs."""

    def __init__(self, private_key):
        self._key = private_key
        self.calls = []

    @property
    def public_key(self):
        return self._key.public_key()

    def sign(self, data: bytes) -> bytes:
        self.calls.append(data)
        return self._key.sign(data)


def test_a_signer_object_makes_the_same_proof_as_the_software_key():
    key = _key()
    vm = ob_keypair()["verificationMethod"]
    signer = CountingSigner(key)
    assert isinstance(signer, vc.Signer)
    by_signer = vc.sign(ob_unsigned(), signer, vm, created=CREATED)
    by_key = vc.sign(ob_unsigned(), key, vm, created=CREATED)
    assert by_signer == by_key  # Ed25519 is deterministic: same bytes signed, same proof
    assert len(signer.calls) == 1 and len(signer.calls[0]) == 64  # hashData: two SHA-256 digests
    assert vc.verify(by_signer, resolve_key=lambda _: key.public_key()).verified


def test_the_software_signer_wraps_keys_and_multibase_secrets():
    key = _key()
    assert isinstance(vc.as_signer(key), vc.SoftwareSigner)
    multibase = vc.private_key_to_multibase(key)
    assert vc.as_signer(multibase).public_key.public_bytes_raw() == key.public_key().public_bytes_raw()
    assert "Ed25519" in repr(vc.as_signer(key)) and multibase not in repr(vc.as_signer(key))


class WrongKeySigner(CountingSigner):
    @property
    def public_key(self):
        return vc.generate_private_key().public_key()


class ShortSigner(CountingSigner):
    def sign(self, data: bytes) -> bytes:
        return b"\x00" * 10


@pytest.mark.parametrize(
    ("signer", "message"),
    [
        (WrongKeySigner(_key()), "does not verify under its own public key"),
        (ShortSigner(_key()), "did not return a 64-byte Ed25519 signature"),
        (object(), "must be an Ed25519 private key"),
    ],
)
def test_a_signer_that_cannot_sign_for_its_public_key_is_refused(signer, message):
    with pytest.raises(InvalidKey, match=message):
        vc.sign(ob_unsigned(), signer, ob_keypair()["verificationMethod"], created=CREATED)


class SoftwareSignerWithAnotherPublicKey(vc.SoftwareSigner):
    """A subclass may sign or name its key otherwise: only SoftwareSigner itself goes unchecked."""

    @property
    def public_key(self):
        return vc.generate_private_key().public_key()


def test_only_the_software_signer_itself_skips_the_check_of_its_own_signature():
    vm = ob_keypair()["verificationMethod"]
    with pytest.raises(InvalidKey, match="does not verify under its own public key"):
        vc.sign(ob_unsigned(), SoftwareSignerWithAnotherPublicKey(_key()), vm, created=CREATED)
    key = _key()
    signed = vc.sign(ob_unsigned(), vc.SoftwareSigner(key), vm, created=CREATED)
    assert vc.verify(signed, resolve_key=lambda _: key.public_key()).verified
