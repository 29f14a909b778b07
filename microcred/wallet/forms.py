from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.core.text import PASSWORD_TEXT


class ShareLinkForm(forms.Form):
    EXPIRY = [
        ("", _("Never (until I withdraw it)")),
        ("7", _("After 7 days")),
        ("30", _("After 30 days")),
        ("365", _("After a year")),
    ]
    label = forms.CharField(
        label=_("Note for yourself (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example who you send it to. Only you see it."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("The link stops working"), choices=EXPIRY, required=False, coerce=int, empty_value=None
    )


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        max_length=PASSWORD_TEXT,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("I understand that my account and personal data will be erased for good."))


class ReceiveForm(forms.Form):
    """Another issuer's credential, pasted or uploaded (the limits of /verify/: 2 MB; the services check again)."""

    upload = forms.FileField(
        label=_("Upload the credential"),
        required=False,
        max_length=200,
        help_text=_(
            "Open Badges 3.0: the credential as JSON, or its badge image (PNG or SVG). SD-JWT VC: a .jwt or .txt "
            "file. Sealed European Learning Model credential: its JSON file."
        ),
    )
    pasted = forms.CharField(
        label=_("Or paste it"),
        required=False,
        max_length=1024 * 1024,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The credential's JSON, or the SD-JWT VC in its compact form (text with dots and tildes)."),
    )
    confirm_mine = forms.BooleanField(
        label=_("This credential was issued to me."),
        required=False,
        help_text=_("Asked only when the credential names no e-mail address, DID or name we can compare with yours."),
    )

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("upload"), (data.get("pasted") or "").strip()
        if upload and pasted:
            raise forms.ValidationError(_("Upload a file or paste the credential, not both."))
        if not upload and not pasted and not self.errors:
            raise forms.ValidationError(_("Upload or paste the credential."))
        return data
