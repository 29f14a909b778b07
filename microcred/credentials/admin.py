"""The issuers on the admin site: each issuer's certificate signatories, edited by whoever may manage issuers
(credentials.permissions.can_manage_issuers); every change audited. Of the issuer itself only its proof format
(cryptosuite) is edited here: its DID never changes, and its keys are managed with commands (this app's README)."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred.core.text import validate_single_line
from microcred.credentials.models import Issuer, IssuerSignatory, TrustedRegistry
from microcred.credentials.permissions import can_manage_issuers
from microcred.credentials.services import issuers, signatories, trust_registry


class SignatoryForm(forms.ModelForm):
    """A signatory with an optional signature picture: checked and kept as PNG by
    services.signatories.normalise_signature; a bad file is refused with its reason and nothing is saved."""

    signature_file = forms.FileField(
        label=_("Signature image"),
        required=False,
        help_text=_(
            "Optional. PNG or JPEG, at most 2 MB, ideally dark ink on a white or transparent background. Without "
            "one, the certificate prints the name and role only."
        ),
    )
    remove_signature = forms.BooleanField(label=_("Remove the signature image"), required=False)

    class Meta:
        model = IssuerSignatory
        fields = ["order", "name", "title", "active", "serves_from", "serves_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("name", "title"):
            self.fields[field].validators.append(validate_single_line)

    def clean_signature_file(self):
        upload = self.cleaned_data.get("signature_file")
        if upload is None:
            return None
        if upload.size > signatories.SIGNATURE_MAX_BYTES:
            raise ValidationError(gettext("The signature image is larger than 2 MB; upload a smaller image."))
        return signatories.normalise_signature(upload.read())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signature_file") and cleaned.get("remove_signature"):
            raise ValidationError(gettext("Either upload a signature image or remove it, not both."))
        start, end = cleaned.get("serves_from"), cleaned.get("serves_until")
        if start and end and end < start:
            self.add_error(
                "serves_until", gettext("The term ends before it starts: the last day must be on or after the first.")
            )
        return cleaned

    def save(self, commit=True):
        signatory = super().save(commit=False)
        if self.cleaned_data.get("signature_file"):
            signatories.set_signature(signatory, self.cleaned_data["signature_file"])
        elif self.cleaned_data.get("remove_signature"):
            signatories.set_signature(signatory, None)
        if commit:
            signatory.save()
        return signatory


class SignatoryFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        terms = [
            (form.cleaned_data.get("serves_from"), form.cleaned_data.get("serves_until"))
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("active") and not self._should_delete_form(form)
        ]
        count = signatories.most_signing_on_one_day(terms)
        if count > IssuerSignatory.MAX_SHOWN:
            raise ValidationError(
                gettext(
                    "A certificate shows at most %(n)s signatories, and %(count)s would sign on the same day: end "
                    "a term earlier (“signs until”) or untick “shown on certificates” for one of them."
                )
                % {"n": IssuerSignatory.MAX_SHOWN, "count": count}
            )


class SignatoryInline(admin.StackedInline):
    model = IssuerSignatory
    form = SignatoryForm
    formset = SignatoryFormSet
    extra = 0
    fields = [
        "order",
        "name",
        "title",
        "active",
        "serves_from",
        "serves_until",
        "current_signature",
        "signature_file",
        "remove_signature",
    ]
    readonly_fields = ["current_signature"]

    @admin.display(description=_("Signature shown now"))
    def current_signature(self, obj):
        if obj is None or not obj.pk or not obj.has_signature:
            return gettext("none (the name and role are printed without a signature)")
        data = base64.b64encode(bytes(obj.signature)).decode("ascii")
        return format_html(
            '<img src="data:image/png;base64,{}" alt="{}" height="60">',
            data,
            gettext("Signature of %(name)s") % {"name": obj.name},
        )

    def has_view_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_add_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage_issuers(request.user)


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "did", "cryptosuite", "signatories_shown"]
    list_filter = ["cryptosuite"]
    search_fields = ["name", "slug"]
    # The proof format (issue #18) is the one field an admin changes here; save_model audits it.
    fields = ["name", "institution", "slug", "did", "cryptosuite"]
    readonly_fields = ["name", "institution", "slug", "did"]
    inlines = [SignatoryInline]

    def save_model(self, request, obj, form, change):
        """Only the proof format is editable: it goes through issuers.set_proof_format, which audits the change
        (``issuer.proof_format_changed``); an unchanged value writes nothing."""
        if change and "cryptosuite" in form.changed_data:
            issuers.set_proof_format(obj, form.cleaned_data["cryptosuite"], actor=request.user)

    @admin.display(description=_("Signatories on certificates"))
    def signatories_shown(self, obj):
        return ", ".join(str(s) for s in signatories.signatories_shown(obj)) or "—"

    def has_module_permission(self, request):
        return can_manage_issuers(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_add_permission(self, request):
        return False  # issuers are created with their keys (manage.py create_issuer_keys)

    def has_delete_permission(self, request, obj=None):
        return False  # credentials name their issuer for ever

    def save_formset(self, request, form, formset, change):
        """Save the signatories and write one audit event for each one added, changed or deleted (the admin
        runs the whole change in one transaction: a refused form saves nothing and records nothing)."""
        if formset.model is not IssuerSignatory:
            formset.save()
            return
        # Recorded before the rows go, while they still have their primary keys.
        for signatory in [f.instance for f in formset.deleted_forms if f.instance.pk]:
            signatories.record_signatory_change(
                actor=request.user, signatory=signatory, change="deleted", fields=["name", "title"]
            )
        formset.save()
        for signatory in formset.new_objects:
            signatories.record_signatory_change(
                actor=request.user, signatory=signatory, change="added", fields=_fields(signatory, None)
            )
        for signatory, changed in formset.changed_objects:
            signatories.record_signatory_change(
                actor=request.user, signatory=signatory, change="changed", fields=_fields(signatory, changed)
            )


def _fields(signatory: IssuerSignatory, changed: list[str] | None) -> list[str]:
    """The model fields an inline form's changes touched (the upload and removal boxes change ``signature``)."""
    kept = ["order", "name", "title", "active", "serves_from", "serves_until"]
    names = [*kept, "signature"] if changed is None else list(changed)
    fields = [name for name in names if name in kept]
    if changed is None or {"signature_file", "remove_signature"} & set(names):
        fields.append("signature")
    return fields


