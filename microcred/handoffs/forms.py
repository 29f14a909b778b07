from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT
from microcred.handoffs.models import HandoffTask


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=HandoffTask.Status.choices)
    reason = forms.CharField(
        label=_("Reason (required to cancel)"),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
