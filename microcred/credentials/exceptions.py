"""Errors of the credentials app (all DomainError: a clear message, nothing changed)."""

from microcred.core.exceptions import DomainError, PermissionDenied, ValidationFailed
from microcred.credentials.keys import KeyEncryptionKeyError

__all__ = [
    "AlreadyRevoked",
    "CredentialNotFound",
    "InvalidCompletion",
    "IssuanceFailed",
    "IssuerNotReady",
    "KeyEncryptionKeyError",
    "NotAllowed",
]


class IssuerNotReady(DomainError):
    """The issuer has no active signing key yet."""

    code = "issuer_not_ready"
    status = 409


class InvalidCompletion(ValidationFailed):
    """The completion cannot be turned into a credential."""

    code = "invalid_completion"


class IssuanceFailed(DomainError):
    """The credential could not be signed and verified; nothing was issued."""

    code = "issuance_failed"
    status = 500


class NotAllowed(PermissionDenied):
    """You may not do this with this credential."""


class CredentialNotFound(DomainError):
    """No such issued credential."""

    code = "not_found"
    status = 404


class AlreadyRevoked(DomainError):
    """This credential is already revoked."""

    code = "already_revoked"
    status = 409


class NotDeliverable(DomainError):
    """The credential is revoked or erased, so no copy of it is made for a wallet."""

    code = "not_deliverable"
    status = 409
