"""The share links' part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`."""

from __future__ import annotations

from django.utils import timezone

from microcred.wallet.models import ShareLink

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
        ]
    }


def erase_personal_data(user) -> None:
    """Every link the learner made stops working (the retention schedule deletes withdrawn links later)."""
    ShareLink.objects.filter(created_by=user, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
