"""Shared building blocks for the admin site (the alliance admin's tool)."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows that are viewed in the admin but only ever written by services or loaders.

    Subclasses name who may look with `view_permission` (a function of the user).
    """

    @staticmethod
    def view_permission(user) -> bool:  # pragma: no cover - every subclass sets it
        return False

    def has_module_permission(self, request):
        return self.view_permission(request.user)

    def has_view_permission(self, request, obj=None):
        return self.view_permission(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