class TrustedRegistryForm(forms.ModelForm):
    """Another alliance's registry: an HTTPS address (not ours: our registry is trusted already) and the did:web
    identifier that must have signed it. A bad value is refused with its reason and nothing is saved."""

    url = forms.URLField(
        label=TrustedRegistry._meta.get_field("url").verbose_name,
        max_length=500,
        assume_scheme="https",
        help_text=TrustedRegistry._meta.get_field("url").help_text,
    )

    class Meta:
        model = TrustedRegistry
        fields = ["name", "url", "signer_did", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line)

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        problem = trust_registry.registry_url_problem(url)
        if problem:
            raise ValidationError(problem)
        return url

    def clean_signer_did(self):
        did = (self.cleaned_data.get("signer_did") or "").strip()
        problem = trust_registry.signer_did_problem(did)
        if problem:
            raise ValidationError(problem)
        return did


@admin.register(TrustedRegistry)
class TrustedRegistryAdmin(admin.ModelAdmin):
    """The issuer registries of other alliances our verifier consults; ours is trusted without a row. Every
    addition, change and removal is audited (``trusted_registry.*``)."""

    form = TrustedRegistryForm
    list_display = ["name", "url", "signer_did", "enabled", "last_fetched_at", "last_error"]
    list_filter = ["enabled"]
    search_fields = ["name", "url", "signer_did"]
    readonly_fields = ["last_fetched_at", "last_error"]

    def has_module_permission(self, request):
        return can_manage_issuers(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_add_permission(self, request):
        return can_manage_issuers(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage_issuers(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        trust_registry.record_registry_change(
            actor=request.user,
            registry=obj,
            change="changed" if change else "added",
            fields=list(form.changed_data) if change else ["name", "url", "signer_did", "enabled"],
        )

    def delete_model(self, request, obj):
        trust_registry.record_registry_change(actor=request.user, registry=obj, change="deleted", fields=[])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for registry in queryset:
            trust_registry.record_registry_change(actor=request.user, registry=registry, change="deleted", fields=[])
        super().delete_queryset(request, queryset)
