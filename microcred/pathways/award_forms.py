"""The credential officer's decision on a pathway credential whose component was revoked after the award."""

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT


class AwardReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("keep", _("Keep the pathway credential")), ("revoke", _("Revoke the pathway credential"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (needed to revoke; the learner sees it)"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
