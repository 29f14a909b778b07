from django.contrib import admin

from microcred.core.admin import ReadOnlyModelAdmin
from microcred.outbox.models import OutboxMessage
from microcred.roles import is_alliance_admin


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyModelAdmin):
    """Read-only: rows are written by services and delivered by the workers (`manage.py deliver_outbox`)."""

    view_permission = staticmethod(is_alliance_admin)

    list_display = ["key", "status", "attempts", "created_at", "sent_at", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
