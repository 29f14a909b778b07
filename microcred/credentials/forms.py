from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential (JSON, or an SD-JWT VC in its compact form)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=1024 * 1024,
    )
    file = forms.FileField(label=_("Or upload a file (JSON, PNG, SVG, SD-JWT or sealed ELM)"), required=False)
    # A verifier that asked a wallet for a presentation checks its key-binding JWT against what it asked for
    # (RFC 9901 §7.3): the audience (its own identifier) and the nonce it gave.
    audience = forms.CharField(
        label=_("Expected audience (SD-JWT VC key binding, optional)"),
        required=False,
        max_length=500,
        help_text=_("Your identifier as the verifier the holder presented to; leave empty if you asked for none."),
    )
    nonce = forms.CharField(
        label=_("Expected nonce (SD-JWT VC key binding, optional)"),
        required=False,
        max_length=500,
        help_text=_("The nonce you gave the holder's wallet; leave empty if you gave none."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("credential", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste a credential or choose a file."))
        return data
