"""Who signs with an issuer's key: the signer backend named by the ``CREDENTIAL_SIGNER`` setting.

Every signature the platform makes (credentials, holder-bound copies, status lists, learner records) asks
:func:`signer_for` for the :class:`microcred.vc.Signer` of an issuer key and hands it to ``vc.sign``; no caller
touches a private key.

* ``"software"`` (the default): the Ed25519 key sealed in the database (``IssuerKey.sealed_private_key``),
  opened with ``CREDENTIAL_KEK`` (:mod:`microcred.credentials.keys`) into a :class:`microcred.vc.SoftwareSigner`.
* a dotted path (``"mypackage.hsm.signer_for"``): a callable taking the :class:`IssuerKey` and returning a
  :class:`microcred.vc.Signer` (``sign(data: bytes) -> bytes`` and an Ed25519 ``public_key``) for that key,
  wherever the key lives: a PKCS#11 token (``CKM_EDDSA``), a cloud KMS, a signing service. The key is found
  by what the row says (``issuer_key.issuer.slug``, ``issuer_key.number``, ``issuer_key.verification_method_id``,
  ``issuer_key.public_key_multibase``). docs/operations.md ("Key custody") shows one.

Whatever the backend, the signer's public key must be the one the issuer's DID document publishes for that key
(checked here), and ``vc.sign`` checks every signature against it before it goes into a proof.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.utils.module_loading import import_string

from microcred import vc
from microcred.core.exceptions import DomainError

SOFTWARE = "software"
logger = logging.getLogger(__name__)


class SignerUnavailable(DomainError):
    """The signer backend (CREDENTIAL_SIGNER) cannot be loaded or does not hold the issuer's key; nothing can be
    signed."""

    code = "credential_signer"
    status = 503


def software_signer(issuer_key) -> vc.Signer:
    """The default backend: the sealed key opened with the KEK (raises KeyEncryptionKeyError without it)."""
    from microcred.credentials.services.issuers import private_key_of

    return vc.SoftwareSigner(private_key_of(issuer_key))


def backend_name() -> str:
    return (getattr(settings, "CREDENTIAL_SIGNER", "") or SOFTWARE).strip()


def backend() -> Callable:
    """The callable IssuerKey -> Signer that CREDENTIAL_SIGNER names."""
    name = backend_name()
    if name == SOFTWARE:
        return software_signer
    try:
        factory = import_string(name)
    except ImportError as exc:
        raise SignerUnavailable(
            f'CREDENTIAL_SIGNER {name!r} is neither "software" nor the dotted path of a signer backend: {exc}'
        ) from exc
    if not callable(factory):
        raise SignerUnavailable(f"CREDENTIAL_SIGNER {name!r} is not callable (it must take an issuer key).")
    return factory


def uses_software_keys() -> bool:
    return backend_name() == SOFTWARE


class _BackendSigner:
    """A signer backend's signer whose failures say what failed: SignerUnavailable (503, with the reason) instead of
    whatever the device or service raised (an HSM's token removed, a KMS timing out), which would be a 500."""

    def __init__(self, signer: vc.Signer, issuer_key):
        self._signer = signer
        self._key = issuer_key.verification_method_id
        self.public_key = signer.public_key

    def sign(self, data: bytes) -> bytes:
        try:
            return self._signer.sign(data)
        except DomainError:  # the backend's own clear error (SignerUnavailable, a missing KEK…) stands as it is
            raise
        except Exception as exc:
            raise _failed("could not sign with", self._key, exc) from exc

    def __repr__(self) -> str:
        return f"<{backend_name()} signer of {self._key}>"


def _failed(what: str, key: str, exc: Exception) -> SignerUnavailable:
    """The error a person sees names the failure's kind; what the device said (which may name hosts or slots) goes
    to the log, with its traceback, for the operators."""
    logger.error("The signer backend %s %s %s: %s", backend_name(), what, key, exc, exc_info=exc)
    return SignerUnavailable(
        f"The signer backend {backend_name()!r} {what} {key} ({type(exc).__name__}); nothing was signed. "
        "The operators' log says why."
    )


def signer_for(issuer_key) -> vc.Signer:
    """The signer of ``issuer_key`` from the configured backend, checked to hold exactly that key."""
    factory = backend()
    if factory is software_signer:
        signer = factory(issuer_key)  # no KEK: KeyEncryptionKeyError, which says what to set
    else:
        try:
            signer = factory(issuer_key)
        except DomainError:
            raise
        except Exception as exc:
            raise _failed("could not open", issuer_key.verification_method_id, exc) from exc
    if not isinstance(signer, vc.Signer) or not isinstance(signer.public_key, Ed25519PublicKey):
        raise SignerUnavailable(
            f"The signer backend {backend_name()!r} returned {type(signer).__name__} for "
            f"{issuer_key.verification_method_id}, not a signer (sign(data) -> bytes and an Ed25519 public_key)."
        )
    if vc.public_key_to_multibase(signer.public_key) != issuer_key.public_key_multibase:
        raise SignerUnavailable(
            f"The signer backend {backend_name()!r} holds another key than {issuer_key.verification_method_id} "
            f"(the DID document publishes {issuer_key.public_key_multibase}); nothing was signed."
        )
    return signer if factory is software_signer else _BackendSigner(signer, issuer_key)
