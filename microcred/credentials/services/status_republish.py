"""Republishing status lists (a scheduled job, microcred/operations/schedule.py): every Bitstring Status List
still signed with a key its issuer no longer uses is signed again, bits unchanged, with the active key.

After a key is retired, verifiers keep fetching the lists; a list signed by the active key keeps verifying
however the retired key is later treated. Idempotent: a list already signed with the active key is left alone,
so a late or repeated run does exactly the missed work. Each list is re-signed under its row lock, the lock
revocation and issuance take (services/status.py), so a revocation is never lost.
"""

from __future__ import annotations

import logging

from django.db import transaction

from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.models import StatusList
from microcred.credentials.services import status
from microcred.credentials.services.issuers import active_key

logger = logging.getLogger(__name__)


def _signed_with(status_list: StatusList) -> str:
    proof = (status_list.credential or {}).get("proof") or {}
    if isinstance(proof, list):
        proof = proof[0] if proof else {}
    return proof.get("verificationMethod", "")


def republish_status_lists() -> list[int]:
    """Re-sign each list not signed with its issuer's active key → the ids of the lists re-signed."""
    republished = []
    for list_id in StatusList.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            status_list = StatusList.objects.select_for_update().select_related("issuer").get(pk=list_id)
            try:
                key = active_key(status_list.issuer)
            except IssuerNotReady:  # no active key (being replaced): the next run re-signs it
                continue
            if _signed_with(status_list) == key.verification_method_id:
                continue
            status._sign_status_list(status_list, status.bits_of(status_list))
            status_list.save(update_fields=["encoded_list", "credential", "etag", "updated_at"])
        republished.append(list_id)
    if republished:
        logger.info("Status lists re-signed with their issuer's active key: %s.", republished)
    return republished
