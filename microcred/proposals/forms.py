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

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

# The form's sections: (section id, heading, policy help, field names). The steps of the form (steps.py) group
# them; the help cites the policy section each one answers.
SECTIONS = [
    (
        "about",
        _("Title and description"),
        _(
            "Appendix 2 of the policy asks for the title, the relevance to the alliance, the criteria and a "
            "description. The title and description are shown in the catalogue (Policy 7.17, Appendix 1)."
        ),
        ["title", "relevance", "criteria", "description"],
    ),
    (
        "universities",
        _("Universities"),
        _(
            "Policy 5.6.2: a formal programme has one accrediting university; joint ones add co-leads. Policy 5.7.1.1: "
            "a non-formal activity is developed by at least two member universities."
        ),
        ["accrediting_institution", "co_leads"],
    ),
    (
        "kind",
        _("Kind of learning and credential"),
        _(
            "Policy 5.6: formal programmes are accredited by a member university. Policy 5.7 and 7.20: non-formal or "
            "informal activities are approved by the Academic Council and may lead to a participation badge."
        ),
        ["kind", "credential_type"],
    ),
    (
        "workload",
        _("Workload and level"),
        _(
            "Policy 7.18: formal programmes give ECTS credits (1 ECTS = %(min)d–%(max)d hours) and an EQF level. "
            "Policy 5.7.2: non-formal activities have neither."
        ),
        ["hours", "hours_calculation", "ects", "eqf_level"],
    ),
    (
        "outcomes",
        _("Learning outcomes and ESCO skills"),
        _(
            "Policy 7.10: learning outcomes are measurable and specific. Write each as what the learner can do at the "
            "end, starting with an observable verb (analyse, design, apply, present), not “know” or “understand”. "
            "Policy 7.16: align each outcome to at least one ESCO skill: type a few letters and choose from the list."
        ),
        [],
    ),
    (
        "assessment",
        _("Assessment"),
        _(
            "Appendix 2: at least one type of assessment, whether it is supervised and whether the learner's identity "
            "is verified. Policy 7.20.1: for a non-formal activity the assessment is proportionate to the activity."
        ),
        ["assessment_types", "supervised_assessment", "identity_verified", "completion_criteria"],
    ),
    (
        "delivery",
        _("Delivery"),
        _(
            "Appendix 2: the language and at least one form of participation. Policy 7.13 and 7.14: any modality that "
            "fits the learning, at times and places that suit lifelong learners."
        ),
        ["languages", "forms_of_participation", "delivery_modalities"],
    ),
    (
        "learners",
        _("Learners and content"),
        _(
            "Policy 7.12: the skill needs answered and the target groups of learners. Policy 5.6.1.3: the key areas of "
            "the alliance's vision. Policy 5.12: stackability."
        ),
        ["target_groups", "skill_needs", "content_areas", "prerequisites", "stackability"],
    ),
    (
        "principles",
        _("Educational principles"),
        _(
            "Policy 5.6.1.2 and 5.7.1.2: a formal programme aligns with at least four educational principles, a "
            "non-formal activity with at least three (Policy 7.15: the principles are its scaffold). Say how each is "
            "met."
        ),
        [],
    ),
    (
        "quality",
        _("Quality assurance"),
        _(
            "Appendix 2 and Policy 7.22–7.24: is it accredited by a member university, supported by an internal "
            "department, or approved by the Academic Council?"
        ),
        ["quality_assurance", "accredited_before_submission"],
    ),
    (
        "financial",
        _("Financial or resource implications"),
        _("Policy 7.7: if there are any, the Executive Board reviews the proposal after the Academic Council."),
        ["has_financial_implications", "financial_implications"],
    ),
]

