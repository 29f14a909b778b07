"""Services of the credentials app: issuers and keys, composition, issuance, status lists, verification."""

from microcred.credentials.selectors import issuer_for_version
from microcred.credentials.services.composition import compose_open_badge_credential
from microcred.credentials.services.issuance import issue_credential
from microcred.credentials.services.issuers import (
    create_issuer_keys,
    did_document,
    ensure_issuer,
    issuer_profile,
    rotate_issuer_key,
)
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import (
    VerificationReport,
    verify_and_record,
    verify_credential_document,
)

__all__ = [
    "VerificationReport",
    "compose_open_badge_credential",
    "create_issuer_keys",
    "did_document",
    "ensure_issuer",
    "issue_credential",
    "issuer_for_version",
    "issuer_profile",
    "revoke_credential",
    "rotate_issuer_key",
    "verify_and_record",
    "verify_credential_document",
]
