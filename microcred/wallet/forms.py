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
