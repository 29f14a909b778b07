"""The credentials' part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`."""

from __future__ import annotations

from microcred.credentials import selectors
from microcred.credentials.models import HolderBoundCredential, IssuedCredential

EXPORT_ORDER = 20
ERASE_ORDER = 10  # before the accounts app rewrites the e-mail address the credentials are found by


def export_personal_data(user) -> dict[str, object]:
    """Each credential the learner received, signed, and the copies of it sent to wallet apps."""
    files: dict[str, object] = {}
    for credential in selectors.credentials_of(user):
        files[f"credentials/{credential.uuid}.json"] = credential.document
        for copy in credential.bound_copies.order_by("issued_at", "pk"):
            files[f"credentials/wallet-copies/{copy.uuid}.json"] = copy.document
    return files


def erase_personal_data(user) -> None:
    """Issued credentials stay verifiable by whoever holds them (issuer keys and status lists are kept), but the
    platform keeps no copy with the learner's name, e-mail or DID."""
    found = selectors.credentials_of(user).values("pk")
    for credential in IssuedCredential.objects.select_for_update().filter(pk__in=found):
        credential.learner_name = ""
        credential.learner_email = f"erased-{user.pk}@invalid"
        credential.learner_did = ""
        credential.document = {"id": credential.document.get("id"), "erased": True}
        credential.save(update_fields=["learner_name", "learner_email", "learner_did", "document"])
        # The copies sent to wallet apps carry the same data and the wallet's DID. Their rows (and status
        # entries) stay, so revoking the original still revokes them.
        for copy in HolderBoundCredential.objects.select_for_update().filter(original=credential):
            copy.holder_did = ""
            copy.document = {"id": copy.document.get("id"), "erased": True}
            copy.save(update_fields=["holder_did", "document"])
