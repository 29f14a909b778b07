"""The audit log's part in the learner's rights (GDPR Art. 15, 20), run by `microcred.privacy.registry`.

The log is append-only and names people by number only, so it is kept when an account is erased.
"""

from __future__ import annotations

from microcred.audit.models import AuditEvent

EXPORT_ORDER = 40


def export_personal_data(user) -> dict[str, object]:
    """What the person did on the platform."""
    return {
        "activity.json": [
            {"at": e.at.isoformat(), "action": e.action, "object": e.object_repr, "summary": e.summary}
            for e in AuditEvent.objects.filter(actor=user).order_by("at", "pk")
        ]
    }
