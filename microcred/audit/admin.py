from django.contrib import admin

from microcred.audit.models import AuditEvent
from microcred.audit.permissions import can_view_audit_log
from microcred.core.admin import ReadOnlyModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: the audit log is append-only."""

    view_permission = staticmethod(can_view_audit_log)

    list_display = ["at", "actor", "action", "object_type", "object_repr", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "summary", "action"]
    date_hierarchy = "at"
