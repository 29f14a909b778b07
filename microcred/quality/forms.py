from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.catalogue.models import MicroCredential
from microcred.core.text import COMMENT_TEXT, validate_single_line
from microcred.proposals.models import Meeting
from microcred.quality.models import TITLE_TEXT, Recommendation


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_TEXT, validators=[validate_single_line])
    meeting = forms.ModelChoiceField(label=_("Academic Council meeting"), queryset=None, empty_label=None)
    period_start = forms.DateField(
        label=_("Offerings ended from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Offerings ended until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    micro_credentials = forms.ModelMultipleChoiceField(
        label=_("Micro-credentials"),
        queryset=MicroCredential.objects.order_by("slug"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Leave empty to cover every micro-credential with an offering that ended in the period (without a "
            "period: so far)."
        ),
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class RecommendationForm(forms.Form):
    micro_credential = forms.ModelChoiceField(
        label=_("Micro-credential"), queryset=MicroCredential.objects.order_by("slug")
    )
    text = forms.CharField(label=_("Recommendation"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    meeting = forms.ModelChoiceField(
        label=_("Academic Council meeting that made it (optional)"),
        queryset=Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL).order_by("-date"),
        required=False,
    )

    def __init__(self, *args, micro_credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        if micro_credentials is not None:  # on a report's page: one of its micro-credentials, at its meeting
            del self.fields["meeting"]
            self.fields["micro_credential"].queryset = micro_credentials
            self.fields["micro_credential"].empty_label = None


class CloseForm(forms.Form):
    how = forms.ChoiceField(
        label=_("How it closes"),
        choices=[
            (Recommendation.Closure.DONE_OTHERWISE, Recommendation.Closure.DONE_OTHERWISE.label),
            (Recommendation.Closure.NOT_FOLLOWED, Recommendation.Closure.NOT_FOLLOWED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class LinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of an open change proposal of this micro-credential"),
        max_length=20,
        validators=[validate_single_line],
    )
