from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.reference.models import LabelLanguage

MIN_SEARCH_LENGTH = 2


class EscoSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search ESCO"),
        min_length=MIN_SEARCH_LENGTH,
        max_length=200,
        help_text=_("The start of a skill or occupation name, or of one of its words, e.g. “project” or “nurse”."),
    )
    kind = forms.ChoiceField(
        label=_("Look for"),
        choices=[("skills", _("Skills and knowledge")), ("occupations", _("Occupations"))],
        initial="skills",
        required=False,
        widget=forms.RadioSelect,
    )
    lang = forms.ChoiceField(
        label=_("Labels in"),
        choices=[("", _("all languages")), *LabelLanguage.choices],
        required=False,
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or "skills"
