"""The guide's forms: the three ways to name a target, and the filters (checked by `selectors.parse_filters`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.guide.selectors import MAX_TEXT
from microcred.reference.widgets import EscoSkillField

SKILL_FIELDS = 3


class SkillsForm(forms.Form):
    """Up to three ESCO skills, picked with the skill picker (or typed by their exact ESCO name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SKILL_FIELDS + 1):
            self.fields[f"skill_{n}"] = EscoSkillField(
                label=_("Skill %(n)d") % {"n": n},
                required=n == 1,
                help_text=_("Start typing its name.") if n == 1 else "",
            )

    def uris(self) -> list[str]:
        return list(
            dict.fromkeys(
                skill.uri for n in range(1, SKILL_FIELDS + 1) if (skill := self.cleaned_data.get(f"skill_{n}"))
            )
        )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Describe your goal in a sentence"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
