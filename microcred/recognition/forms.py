"""The recognition forms: each field says what is asked, with a maximum length; the services validate again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.catalogue.models import MicroCredential
from microcred.core.text import COMMENT_TEXT, LINE_TEXT
from microcred.recognition.models import MAX_ECTS, Outcome
from microcred.reference.models import Institution

PASTE_TEXT = 1_048_576  # one megabyte: the verifier's limit for a credential
OTHER = "other"
RECEIVED = "received:"  # + the uuid of a credential from another issuer in her wallet (wallet.ReceivedCredential)


def universities():
    return Institution.objects.filter(is_alliance=False).order_by("name")


class RequestForm(forms.Form):
    credential = forms.ChoiceField(
        label=_("Credential"),
        help_text=_(
            "One of the credentials in your wallet (ours, or another issuer's you added to it), or another issuer's "
            "credential you upload or paste."
        ),
    )
    upload = forms.FileField(
        label=_("Another issuer's credential: file"),
        required=False,
        max_length=200,
        help_text=_("An Open Badges 3.0 credential as JSON, or a badge image (PNG or SVG) with the credential in it."),
    )
    pasted = forms.CharField(
        label=_("Another issuer's credential: or paste its JSON"),
        required=False,
        max_length=PASTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    institution = forms.ModelChoiceField(label=_("University"), queryset=Institution.objects.none())
    programme = forms.CharField(label=_("Programme"), max_length=LINE_TEXT, help_text=_("The programme you study in."))
    course_hoped = forms.CharField(
        label=_("Course or module it may replace (optional)"), max_length=LINE_TEXT, required=False
    )
    message = forms.CharField(
        label=_("Message to the recognition officer (optional)"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, credentials=(), received=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = universities()
        self.fields["credential"].choices = (
            [
                (
                    str(c.uuid),
                    f"{c.micro_credential_version.title if c.micro_credential_version else c.issuer.name} "
                    f"({c.issuer.name}, {c.awarded_on:%Y-%m-%d})",
                )
                for c in credentials
            ]
            + [
                (
                    RECEIVED + str(r.uuid),
                    _("%(title)s (%(issuer)s, from another issuer, verified on %(date)s)")
                    % {
                        "title": r.title or r.issuer_name,
                        "issuer": r.issuer_name or r.issuer_id,
                        "date": f"{r.checked_at:%Y-%m-%d}",
                    },
                )
                for r in received
            ]
            + [(OTHER, _("Another issuer's credential (upload or paste it below)"))]
        )

    def clean(self):
        data = super().clean()
        if data.get("credential") == OTHER and not data.get("upload") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError(_("Upload or paste the other issuer's credential."))
        upload = data.get("upload")
        if upload is not None and upload.size > 32 * 1024 * 1024:
            self.add_error("upload", _("The file is too large."))
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    ects = forms.DecimalField(
        label=_("ECTS credits recognised"),
        required=False,
        min_value=0.1,
        max_value=MAX_ECTS,
        max_digits=5,
        decimal_places=1,
        help_text=_("For a recognition, in full or in part."),
    )
    recognised_as = forms.CharField(label=_("Recognised as (course or module)"), max_length=LINE_TEXT, required=False)
    not_recognised = forms.CharField(
        label=_("What is not recognised (in part only)"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal; the learner reads it."),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you appeal"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class AgreementForm(forms.Form):
    micro_credential = forms.ModelChoiceField(label=_("Micro-credential"), queryset=MicroCredential.objects.none())
    institution = forms.ModelChoiceField(label=_("University"), queryset=Institution.objects.none())
    programme = forms.CharField(label=_("Programme"), max_length=LINE_TEXT)
    course = forms.CharField(label=_("Course or module"), max_length=LINE_TEXT)
    ects = forms.DecimalField(
        label=_("ECTS credits"), min_value=0.1, max_value=MAX_ECTS, max_digits=5, decimal_places=1
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note (optional)"), max_length=COMMENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_credential"].queryset = MicroCredential.objects.order_by("slug")
        self.fields["institution"].queryset = institutions if institutions is not None else universities()
