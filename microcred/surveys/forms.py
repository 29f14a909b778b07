"""The quality office's question form: the question and its options in every interface language (English
required, the others falling back to English), options one per line."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT
from microcred.surveys.models import QUESTION_TEXT, Question
from microcred.surveys.services import QuestionSpec


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                max_length=QUESTION_TEXT,
                required=code == "en",
                help_text=None if code == "en" else _("Optional: English is shown when left empty."),
            )
        for code, name in settings.LANGUAGES:
            self.fields[f"options_{code}"] = forms.CharField(
                label=_("Options (%(language)s), one per line") % {"language": name},
                max_length=COMMENT_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Only for choice questions. Give the options in the same order in every language.")
                if code == "en"
                else _("Optional: the English option is shown where a line is missing."),
            )

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {"kind": question.kind, "required": question.required}
        choices = list(question.choices.all())
        for code, _name in settings.LANGUAGES:
            initial[f"text_{code}"] = question.text.get(code, "")
            initial[f"options_{code}"] = "\n".join(c.label_text.get(code, "") for c in choices).rstrip("\n")
        return initial

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        lines = {
            code: [line.strip() for line in (data.get(f"options_{code}") or "").splitlines()]
            for code, _name in settings.LANGUAGES
        }
        english = [line for line in lines["en"] if line]
        choices = []
        for index, label in enumerate(english):
            labels = {"en": label}
            for code, _name in settings.LANGUAGES:
                others = [line for line in lines[code] if line] if code != "en" else []
                if code != "en" and index < len(others):
                    labels[code] = others[index]
            choices.append(labels)
        return QuestionSpec(
            kind=data["kind"],
            required=data.get("required", False),
            text={code: data.get(f"text_{code}") or "" for code, _name in settings.LANGUAGES},
            choices=choices,
        )


class ResultsFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Answered by"),
        choices=[("learners", _("Learners")), ("staff", _("Teaching staff"))],
        required=False,
    )
    by = forms.ChoiceField(
        label=_("Over time, by"),
        choices=[("academic_year", _("Academic year")), ("offering", _("Offering"))],
        required=False,
    )
