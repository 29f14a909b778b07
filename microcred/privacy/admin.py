"""The alliance admin drafts, previews and publishes privacy notice versions here. A published version is shown
read-only: to change the notice, make a new draft from it (its texts are copied) and publish that."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.audit.services import record_audit_event
from microcred.core.admin import ReadOnlyModelAdmin
from microcred.core.exceptions import ValidationFailed
from microcred.privacy import permissions, services
from microcred.privacy.forms import PrivacyNoticeForm, PrivacyNoticeTextForm
from microcred.privacy.models import NoticeReceipt, PrivacyNotice, PrivacyNoticeText


class EditorsOnly:
    def has_module_permission(self, request):
        return permissions.can_edit_notices(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_edit_notices(request.user)


class PrivacyNoticeTextInline(EditorsOnly, admin.StackedInline):
    model = PrivacyNoticeText
    form = PrivacyNoticeTextForm
    extra = 0

    def _editable(self, request, obj):
        return permissions.can_edit_notices(request.user) and (obj is None or not obj.is_published)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(EditorsOnly, admin.ModelAdmin):
    form = PrivacyNoticeForm
    inlines = [PrivacyNoticeTextInline]
    list_display = ["__str__", "status", "published_at", "origin", "requires_consent", "languages", "still_to_confirm"]
    list_filter = ["status", "origin"]
    readonly_fields = [
        "status",
        "version",
        "origin",
        "requires_consent",
        "based_on",
        "created_at",
        "published_at",
        "public_page",
    ]
    change_form_template = "admin/privacy/privacynotice/change_form.html"
    change_list_template = "admin/privacy/privacynotice/change_list.html"

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, obj):
        return ", ".join(t.language for t in obj.texts.all())

    @admin.display(description=gettext_lazy("still to confirm"))
    def still_to_confirm(self, obj):
        return ", ".join(obj.to_confirm or []) or "—"

    @admin.display(description=gettext_lazy("page"))
    def public_page(self, obj):
        if obj.pk is None:
            return "—"
        if obj.is_published:
            url, label = reverse("privacy:version", args=[obj.version]), _("The published page")
        else:
            url, label = reverse("privacy:preview", args=[obj.pk]), _("Preview this draft")
        return format_html('<a href="{}">{}</a>', url, label)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    def has_add_permission(self, request):
        return permissions.can_edit_notices(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_notices(request.user) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_edit_notices(request.user) and obj is not None and not obj.is_published

    def get_urls(self):
        own = [
            path(
                "<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="privacy_privacynotice_publish"
            ),
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="privacy_privacynotice_new_draft",
            ),
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """A new draft starts as a copy of the version in force (or empty before the first)."""
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)
        draft = services.create_draft(by=request.user)
        messages.info(
            request, _("A new draft is ready, copied from the version in force. Edit it, preview it, then publish it.")
        )
        return redirect("admin:privacy_privacynotice_change", draft.pk)

    def publish_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        notice = get_object_or_404(PrivacyNotice, pk=pk)
        if not permissions.can_edit_notices(request.user):
            return redirect("admin:index")
        try:
            notice = services.publish_notice(notice=notice, by=request.user)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            return redirect("admin:privacy_privacynotice_change", pk)
        messages.success(
            request,
            _("Version %(version)d is published and in force. People are told at their next log-in.")
            % {"version": notice.version},
        )
        return redirect("admin:privacy_privacynotice_change", pk)

    def new_draft_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        based_on = get_object_or_404(PrivacyNotice, pk=pk)
        if not permissions.can_edit_notices(request.user):
            return redirect("admin:index")
        draft = services.create_draft(by=request.user, based_on=based_on)
        messages.info(request, _("A new draft is ready, copied from this version."))
        return redirect("admin:privacy_privacynotice_change", draft.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            record_audit_event(
                actor=request.user,
                action="privacy.notice_draft_changed",
                target=obj,
                changes={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        changed = [f.instance.language for f in formset.forms if f.has_changed() and f.instance.pk]
        deleted = [obj.language for obj in formset.deleted_objects]
        if changed or deleted:
            record_audit_event(
                actor=request.user,
                action="privacy.notice_draft_changed",
                target=form.instance,
                changes={"texts_changed": sorted(set(changed)), "texts_deleted": sorted(deleted)},
            )

    def delete_model(self, request, obj):
        record_audit_event(actor=request.user, action="privacy.notice_draft_deleted", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_edit_notices": permissions.can_edit_notices(request.user)}
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(ReadOnlyModelAdmin):
    """Which version each account was shown: the proof asked for by GDPR Art. 5(2) and 7(1), never edited."""

    view_permission = staticmethod(permissions.can_edit_notices)
    list_display = ["user_number", "notice", "occasion", "language", "at"]
    list_filter = ["occasion", "notice"]

    @admin.display(description=gettext_lazy("account"), ordering="user_id")
    def user_number(self, obj):
        return f"#{obj.user_id}"
