"""The wallet's part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`: share links,
and the credentials from other issuers she added."""

from __future__ import annotations

from django.utils import timezone

from microcred.wallet.models import ReceivedCredential, ShareLink

EXPORT_ORDER = 30


def export_personal_data(user) -> dict[str, object]:
    links = ShareLink.objects.filter(created_by=user).select_related("credential").order_by("pk")
    return {
        "share-links.json": [
            {
                "credential": str(link.credential.uuid),
                "label": link.label,
                "created_at": link.created_at.isoformat(),
                "expires_at": link.expires_at.isoformat() if link.expires_at else None,
                "withdrawn_at": link.withdrawn_at.isoformat() if link.withdrawn_at else None,
                "views": link.views,
            }
            for link in links
        ],
        "received-credentials.json": [
            {
                "format": received.kind,
                "credential": received.document,
                "credential_id": received.credential_id,
                "issuer_id": received.issuer_id,
                "issuer": received.issuer_name,
                "title": received.title,
                "issued_on": received.issued_on.isoformat() if received.issued_on else None,
                "issued_to_you_because": received.subject_basis,
                "result": received.result,
                "checked_at": received.checked_at.isoformat(),
                "added_at": received.added_at.isoformat(),
            }
            for received in ReceivedCredential.objects.filter(learner=user).order_by("pk")
        ],
    }


def erase_personal_data(user) -> None:
    """Every link the learner made stops working (the retention schedule deletes withdrawn links later); the
    credentials from other issuers she added are deleted (recognition requests keep their own copy, which the
    recognition app erases)."""
    ReceivedCredential.objects.filter(learner=user).delete()
    ShareLink.objects.filter(created_by=user, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
