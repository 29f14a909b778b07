"""Read-only views of offerings, enrolments and results for the alliance admin: every change goes through the services."""

from django.contrib import admin

from microcred.learning.models import Enrolment, Offering, OfferingAssessor, Result
from microcred.proposals.admin import ReadOnlyForAllianceAdmin


class AssessorInline(admin.TabularInline):
    model = OfferingAssessor
    fk_name = "offering"
    extra = 0
    can_delete = False
    readonly_fields = ["user", "assigned_by", "assigned_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Offering)
class OfferingAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["__str__", "institution", "format", "mode", "starts_on", "capacity", "lms_code"]
    list_filter = ["institution", "format", "mode"]
    search_fields = ["version__title", "lms_code"]
    inlines = [AssessorInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["learner", "offering", "status", "created_at", "promoted_at", "cancelled_at"]
    list_filter = ["status"]
    search_fields = ["learner__email", "offering__version__title"]


@admin.register(Result)
class ResultAdmin(ReadOnlyForAllianceAdmin):
    list_display = ["learner", "offering", "participated", "outcome", "grade", "assessed_on", "updated_at"]
    list_filter = ["outcome", "participated"]
    search_fields = ["learner__email", "offering__version__title"]