# What each field asks, where the policy asks something specific (linked to the field by aria-describedby).
FIELD_HELP = {
    "title": _("Appendix 1: the title shown in the catalogue and on the credential, on one line."),
    "relevance": _("Policy 5.6.1.3 and 6.2: how it serves the alliance's vision, mission and strategy."),
    "criteria": _("Appendix 2: who may take part, for example the entry requirements."),
    "accrediting_institution": _(
        "Policy 5.10 and 7.9: the member university responsible for accreditation (for a non-formal activity, the "
        "leading university)."
    ),
    "co_leads": _(
        "Policy 5.11: universities that develop or deliver it without accrediting it. A non-formal activity needs at "
        "least one (Policy 5.7.1.1)."
    ),
    "kind": _("Policy 5.2 to 5.7: a formal programme, or a non-formal or informal activity such as a workshop."),
    "credential_type": _("Policy 7.20: a participation badge recognises engagement in a non-formal activity."),
    "hours": _(
        "Appendix 1, notional workload: all the learner's work, contact hours, self-study and assessment together."
    ),
    "hours_calculation": _(
        "Appendix 2: show how the hours add up, for example 30 contact hours + 95 hours of self-study + 10 hours of "
        "assessment = 135 hours."
    ),
    "ects": _(
        "Policy 7.18 and Appendix 1, formal programmes only: 1 ECTS credit is %(min)d–%(max)d hours of work. "
        "Between hours ÷ %(max)d and hours ÷ %(min)d."
    ),
    "eqf_level": _(
        "Policy 7.18, formal programmes only: the European Qualifications Framework level, for example 6 "
        "(bachelor), 7 (master) or 8 (doctorate)."
    ),
    "assessment_types": _("Appendix 2: choose at least one (a participation badge may have none, Policy 7.20)."),
    "supervised_assessment": _("Appendix 2: is the assessment supervised (invigilated)?"),
    "identity_verified": _("Appendix 1: is the learner's identity checked at the assessment?"),
    "completion_criteria": _(
        "Policy 7.20.2, required for non-formal activities: what a learner must do to receive the credential, for "
        "example attend both days and submit the team's prototype."
    ),
    "languages": _("Appendix 2: the language or languages of instruction and assessment."),
    "forms_of_participation": _("Appendix 2: choose at least one."),
    "delivery_modalities": _(
        "Policy 7.13 and 7.14: online, face-to-face, blended or hybrid; when and where, and how it suits lifelong "
        "learners."
    ),
    "target_groups": _("Policy 7.12: the groups of learners it is designed for."),
    "skill_needs": _(
        "Policy 7.12 and 5.6.1.4: the skill needs or gaps it answers, and how they are known (labour-market "
        "intelligence, needs assessment, stakeholders, policy-makers)."
    ),
    "content_areas": _("Policy 5.6.1.3 and 5.7.1.3: the key areas of the alliance's vision it belongs to."),
    "prerequisites": _("Appendix 1 (optional element): what a learner should know or have done before."),
    "stackability": _(
        "Policy 5.12: can it be combined with other micro-credentials into a larger credential or a pathway? Name "
        "them if you can."
    ),
    "quality_assurance": _(
        "Appendix 1 and 2, Policy 7.22–7.24: for example “Accredited by the Faculty of Chemistry of the University "
        "of Barcelona”, “Supported by the Centre for Teaching and Learning” or “Approved by the Academic Council”."
    ),
    "accredited_before_submission": _(
        "Policy 5.6.1.5, formal programmes only: accredited and quality assured by the university before it goes to "
        "the Academic Council."
    ),
    "has_financial_implications": _("Policy 7.7: tick if it needs money or resources from the alliance."),
    "financial_implications": _("Policy 7.7.1: the Executive Board reviews the operational aspects."),
}


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
    # Yes or no as radios; neither chosen is "not answered yet" (the checklist asks for an answer).
    supervised_assessment = forms.TypedChoiceField(
        label=_("Is the assessment supervised?"),
        choices=YES_NO,
        required=False,
        coerce=_tristate,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    identity_verified = forms.TypedChoiceField(
        label=_("Is the learner's identity verified?"),
        choices=YES_NO,
        required=False,
        coerce=_tristate,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    accrediting_institution = forms.ModelChoiceField(
        label=_("Accrediting (or leading) university"),
        queryset=Institution.objects.filter(is_alliance=False),
        required=False,
        empty_label=_("Choose a university"),
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
    eqf_level = forms.ModelChoiceField(
        label=_("EQF level"), queryset=EqfLevel.objects.all(), required=False, empty_label=_("Choose a level")
    )

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

    def __init__(self, *args, revision: int, sections: tuple[str, ...] | None = None, **kwargs):
        """`sections`: the ids of the SECTIONS this form shows (one step of the form); None: all of them."""
        super().__init__(*args, **kwargs)
        self.section_ids = tuple(key for key, *_rest in SECTIONS if sections is None or key in sections)
        shown = {name for key, _heading, _help, names in SECTIONS if key in self.section_ids for name in names}
        for name in list(self.fields):
            if name != "revision" and name not in shown:
                del self.fields[name]
        for name, field in self.fields.items():
            if name in FIELD_HELP:
                field.help_text = FIELD_HELP[name]
        self.fields["revision"].initial = revision
        if "kind" in self.fields:
            self.fields["kind"].choices = Kind.choices
            self.fields["credential_type"].choices = CredentialType.choices
        inst = kwargs.get("instance")
        if inst is not None and not self.is_bound:
            for name in ("supervised_assessment", "identity_verified"):
                value = getattr(inst, name)
                self.initial[name] = "" if value is None else ("yes" if value else "no")
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].validators.append(validate_single_line)  # it becomes e-mail subjects (one line)
        # The hours per ECTS credit of the policy the proposal is checked against (policy 7.18, 10.2).
        policy = policy_for(inst) if inst is not None and inst.pk else policy_in_force()
        self.hours_per_ects = {
            "min": policy.hours_per_ects_min if policy else 25,
            "max": policy.hours_per_ects_max if policy else 30,
        }
        if "ects" in self.fields:
            self.fields["ects"].help_text = self.fields["ects"].help_text % self.hours_per_ects
        # Policy 5.7.2: a non-formal activity has no ECTS credits, EQF level or prior accreditation,
        # so the form does not ask for them. The kind is the one sent when this step asks for it, else the saved one.
        kind = getattr(inst, "kind", Kind.FORMAL)
        if self.is_bound and "kind" in self.fields:
            kind = self.data.get(self.add_prefix("kind"))
        self.kind = kind
        if kind == Kind.NON_FORMAL:
            for name in NOT_ASKED_FOR_NON_FORMAL:
                self.fields.pop(name, None)

    def sections(self):
        for key, heading, help_text, names in SECTIONS:
            if key not in self.section_ids:
                continue
            fields = [self[n] for n in names if n in self.fields]
            help_text = help_text % self.hours_per_ects if key == "workload" else help_text
            yield {"id": key, "heading": heading, "help": help_text, "fields": fields}

    def has_section(self, key: str) -> bool:
        return key in self.section_ids


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


class BaseOutcomeFormSet(forms.BaseFormSet):
    """Learning-outcome rows. Each has a "Remove" box (DELETE): ticked, the row is left out when the draft is saved.
    proposal-form.js adds and removes rows without saving (it clones `empty_form` and updates TOTAL_FORMS)."""

    default_error_messages = {
        "too_many_forms": _("A proposal has at most %(num)d learning outcomes: remove some rows."),
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this learning outcome")

    def kept(self) -> list[tuple[str, list]]:
        """(text, ESCO skills) of each row with a text that is not marked for removal, in order."""
        return [
            (f.cleaned_data["text"].strip(), f.skills())
            for f in self.forms
            if f.cleaned_data.get("text", "").strip() and not f.cleaned_data.get("DELETE")
        ]


OutcomeFormSet = forms.formset_factory(
    OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=2,
    max_num=20,
    validate_max=True,
    can_delete=True,
)


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


class CoProposerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of a colleague"),
        max_length=254,
        help_text=_(
            "A proposer at a member university. They can read, edit and send the proposal with you, and are "
            "e-mailed its steps."
        ),
    )


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
