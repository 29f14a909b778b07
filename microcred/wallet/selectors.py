"""Reads for pages outside the wallet that point into it."""

from __future__ import annotations

from django.urls import reverse

from microcred.credentials.selectors import credentials_of
from microcred.learning.panels import EnrolmentCredential
from microcred.wallet.models import ReceivedCredential


def credentials_for_completions(user, completion_keys: list[str]) -> dict[str, EnrolmentCredential]:
    """{completion key: where the learner finds its credential in her wallet, and whether it was revoked}, for
    those of `completion_keys` whose credential was issued to `user` ("my learning" links them, issue #16)."""
    if not completion_keys:
        return {}
    found = credentials_of(user).filter(completion_key__in=completion_keys)
    return {
        c.completion_key: EnrolmentCredential(
            url=reverse("wallet:credential", args=[c.uuid]), revoked=c.revoked_at is not None
        )
        for c in found.select_related(None).only("uuid", "completion_key", "revoked_at")
    }


def received_credentials_of(user):
    """The credentials from other issuers the learner added to her wallet, newest first."""
    return ReceivedCredential.objects.filter(learner=user).order_by("-added_at", "-pk")


def received_credential_of(user, uuid) -> ReceivedCredential | None:
    return ReceivedCredential.objects.filter(learner=user, uuid=uuid).first() if uuid else None
