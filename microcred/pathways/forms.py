"""The pathway forms: start a proposal, write it (its rule as rows of requirements), search, retire."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT, SECTION_TEXT, validate_single_line
from microcred.pathways import rules, selectors

TYPE_CHOICES = [
    ("", _("— no requirement —")),
    (rules.ALL_OF, _("All of these")),
    (rules.N_OF, _("A number of these")),
    (rules.MIN_ECTS, _("At least a number of ECTS credits from these")),
]


class StartForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200, validators=[validate_single_line])
    institution = forms.ModelChoiceField(label=_("Lead university"), queryset=None, empty_label=None)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


class PathwayForm(forms.Form):
    """The pathway's own fields and its rule, as up to MAX_REQUIREMENTS rows: the kind of requirement, how many (a
    number of), how many ECTS (at least N ECTS) and the micro-credentials it lists."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    description = forms.CharField(
        label=_("Description"),
        max_length=SECTION_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the pathway prepares for, and for whom."),
    )
    co_leads = forms.ModelMultipleChoiceField(
        label=_("Co-leading universities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The other universities behind the pathway (the lead is the proposing university)."),
    )
    pinned_only = forms.BooleanField(
        label=_("Only the versions of the components approved with the pathway count"),
        required=False,
        help_text=_("Leave unticked and a credential for a later version of a component counts too."),
    )
    has_financial_implications = forms.BooleanField(
        label=_("The pathway has financial or resource implications (the Executive Board reviews them)"),
        required=False,
    )
    financial_implications = forms.CharField(
        label=_("Financial or resource implications"),
        max_length=SECTION_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rule: dict | None = None, lead_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_leads"].queryset = selectors.member_universities().exclude(pk=lead_id)
        existing = list((rule or {}).get("requirements") or [])
        self.row_count = min(rules.MAX_REQUIREMENTS, max(3, len(existing) + 1))
        choices = selectors.proposable_components()
        listed = {c for r in existing if isinstance(r, dict) for c in r.get("components") or [] if isinstance(c, int)}
        offered = {value for value, _label in choices}
        # A component of the saved rule that can no longer be chosen (retired since) stays visible, named as such,
        # so the proposer sees it and replaces it.
        for component, facts in selectors.component_facts(listed - offered).items():
            choices.append((component, _("%(title)s (retired)") % {"title": facts.title}))
        for n in range(1, self.row_count + 1):
            initial = existing[n - 1] if n <= len(existing) and isinstance(existing[n - 1], dict) else {}
            self.fields[f"type_{n}"] = forms.ChoiceField(
                label=_("Requirement %(n)d") % {"n": n},
                choices=TYPE_CHOICES,
                required=False,
                initial=initial.get("type", ""),
            )
            self.fields[f"n_{n}"] = forms.IntegerField(
                label=_("Requirement %(n)d: how many (for “a number of”)") % {"n": n},
                min_value=1,
                max_value=rules.MAX_COMPONENTS,
                required=False,
                initial=initial.get("n"),
            )
            self.fields[f"ects_{n}"] = forms.DecimalField(
                label=_("Requirement %(n)d: ECTS credits (for “at least … ECTS”)") % {"n": n},
                min_value=Decimal("0.5"),
                max_value=rules.MAX_ECTS,
                max_digits=5,
                decimal_places=1,
                required=False,
                initial=initial.get("ects"),
            )
            self.fields[f"components_{n}"] = forms.TypedMultipleChoiceField(
                label=_("Requirement %(n)d: micro-credentials") % {"n": n},
                choices=choices,
                coerce=int,
                required=False,
                initial=initial.get("components", []),
                widget=forms.SelectMultiple(attrs={"size": 6}),
            )

    def rows(self):
        """The requirement rows' bound fields, for the template: (number, type, n, ects, components)."""
        return [
            (n, self[f"type_{n}"], self[f"n_{n}"], self[f"ects_{n}"], self[f"components_{n}"])
            for n in range(1, self.row_count + 1)
        ]

    def clean(self):
        data = super().clean()
        requirements = []
        for n in range(1, self.row_count + 1):
            kind, components = data.get(f"type_{n}") or "", data.get(f"components_{n}") or []
            if not kind:
                if components:
                    self.add_error(f"type_{n}", _("Choose the kind of requirement for the micro-credentials chosen."))
                continue
            requirement = {"type": kind, "components": components}
            if kind == rules.N_OF:
                requirement["n"] = data.get(f"n_{n}")
            if kind == rules.MIN_ECTS:
                ects = data.get(f"ects_{n}")
                requirement["ects"] = str(ects) if ects is not None else None
            requirements.append(requirement)
        data["rule"] = {"requirements": requirements}
        return data


class SearchForm(forms.Form):
    search = forms.CharField(label=_("Search titles, descriptions and components"), max_length=200, required=False)
    university = forms.ChoiceField(label=_("University"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].choices = [("", _("Any"))] + [
            (i.slug, i.name) for i in selectors.member_universities()
        ]


class ChangeForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Proposed by"), queryset=None, empty_label=None)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is retired"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
