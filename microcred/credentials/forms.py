from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=1024 * 1024,
    )
    file = forms.FileField(label=_("Or upload a file (JSON, PNG or SVG)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("credential", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste a credential or choose a file."))
        return data
