"""The proposal form in sections, the learning-outcome formset, and the small action forms.

Every field may be left empty in a draft; what a submission needs is decided by the checklist, whose
messages are shown next to these fields.
"""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from microcred.core.text import COMMENT_TEXT, DOCUMENT_TEXT, SECTION_TEXT, validate_single_line
from microcred.proposals.checklist import policy_for
from microcred.proposals.choices import AssessmentType, CredentialType, FormOfParticipation, Kind, Language
from microcred.proposals.documents import MAX_DOCUMENT_BYTES
from microcred.proposals.models import AgendaPaper, Decision, Meeting, ProposalVersion, Review, SupportingDocument
from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel, Institution
from microcred.reference.selectors import policy_in_force
from microcred.reference.widgets import EscoSkillField

YES_NO = [("", _("Not answered yet")), ("yes", _("Yes")), ("no", _("No"))]

# (section id, heading, policy help, field names)
SECTIONS = [
    (
        "kind",
        _("Kind of learning and credential"),
        _(
            "Formal programmes are accredited by a member university (policy 5.6); non-formal or informal activities are "
            "approved by the Academic Council and may lead to a participation badge (5.7, 7.20)."
        ),
        ["kind", "credential_type"],
    ),
    (
        "about",
        _("Title and description"),
        _("Appendix 2: title, relevance to the alliance, criteria, description."),
        ["title", "relevance", "criteria", "description"],
    ),
    (
        "universities",
        _("Universities"),
        _(
            "A formal programme has one accrediting university; joint ones add co-leads (5.6.2). A non-formal activity "
            "is developed by at least two member universities (5.7.1.1)."
        ),
        ["accrediting_institution", "co_leads", "accredited_before_submission"],
    ),
    (
        "principles",
        _("Educational principles"),
        _("Formal: at least four principles; non-formal: at least three (5.6.1.2, 5.7.1.2). Say how each is met."),
        [],
    ),
    (
        "outcomes",
        _("Learning outcomes and ESCO skills"),
        _("Each learning outcome is aligned to ESCO skills (7.16): type a few letters and choose from the list."),
        [],
    ),
    (
        "workload",
        _("Workload and level"),
        _(
            "Formal programmes give ECTS credits (1 ECTS = %(min)d–%(max)d hours) and an EQF level (7.18). Non-formal "
            "activities have neither (5.7.2)."
        ),
        ["hours", "hours_calculation", "ects", "eqf_level"],
    ),
    (
        "delivery",
        _("Delivery and assessment"),
        _(
            "Appendix 2: language, form of participation (at least one), type of assessment (at least one), supervision "
            "and identity verification."
        ),
        [
            "languages",
            "forms_of_participation",
            "delivery_modalities",
            "assessment_types",
            "supervised_assessment",
            "identity_verified",
        ],
    ),
    (
        "quality",
        _("Quality assurance"),
        _(
            "Is it accredited by a member university, supported by an internal department, or approved by the Academic "
            "Council? (Appendix 2, 7.22–7.24)"
        ),
        ["quality_assurance"],
    ),
    (
        "learners",
        _("Learners, content and completion"),
        _(
            "Target groups and the skill needs answered (7.12), content areas, prerequisites, stackability (5.12) and, "
            "for non-formal activities, completion criteria (7.20.2)."
        ),
        ["target_groups", "skill_needs", "content_areas", "prerequisites", "stackability", "completion_criteria"],
    ),
    (
        "financial",
        _("Financial or resource implications"),
        _("If there are any, the Executive Board reviews the proposal after the Academic Council (7.7)."),
        ["has_financial_implications", "financial_implications"],
    ),
]


NOT_ASKED_FOR_NON_FORMAL = ("ects", "eqf_level", "accredited_before_submission")


def _tristate(value):
    return {"yes": True, "no": False}.get(value)


class ProposalForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    forms_of_participation = forms.MultipleChoiceField(
        label=_("Forms of participation"),
        choices=FormOfParticipation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assessment_types = forms.MultipleChoiceField(
        label=_("Types of assessment"),
        choices=AssessmentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supervised_assessment = forms.TypedChoiceField(
        label=_("Is the assessment supervised?"), choices=YES_NO, required=False, coerce=_tristate, empty_value=None
    )
    identity_verified = forms.TypedChoiceField(
        label=_("Is the learner's identity verified?"),
        choices=YES_NO,
        required=False,
        coerce=_tristate,
        empty_value=None,
    )
    accrediting_institution = forms.ModelChoiceField(
        label=_("Accrediting (or leading) university"),
        queryset=Institution.objects.filter(is_alliance=False),
        required=False,
    )
    co_leads = forms.ModelMultipleChoiceField(
        label=_("Co-lead universities"),
        queryset=Institution.objects.filter(is_alliance=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content_areas = forms.ModelMultipleChoiceField(
        label=_("Content areas"),
        queryset=ContentArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eqf_level = forms.ModelChoiceField(label=_("EQF level"), queryset=EqfLevel.objects.all(), required=False)

    class Meta:
        model = ProposalVersion
        fields = [
            "kind",
            "credential_type",
            "title",
            "relevance",
            "criteria",
            "description",
            "accrediting_institution",
            "co_leads",
            "accredited_before_submission",
            "hours",
            "hours_calculation",
            "ects",
            "eqf_level",
            "languages",
            "forms_of_participation",
            "delivery_modalities",
            "assessment_types",
            "supervised_assessment",
            "identity_verified",
            "quality_assurance",
            "target_groups",
            "skill_needs",
            "content_areas",
            "prerequisites",
            "stackability",
            "completion_criteria",
            "has_financial_implications",
            "financial_implications",
        ]
        widgets = {
            "kind": forms.RadioSelect(choices=Kind.choices),
            "credential_type": forms.RadioSelect(choices=CredentialType.choices),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [
                    "relevance",
                    "criteria",
                    "description",
                    "hours_calculation",
                    "delivery_modalities",
                    "quality_assurance",
                    "target_groups",
                    "skill_needs",
                    "prerequisites",
                    "stackability",
                    "completion_criteria",
                    "financial_implications",
                ]
            },
        }
        help_texts = {
            "hours": _("All learning: contact hours, self-study and assessment."),
            "ects": _("For formal programmes. Between hours ÷ %(max)d and hours ÷ %(min)d."),
            "accredited_before_submission": _("Formal programmes only: required before the council (5.6.1.5)."),
            "credential_type": _("A participation badge recognises engagement in a non-formal activity (7.20)."),
        }

    def __init__(self, *args, revision: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = revision
        self.fields["kind"].choices = Kind.choices
        self.fields["credential_type"].choices = CredentialType.choices
        inst = kwargs.get("instance")
        if inst is not None and not self.is_bound:
            for name in ("supervised_assessment", "identity_verified"):
                value = getattr(inst, name)
                self.initial[name] = "" if value is None else ("yes" if value else "no")
        self.fields["title"].required = False
        # The hours per ECTS credit of the policy the proposal is checked against (policy 7.18, 10.2).
        policy = policy_for(inst) if inst is not None and inst.pk else policy_in_force()
        self.hours_per_ects = {
            "min": policy.hours_per_ects_min if policy else 25,
            "max": policy.hours_per_ects_max if policy else 30,
        }
        self.fields["ects"].help_text = self.fields["ects"].help_text % self.hours_per_ects
        self.fields["title"].validators.append(validate_single_line)  # it becomes e-mail subjects (one line)
        # Policy 5.7.2: a non-formal activity has no ECTS credits, EQF level or prior accreditation,
        # so the form does not ask for them.
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else getattr(inst, "kind", Kind.FORMAL)
        if kind == Kind.NON_FORMAL:
            for name in NOT_ASKED_FOR_NON_FORMAL:
                del self.fields[name]

    def sections(self):
        for key, heading, help_text, names in SECTIONS:
            fields = [self[n] for n in names if n in self.fields]
            help_text = help_text % self.hours_per_ects if key == "workload" else help_text
            yield {"id": key, "heading": heading, "help": help_text, "fields": fields}


class PrincipleForm(forms.Form):
    """One checkbox and one 'how it is met' text per educational principle."""

    def __init__(self, *args, chosen: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = chosen or {}
        self.principles = list(EducationalPrinciple.objects.all())
        for p in self.principles:
            self.fields[f"principle_{p.pk}"] = forms.BooleanField(
                label=p.name,
                required=False,
                initial=p.pk in chosen,
                help_text=_("To be confirmed by the alliance") if p.status == "to_confirm" else "",
            )
            self.fields[f"how_{p.pk}"] = forms.CharField(
                label=_("How “%(name)s” is met") % {"name": p.name},
                required=False,
                max_length=SECTION_TEXT,
                initial=chosen.get(p.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        for p in self.principles:
            yield p, self[f"principle_{p.pk}"], self[f"how_{p.pk}"]

    def chosen(self) -> list[tuple[EducationalPrinciple, str]]:
        return [
            (p, self.cleaned_data.get(f"how_{p.pk}", "").strip())
            for p in self.principles
            if self.cleaned_data.get(f"principle_{p.pk}")
        ]


class OutcomeForm(forms.Form):
    text = forms.CharField(
        label=_("Learning outcome"), max_length=COMMENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    skill_1 = EscoSkillField(label=_("ESCO skill"), required=False)
    skill_2 = EscoSkillField(label=_("Another ESCO skill"), required=False)
    skill_3 = EscoSkillField(label=_("Another ESCO skill"), required=False)

    def skills(self):
        return [s for s in (self.cleaned_data.get(f"skill_{i}") for i in (1, 2, 3)) if s is not None]


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=2, max_num=20, validate_max=True)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF, DOCX or ODT, up to 10 MB)"))
    purpose = forms.ChoiceField(label=_("What it is"), choices=SupportingDocument.Purpose.choices)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": f.size / 1024 / 1024}
            )
        return f


class ActionForm(forms.Form):
    action = forms.CharField(max_length=60, widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"), max_length=COMMENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["comment", "recommendation", "panel_score"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    """The outcome (radios: one of the four decisions, no empty choice) and its rationale. A plain form, not a
    model form: the conditions of an approval with conditions are stated row by row (ConditionRowsForm) and
    checked by services.record_decision, which says what is missing."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision."), "invalid_choice": _("Choose a decision.")},
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=COMMENT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the rationale for the decision.")},
    )


class ConditionRowsForm(forms.Form):
    """The conditions of an approval with conditions, one per row, each with its due date (empty: the default,
    CONDITION_DUE_DAYS after the decision). Rows left empty are ignored."""

    ROWS = 5

    def items(self):
        from microcred.proposals.conditions import ConditionInput

        rows = []
        for n in range(1, self.ROWS + 1):
            text, due_on = self.cleaned_data.get(f"text_{n}") or "", self.cleaned_data.get(f"due_{n}")
            if text.strip() or due_on:
                rows.append(ConditionInput(text, due_on))
        return rows


def _numbered(text: str, n: int) -> str:
    from django.utils.translation import gettext

    return gettext(text) % {"n": n}  # the label in the language of the request


_numbered_lazy = lazy(_numbered, str)

for _n in range(1, ConditionRowsForm.ROWS + 1):
    ConditionRowsForm.base_fields[f"text_{_n}"] = forms.CharField(
        label=_numbered_lazy(gettext_noop("Condition %(n)d"), _n),
        max_length=COMMENT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ConditionRowsForm.base_fields[f"due_{_n}"] = forms.DateField(
        label=_numbered_lazy(gettext_noop("Condition %(n)d due by"), _n),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConditionReportForm(forms.Form):
    account = forms.CharField(
        label=_("How the condition was met"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConditionReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not met yet"), max_length=COMMENT_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["body", "date", "location"]
        widgets = {"date": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].validators.append(validate_single_line)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=DOCUMENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class PaperForm(forms.Form):
    """A paper the meeting notes (a quality report, a KPI report), placed by the board secretary."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaPaper.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    presenter = forms.ModelChoiceField(label=_("Presented by"), queryset=None)
    file = forms.FileField(
        label=_("The paper (PDF, at most 10 MB)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )

    def __init__(self, *args, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = presenters

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class PaperNotedForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (optional)"), max_length=COMMENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    scope = forms.CharField(label=_("Scope"), max_length=SECTION_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    panel_review = forms.BooleanField(label=_("Panel review before the council"), required=False)
