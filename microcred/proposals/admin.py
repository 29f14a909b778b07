"""Read-only views of proposals for the alliance admin: every change goes through the services."""

from django.contrib import admin

from microcred.core.admin import ReadOnlyModelAdmin
from microcred.proposals.models import Call, Meeting, Proposal, ProposalEvent
from microcred.proposals.permissions import can_view_admin


class ReadOnlyForAllianceAdmin(ReadOnlyModelAdmin):
    view_permission = staticmethod(can_view_admin)


class EventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "version_number", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["reference", "institution", "status", "proposer", "updated_at"]
    list_filter = ["status", "institution"]
    search_fields = ["reference", "versions__title"]
    inlines = [EventInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["date", "body", "location"]


@admin.register(Call)
class CallAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["title", "opens_on", "deadline", "panel_review"]
