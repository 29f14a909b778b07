"""Seal certificates on the admin site (the alliance admin): install one for an issuer by uploading its PEM chain
and PKCS#8 key, or one PKCS#12 file; everything is checked before anything is stored (certificates.check_material),
and installing or revoking is audited (services). A certificate is never edited: a new one is installed."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred.credentials.models import Issuer
from microcred.seals import certificates, services
from microcred.seals.models import SealCertificate, TrustedSealAuthority
from microcred.seals.permissions import can_manage_seals

MAX_UPLOAD_BYTES = 256 * 1024


def _read(upload) -> bytes | None:
    if upload is None:
        return None
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(gettext("The file is larger than 256 KB; a certificate or key is much smaller."))
    return upload.read()


class InstallSealForm(forms.ModelForm):
    chain_file = forms.FileField(
        label=_("Certificate chain (PEM)"),
        required=False,
        help_text=_("The seal's certificate first, then each issuing CA certificate."),
    )
    key_file = forms.FileField(label=_("Private key (PKCS#8, PEM or DER)"), required=False)
    key_password = forms.CharField(
        label=_("Private key password"), required=False, strip=False, widget=forms.PasswordInput
    )
    pkcs12_file = forms.FileField(
        label=_("Or: PKCS#12 file (.p12, .pfx)"), required=False, help_text=_("Holding the key and its chain.")
    )
    pkcs12_password = forms.CharField(
        label=_("PKCS#12 password"), required=False, strip=False, widget=forms.PasswordInput
    )

    class Meta:
        model = SealCertificate
        fields = ["issuer"]

    def clean(self):
        cleaned = super().clean()
        issuer = cleaned.get("issuer")
        if issuer is None or self.errors:
            return cleaned
        chain_pem, key_data, pkcs12_data = (
            _read(cleaned.get("chain_file")),
            _read(cleaned.get("key_file")),
            _read(cleaned.get("pkcs12_file")),
        )
        try:
            if pkcs12_data:
                if chain_pem or key_data:
                    raise certificates.CertificateError(
                        gettext("Upload either a PKCS#12 file or a PEM chain with its key, not both.")
                    )
                chain, key = certificates.load_pkcs12(pkcs12_data, cleaned.get("pkcs12_password", "").encode() or None)
                chain = services.ordered_chain(chain)
            elif chain_pem and key_data:
                chain = certificates.load_chain_pem(chain_pem)
                key = certificates.load_private_key(key_data, cleaned.get("key_password", "").encode() or None)
            else:
                raise certificates.CertificateError(
                    gettext("Upload the certificate chain (PEM) and the private key (PKCS#8), or a PKCS#12 file.")
                )
            certificates.check_material(
                chain,
                key,
                did=issuer.did,
                legal_identifier=services.legal_identifier_of(issuer),
                at=datetime.now(UTC),
            )
        except certificates.CertificateError as exc:
            raise ValidationError(str(exc)) from exc
        if SealCertificate.objects.filter(fingerprint_sha256=certificates.fingerprint(chain[0])).exists():
            raise ValidationError(gettext("This certificate is already installed."))
        self.material = (chain, key)
        return cleaned


class RevokeSealForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("Revoke this seal certificate"), required=False)
    reason = forms.CharField(label=_("Reason for revocation"), required=False, widget=forms.Textarea)

    class Meta:
        model = SealCertificate
        fields = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revoke") and not (cleaned.get("reason") or "").strip():
            raise ValidationError(gettext("Give the reason for revoking the seal certificate."))
        if cleaned.get("revoke") and self.instance.revoked_at is not None:
            raise ValidationError(gettext("This seal certificate is already revoked."))
        return cleaned


@admin.register(SealCertificate)
class SealCertificateAdmin(admin.ModelAdmin):
    list_display = ["issuer", "subject", "not_after", "is_test_seal", "active", "revoked_at"]
    list_filter = ["is_test_seal", "active"]
    search_fields = ["issuer__name", "issuer__slug", "subject", "fingerprint_sha256"]
    readonly = [
        "issuer", "subject", "issuer_name", "serial_number", "fingerprint_sha256", "not_before", "not_after",
        "is_test_seal", "active", "revoked_at", "revocation_reason", "chain_pem",
    ]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = RevokeSealForm if obj is not None else InstallSealForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["issuer", "chain_file", "key_file", "key_password", "pkcs12_file", "pkcs12_password"]
        return [*self.readonly, "revoke", "reason"] if obj.revoked_at is None else self.readonly

    def get_readonly_fields(self, request, obj=None):
        return self.readonly if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "issuer":
            kwargs["queryset"] = Issuer.objects.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Installing and revoking go through the services, which check again and audit."""
        if not change:
            chain, key = form.material
            installed = services.install_seal_certificate(
                issuer=form.cleaned_data["issuer"], chain=chain, private_key=key, actor=request.user
            )
            obj.pk = installed.pk
            obj.refresh_from_db()
        elif form.cleaned_data.get("revoke"):
            services.revoke_seal_certificate(obj, reason=form.cleaned_data["reason"], actor=request.user)

    def has_module_permission(self, request):
        return can_manage_seals(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_seals(request.user)

    def has_add_permission(self, request):
        return can_manage_seals(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_seals(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # sealed files name the certificate; revoke it instead


class AddAuthorityForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label=_("CA certificate (PEM)"),
        help_text=_(
            "The certificate of the certification authority (in production, a qualified trust service provider on "
            "the EU Trusted Lists) under which other issuers' seal certificates are issued."
        ),
    )

    class Meta:
        model = TrustedSealAuthority
        fields = ["name"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.certificate_pem = _read(cleaned.get("certificate_file"))
        try:  # everything the service checks, before anything is stored
            chain = certificates.load_chain_pem(self.certificate_pem)
        except certificates.CertificateError as exc:
            raise ValidationError(str(exc)) from exc
        problem = (
            gettext("Upload exactly one CA certificate (PEM).")
            if len(chain) != 1
            else certificates.authority_problem(chain[0], at=datetime.now(UTC))
        )
        if problem:
            raise ValidationError(problem)
        return cleaned


@admin.register(TrustedSealAuthority)
class TrustedSealAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "not_after", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "subject", "fingerprint_sha256"]
    readonly = ["name", "subject", "fingerprint_sha256", "not_after", "certificate_pem"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddAuthorityForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "certificate_file"] if obj is None else [*self.readonly, "enabled"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Adding and (un)trusting go through the services, which check again and audit."""
        if not change:
            added = services.add_trusted_seal_authority(
                name=form.cleaned_data["name"], certificate_pem=form.certificate_pem, actor=request.user
            )
            obj.pk = added.pk
            obj.refresh_from_db()
        else:
            stored = TrustedSealAuthority.objects.get(pk=obj.pk)  # the form has already set obj's fields
            services.set_trusted_seal_authority_enabled(stored, form.cleaned_data["enabled"], actor=request.user)
            obj.refresh_from_db()

    def has_module_permission(self, request):
        return can_manage_seals(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_seals(request.user)

    def has_add_permission(self, request):
        return can_manage_seals(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_seals(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # stop trusting it instead: the audit log names it
