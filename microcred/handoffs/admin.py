"""The hand-off plan is data: the alliance admin edits the kinds of task an approval creates (policy 7.8); every change
is audited. Tasks themselves are written only by the services (read-only here)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from microcred.audit.services import record_audit_event
from microcred.core.admin import ReadOnlyModelAdmin
from microcred.handoffs.models import HandoffTask, TaskKind
from microcred.roles import Role, is_alliance_admin


class TaskKindForm(forms.ModelForm):
    owner_role = forms.ChoiceField(label=_("Owner role"), choices=Role.choices)

    class Meta:
        model = TaskKind
        fields = [
            "code",
            "name",
            "description",
            "owner_role",
            "at_awarding_university",
            "due_days",
            "checklist",
            "policy",
            "order",
            "active",
        ]


@admin.register(TaskKind)
class TaskKindAdmin(admin.ModelAdmin):
    form = TaskKindForm
    list_display = ("name", "code", "owner_role", "at_awarding_university", "due_days", "active", "order")

    def has_module_permission(self, request):
        return is_alliance_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_alliance_admin(request.user)

    def has_add_permission(self, request):
        return is_alliance_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_alliance_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # tasks refer to their kind: retire a kind by making it inactive

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_audit_event(
            actor=request.user,
            action="handoff_plan.changed",
            target=obj,
            changes={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )


@admin.register(HandoffTask)
class HandoffTaskAdmin(ReadOnlyModelAdmin):
    view_permission = staticmethod(is_alliance_admin)
    list_display = ("title", "proposal", "owner_role", "owner_institution", "due_on", "status")
    list_filter = ("status", "owner_role")
