"""The alliance admin's forms for a draft privacy notice: one field per section (GDPR Art. 13), checked with the
same rules as the shipped file (content.check_text)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.core.text import SECTION_TEXT
from microcred.privacy import services
from microcred.privacy.content import (
    CONFIRMABLE,
    LAWFUL_BASES,
    PURPOSES,
    SECTIONS,
    TEXT_KEYS,
    NoticeContentError,
    check_text,
    section_heading,
)
from microcred.privacy.models import PrivacyNotice, PrivacyNoticeText

PURPOSES_MAX = 20 * SECTION_TEXT


class PrivacyNoticeForm(forms.ModelForm):
    to_confirm = forms.MultipleChoiceField(
        label=gettext_lazy("Still to confirm"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Sections whose values the alliance has not yet confirmed; the public page marks them."),
    )

    class Meta:
        model = PrivacyNotice
        fields = ["note", "to_confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_confirm"].choices = [(key, section_heading(key)) for key in CONFIRMABLE]

    def clean_to_confirm(self):
        return [key for key in CONFIRMABLE if key in self.cleaned_data["to_confirm"]]


def purposes_as_lines(purposes) -> str:
    lines = []
    for p in purposes or []:
        if isinstance(p, dict):
            parts = [p.get("activity", ""), p.get("lawful_basis", ""), p.get("purpose", "")]
            if p.get("legitimate_interests"):
                parts.append(p["legitimate_interests"])
            lines.append(" | ".join(parts))
    return "\n".join(lines)


def purposes_from_lines(text: str) -> list[dict]:
    purposes = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|", 3)]
        if len(parts) < 3:
            raise forms.ValidationError(
                _(
                    "Line %(n)d of the purposes: write “activity | lawful basis | purpose”, and for legitimate interests “| the interests pursued”."
                )
                % {"n": n}
            )
        item = {"activity": parts[0], "lawful_basis": parts[1], "purpose": parts[2]}
        if len(parts) == 4:
            item["legitimate_interests"] = parts[3]
        purposes.append(item)
    return purposes


class PrivacyNoticeTextForm(forms.ModelForm):
    """One language's text. The sections become the text's JSON content; nothing is saved unless all are right."""

    class Meta:
        model = PrivacyNoticeText
        fields = ["language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        content = self.instance.content if isinstance(self.instance.content, dict) else {}
        required = {s.key: s.required for s in SECTIONS}
        for key in TEXT_KEYS:
            self.fields[key] = forms.CharField(
                label=section_heading(key),
                required=required.get(key, key == "title"),
                max_length=SECTION_TEXT,
                widget=forms.TextInput if key == "title" else forms.Textarea(attrs={"rows": 4}),
                initial=content.get(key, ""),
            )
        activities = ", ".join(services.activity_names())
        bases = ", ".join(LAWFUL_BASES)
        self.fields[PURPOSES] = forms.CharField(
            label=section_heading(PURPOSES),
            max_length=PURPOSES_MAX,
            widget=forms.Textarea(attrs={"rows": 8}),
            initial=purposes_as_lines(content.get(PURPOSES)),
            help_text=_(
                "One purpose a line: “activity | lawful basis | purpose”, and for legitimate interests “| the interests "
                "pursued”. Activities: %(activities)s. Lawful bases: %(bases)s."
            )
            % {"activities": activities, "bases": bases},
        )

    def clean_purposes(self):
        return purposes_from_lines(self.cleaned_data[PURPOSES])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        raw = {key: data.get(key, "") for key in TEXT_KEYS}
        raw[PURPOSES] = data.get(PURPOSES, [])
        try:
            self.instance.content = check_text(raw, services.activity_names())
        except NoticeContentError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data
