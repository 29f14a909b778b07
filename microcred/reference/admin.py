"""The alliance admin edits the alliance's own reference data here; ESCO and the EU vocabularies are read-only."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from microcred.accounts.permissions import can_edit_reference_data
from microcred.audit.services import audit_value, record_audit_event
from microcred.core.admin import ReadOnlyModelAdmin
from microcred.reference import branding
from microcred.reference import models as m


class EditableReference(admin.ModelAdmin):
    """Editable by whoever may edit reference data; every change is written to the audit log."""

    def has_module_permission(self, request):
        return can_edit_reference_data(request.user)

    def has_view_permission(self, request, obj=None):
        return can_edit_reference_data(request.user)

    def has_add_permission(self, request):
        return can_edit_reference_data(request.user)

    def has_change_permission(self, request, obj=None):
        return can_edit_reference_data(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_edit_reference_data(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_audit_event(
            actor=request.user,
            action=f"reference.{obj._meta.model_name}.{'changed' if change else 'added'}",
            target=obj,
            changes={f: audit_value(form.cleaned_data.get(f)) for f in form.changed_data},
        )

    def delete_model(self, request, obj):
        record_audit_event(actor=request.user, action=f"reference.{obj._meta.model_name}.deleted", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_audit_event(actor=request.user, action=f"reference.{obj._meta.model_name}.deleted", target=obj)
        super().delete_queryset(request, queryset)


class ReadOnlyReference(ReadOnlyModelAdmin):
    """Published data loaded by `load_reference_data`: viewable, never edited by hand."""

    view_permission = staticmethod(can_edit_reference_data)


class InstitutionForm(forms.ModelForm):
    """The institution with its visual identity: a logo upload (checked and kept as PNG by
    reference.branding.normalise_logo) and the colours."""

    logo_file = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB; kept as a PNG of at most 512 pixels a side."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo (the monogram is shown instead)"), required=False)

    class Meta:
        model = m.Institution
        fields = [
            "slug",
            "short_name",
            "name",
            "local_name",
            "country",
            "country_code",
            "domain",
            "joined",
            "languages",
            "is_alliance",
            "is_active",
            "colour",
            "accent_colour",
        ]

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if upload.size > branding.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 2 MB; upload a smaller image."))
        return branding.normalise_logo(upload.read())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo_file") and cleaned.get("remove_logo"):
            raise forms.ValidationError(_("Either upload a logo or remove it, not both."))
        for field in ("colour", "accent_colour"):
            if cleaned.get(field):
                cleaned[field] = cleaned[field].lower()
        return cleaned

    def save(self, commit=True):
        institution = super().save(commit=False)
        if self.cleaned_data.get("logo_file"):
            branding.set_logo(institution, self.cleaned_data["logo_file"])  # checked and made PNG in clean_logo_file
        elif self.cleaned_data.get("remove_logo"):
            branding.set_logo(institution, None)
        if commit:
            institution.save()
        return institution


@admin.register(m.Institution)
class InstitutionAdmin(EditableReference):
    form = InstitutionForm
    list_display = ["name", "short_name", "country", "domain", "joined", "is_alliance", "is_active"]
    list_filter = ["is_alliance", "is_active", "country"]
    search_fields = ["name", "short_name", "local_name", "domain"]
    readonly_fields = ["current_logo"]

    @admin.display(description=_("Logo shown now"))
    def current_logo(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" height="96"> {}',
            reverse("reference:institution_logo", args=[obj.slug]),
            _("uploaded logo") if branding.has_uploaded_logo(obj) else _("monogram (no logo uploaded)"),
        )


@admin.register(m.EducationalPrinciple)
class EducationalPrincipleAdmin(EditableReference):
    list_display = ["name", "status", "order"]
    list_editable = ["status", "order"]
    list_filter = ["status"]
    search_fields = ["name", "text"]


@admin.register(m.ContentArea)
class ContentAreaAdmin(EditableReference):
    list_display = ["name", "green_digital_focus", "order"]
    list_editable = ["green_digital_focus", "order"]


@admin.register(m.StrategicTarget)
class StrategicTargetAdmin(EditableReference):
    list_display = ["label", "indicator", "min_value", "max_value", "unit", "period_start", "deadline"]


@admin.register(m.EqfLevel)
class EqfLevelAdmin(EditableReference):
    list_display = ["level", "knowledge", "uri"]


@admin.register(m.EctsRule)
class EctsRuleAdmin(EditableReference):
    list_display = ["name", "hours_per_credit_min", "hours_per_credit_max", "credits_per_year"]


@admin.register(m.PolicyVersion)
class PolicyVersionAdmin(EditableReference):
    """The policy's thresholds, one version per effective date (policy 10.2, 10.3): a new threshold is a new
    version taking effect on a later day, so proposals submitted before keep being checked as they were."""

    list_display = [
        "name",
        "effective_from",
        "review_due",
        "min_principles_formal",
        "min_principles_non_formal",
        "min_universities_non_formal",
        "hours_per_ects_min",
        "hours_per_ects_max",
    ]
    readonly_fields = ["review_reminded_for"]


@admin.register(m.IscedField)
class IscedFieldAdmin(ReadOnlyReference):
    list_display = ["code", "label", "level"]
    list_filter = ["level"]
    search_fields = ["code", "label"]


@admin.register(m.EuropassConcept)
class EuropassConceptAdmin(ReadOnlyReference):
    list_display = ["label", "scheme", "uri"]
    list_filter = ["scheme"]
    search_fields = ["label", "uri"]


@admin.register(m.FrameworkCompetence)
class FrameworkCompetenceAdmin(ReadOnlyReference):
    list_display = ["framework", "code", "name", "area", "esco_uri"]
    list_filter = ["framework"]
    search_fields = ["name", "code"]


@admin.register(m.EscoSkill)
class EscoSkillAdmin(ReadOnlyReference):
    list_display = ["preferred_label", "skill_type", "reuse_level", "is_current"]
    list_filter = ["skill_type", "reuse_level", "is_current", "in_transversal", "in_digital", "in_green", "in_digcomp"]
    search_fields = ["preferred_label", "uri"]
    show_full_result_count = False


@admin.register(m.EscoSkillGroup)
class EscoSkillGroupAdmin(ReadOnlyReference):
    list_display = ["preferred_label", "code", "is_current"]
    search_fields = ["preferred_label", "code", "uri"]


@admin.register(m.EscoOccupation)
class EscoOccupationAdmin(ReadOnlyReference):
    list_display = ["preferred_label", "isco_group", "code", "is_current"]
    search_fields = ["preferred_label", "code", "uri"]
    show_full_result_count = False
