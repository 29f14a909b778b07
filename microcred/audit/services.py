"""Writing to the audit log. Every service whose write matters calls `record_audit_event`."""

import hashlib

from django.conf import settings
from django.db import models

from microcred.audit.actions import check_action
from microcred.audit.models import AuditEvent


def record_audit_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user or None for the system; `action` one of
    `microcred.audit.actions.AuditAction` (ValueError otherwise); `target` the object acted on."""
    action = check_action(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if target is not None and target._meta.label_lower == settings.AUTH_USER_MODEL.lower():
        # People are named by number only: the log outlives an erased account (GDPR), the name must not.
        object_repr = f"user #{target.pk}"
    else:
        object_repr = str(target)[:300] if target is not None else ""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=object_repr,
        summary=summary,
        changes=changes or {},
    )


def audit_value(value) -> str:
    """What the log keeps of a changed value: the value as text, or for a file's bytes (a logo, a signature
    picture) its size and digest, never the bytes themselves."""
    if isinstance(value, (bytes, memoryview)):
        value = bytes(value)
        return f"{len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()[:16]}"
    return str(value)
