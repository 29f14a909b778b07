"""A reusable ESCO skill picker for forms (e.g. aligning a learning outcome to an ESCO skill).

Without JavaScript it is a text box: the person types the skill's exact ESCO name (or URI) and the field
resolves it. `static/js/esco-picker.js` turns it into an ARIA 1.2 combobox with type-ahead suggestions from
`/api/v1/skills`; choosing one puts the skill's URI into a hidden input.

Usage::

    from microcred.reference.widgets import EscoSkillField

    class OutcomeForm(forms.Form):
        skill = EscoSkillField(label=_("ESCO skill"), required=False)

    # template: {{ form.media }} once, then the field as usual. cleaned_data["skill"] is an EscoSkill.

`EscoSkillPickerWidget` alone can be used with any field whose value is a skill URI.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from microcred.reference import selectors
from microcred.reference.models import EscoSkill

TEXT_SUFFIX = "_text"


class EscoSkillPickerWidget(forms.Widget):
    template_name = "reference/widgets/esco_skill_picker.html"

    class Media:
        js = ["js/esco-picker.js"]
        css = {"all": ["css/esco-picker.css"]}

    def __init__(self, attrs=None, endpoint: str = "api-v1:skills", language: str | None = None, min_chars: int = 2):
        super().__init__(attrs)
        self.endpoint = endpoint
        self.language = language
        self.min_chars = min_chars

    def format_value(self, value):
        if isinstance(value, EscoSkill):
            return value.uri
        return "" if value in (None, "") else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        uri = context["widget"]["value"]
        text = ""
        if uri.startswith(("http://", "https://")):
            text = EscoSkill.objects.filter(uri=uri).values_list("preferred_label", flat=True).first() or uri
        elif uri:
            text, uri = uri, ""  # a typed label that did not resolve: give it back to the person
        context["widget"].update(
            {
                "uri": uri,
                "text": text,
                "text_name": name + TEXT_SUFFIX,
                "endpoint": reverse(self.endpoint),
                "language": self.language or "",
                "min_chars": self.min_chars,
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        uri = (data.get(name) or "").strip()
        text = (data.get(name + TEXT_SUFFIX) or "").strip()
        if uri and text:
            # The hidden URI belongs to the text only if the text is still that skill's name (or the URI itself).
            label = EscoSkill.objects.filter(uri=uri).values_list("preferred_label", flat=True).first()
            return uri if text in (label, uri) else text
        return text or uri

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def id_for_label(self, id_):
        return id_


class EscoSkillField(forms.ModelChoiceField):
    """A current ESCO skill, chosen with the picker or typed as its exact name or URI. Cleans to an EscoSkill."""

    widget = EscoSkillPickerWidget
    default_error_messages = {
        "invalid_choice": _(
            "Choose a skill from the suggestions, or type its exact ESCO name (see the skills look-up page)."
        ),
        "ambiguous": _("Several ESCO skills have this name; choose one from the suggestions."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", EscoSkill.objects.filter(is_current=True))
        kwargs.setdefault("to_field_name", "uri")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str) and not value.startswith(("http://", "https://")):
            matches = selectors.skill_by_label(value)
            if len(matches) > 1:
                raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
            if not matches:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return matches[0]
        return super().to_python(value)
