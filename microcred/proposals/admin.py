"""Read-only views of proposals for the alliance admin: every change goes through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


class FellToFallbackFilter(admin.SimpleListFilter):
    """The proposals whose step fell to the board secretary: a university lacks someone in a role (policy 7.4)."""

    title = _("step fell to the board secretary")
    parameter_name = "fell_to_fallback"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(fell_to_fallback_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(fell_to_fallback_at__isnull=True)
        return queryset


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["reference", "institution", "status", "fell_to_fallback", "proposer", "updated_at"]
    list_filter = [FellToFallbackFilter, "status", "institution"]

    @admin.display(description=_("fell to the board secretary (no manager)"), boolean=True)
    def fell_to_fallback(self, obj):
        return obj.fell_to_fallback_at is not None

    search_fields = ["reference", "versions__title"]
    inlines = [EventInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["date", "body", "location"]


@admin.register(Call)
class CallAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["title", "opens_on", "deadline", "panel_review"]
