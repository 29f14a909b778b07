"""The alliance admin's user and role management. Role changes go through the services (audited)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from microcred.accounts import permissions, services
from microcred.accounts.forms import AdminLoginForm
from microcred.accounts.models import RoleAssignment, User

# The admin site's log-in is throttled like ours (by the backend); this form says how long to wait.
admin.site.login_form = AdminLoginForm


class AllianceAdminOnly:
    def has_module_permission(self, request):
        return permissions.can_manage_users_and_roles(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_users_and_roles(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.can_manage_users_and_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage_users_and_roles(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_manage_users_and_roles(request.user)


class RoleAssignmentInline(AllianceAdminOnly, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "institution", "granted_at"]
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(AllianceAdminOnly, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "email_verified_at", "is_active", "date_joined"]
    list_filter = ["is_active", "role_assignments__role", "role_assignments__institution"]
    search_fields = ["email", "full_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language", "did", "email_verified_at")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "erased_at"]

    def save_formset(self, request, form, formset, change):
        """Role assignments are written through the audited services, never directly."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.revoke_role(assignment=obj, revoked_by=request.user)
        for obj in instances:
            if obj.pk:
                old = RoleAssignment.objects.get(pk=obj.pk)
                services.revoke_role(assignment=old, revoked_by=request.user)
            services.assign_role(
                user=form.instance, role=obj.role, institution=obj.institution, granted_by=request.user
            )
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AllianceAdminOnly, admin.ModelAdmin):
    list_display = ["user", "role", "institution", "granted_at"]
    list_filter = ["role", "institution"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        if change:
            services.revoke_role(assignment=RoleAssignment.objects.get(pk=obj.pk), revoked_by=request.user)
        saved = services.assign_role(user=obj.user, role=obj.role, institution=obj.institution, granted_by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.revoke_role(assignment=obj, revoked_by=request.user)
