"""The eligibility checklist (docs/product-rules.md; each rule names its policy section), computed from a proposal.

Pure: `evaluate(facts)` takes a ProposalFacts (built from a version by `facts_from_version`) and
returns every rule with its status and, for each missing element, a message naming the field.
The proposer sees it live; the secretary and the council see the same list at review time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from microcred.proposals.choices import CredentialType, Kind
from microcred.reference.selectors import policy_in_force


class RuleStatus(StrEnum):
    MET = "met"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"  # decided later in the workflow, not by the form


@dataclass(frozen=True)
class Problem:
    field: str  # the form field to fix (used as an anchor next to the field)
    message: str


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    policy: str
    status: RuleStatus
    problems: tuple[Problem, ...] = ()
    blocks_submission: bool = True

    @property
    def ok(self) -> bool:
        return self.status in (RuleStatus.MET, RuleStatus.NOT_APPLICABLE) or not self.blocks_submission


@dataclass
class ProposalFacts:
    kind: str = Kind.FORMAL
    credential_type: str = CredentialType.MICRO_CREDENTIAL
    title: str = ""
    relevance: str = ""
    description: str = ""
    criteria: str = ""
    hours: int | None = None
    hours_calculation: str = ""
    ects: Decimal | None = None
    eqf_level: int | None = None
    languages: list[str] = field(default_factory=list)
    forms_of_participation: list[str] = field(default_factory=list)
    assessment_types: list[str] = field(default_factory=list)
    quality_assurance: str = ""
    supervised_assessment: bool | None = None
    identity_verified: bool | None = None
    accrediting_institution_id: int | None = None
    co_lead_ids: list[int] = field(default_factory=list)
    accredited_before_submission: bool = False
    content_area_count: int = 0
    target_groups: str = ""
    skill_needs: str = ""
    completion_criteria: str = ""
    has_financial_implications: bool = False
    financial_implications: str = ""
    principles: list[tuple[str, str]] = field(default_factory=list)  # (name, how it is met)
    outcomes: list[tuple[str, int]] = field(default_factory=list)  # (text, number of ESCO skills)
    document_purposes: list[str] = field(default_factory=list)
    manager_approved: bool = False
    # The thresholds of the policy version the proposal is checked against (reference.PolicyVersion; policy
    # 10.2). The defaults are those of the policy approved in May 2026, for facts built without a database.
    policy_name: str = ""
    min_principles_formal: int = 4
    min_principles_non_formal: int = 3
    min_universities_non_formal: int = 2
    min_ects: Decimal = Decimal("0.1")
    max_ects: Decimal | None = None
    hours_per_ects_min: int = 25
    hours_per_ects_max: int = 30
    require_esco_alignment: bool = True
    require_supporting_documents: bool = True
    # Another micro-credential in the catalogue with the same title (issue #16, defect 3), as (its title, its page's
    # address); None when the title is free, or is that of the micro-credential this proposal changes.
    title_in_use: tuple[str, str] | None = None


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _result(code, label, policy, problems, *, applicable=True, blocks=True) -> RuleResult:
    if not applicable:
        return RuleResult(code, str(label), policy, RuleStatus.NOT_APPLICABLE, (), blocks)
    status = RuleStatus.MISSING if problems else RuleStatus.MET
    return RuleResult(code, str(label), policy, status, tuple(problems), blocks)


def _principles(f: ProposalFacts) -> RuleResult:
    needed = f.min_principles_formal if f.kind == Kind.FORMAL else f.min_principles_non_formal
    problems = []
    if len(f.principles) < needed:
        problems.append(
            Problem(
                "principles",
                str(
                    _("Choose at least %(n)d educational principles (%(have)d chosen).")
                    % {"n": needed, "have": len(f.principles)}
                ),
            )
        )
    for name, how in f.principles:
        if _blank(how):
            problems.append(Problem("principles", str(_("Say how the principle “%(name)s” is met.") % {"name": name})))
    policy = "5.6.1.2" if f.kind == Kind.FORMAL else "5.7.1.2"
    label = _("At least %(n)d educational principles, each with how it is met") % {"n": needed}
    return _result("principles", label, policy, problems)


def _universities(f: ProposalFacts) -> RuleResult:
    problems = []
    if f.accrediting_institution_id is None:
        problems.append(Problem("accrediting_institution", str(_("Name the accrediting (or leading) university."))))
    if f.kind == Kind.NON_FORMAL:
        universities = set(f.co_lead_ids) | ({f.accrediting_institution_id} - {None})
        needed = f.min_universities_non_formal
        if len(universities) < needed:
            problems.append(
                Problem(
                    "co_leads",
                    str(
                        _(
                            "A non-formal activity is developed by at least %(n)d member universities: "
                            "add a co-lead university."
                        )
                        % {"n": needed}
                    ),
                )
            )
        label = _("Developed by at least %(n)d member universities") % {"n": needed}
        return _result("universities", label, "5.7.1.1", problems)
    if f.accrediting_institution_id in f.co_lead_ids:
        problems.append(Problem("co_leads", str(_("The accrediting university cannot also be a co-lead."))))
    return _result("universities", _("One accrediting university; joint ones add co-leads"), "5.6.2", problems)


def _ects_and_eqf(f: ProposalFacts) -> RuleResult:
    applicable = f.kind == Kind.FORMAL
    problems = []
    if applicable:
        if f.ects is None or f.ects <= 0:
            problems.append(Problem("ects", str(_("Give the workload in ECTS credits."))))
        elif f.ects < f.min_ects or (f.max_ects is not None and f.ects > f.max_ects):
            limits = {"ects": _num(f.ects), "min": _num(f.min_ects)}
            if f.max_ects is None:
                message = _("%(ects)s ECTS credits are fewer than the policy's minimum of %(min)s.") % limits
            else:
                message = _("%(ects)s ECTS credits are outside the policy's %(min)s–%(max)s.") % {
                    **limits,
                    "max": _num(f.max_ects),
                }
            problems.append(Problem("ects", str(message)))
        if f.eqf_level is None:
            problems.append(Problem("eqf_level", str(_("Choose the EQF level."))))
        if f.hours is None or f.hours <= 0:
            problems.append(Problem("hours", str(_("Give the total hours of learning."))))
        elif f.ects is not None and f.ects > 0:  # hours per credit (policy 7.18)
            low, high = f.ects * f.hours_per_ects_min, f.ects * f.hours_per_ects_max
            if not (low <= f.hours <= high):
                problems.append(
                    Problem(
                        "hours",
                        str(
                            _(
                                "%(hours)d hours do not match %(ects)s ECTS: at %(min)d–%(max)d hours per ECTS that is "
                                "%(low)s–%(high)s hours."
                            )
                            % {
                                "hours": f.hours,
                                "ects": _num(f.ects),
                                "min": f.hours_per_ects_min,
                                "max": f.hours_per_ects_max,
                                "low": _num(low),
                                "high": _num(high),
                            }
                        ),
                    )
                )
    return _result(
        "ects_eqf",
        _("ECTS credits and EQF level (1 ECTS = %(min)d–%(max)d hours)")
        % {"min": f.hours_per_ects_min, "max": f.hours_per_ects_max},
        "7.18, Annex 1",
        problems,
        applicable=applicable,
    )


def _accreditation(f: ProposalFacts) -> RuleResult:
    applicable = f.kind == Kind.FORMAL
    problems = []
    if applicable and not f.accredited_before_submission:
        problems.append(
            Problem(
                "accredited_before_submission",
                str(
                    _(
                        "A formal programme must be accredited and quality assured by its university before it goes to the "
                        "council: confirm it."
                    )
                ),
            )
        )
    return _result(
        "accreditation",
        _("Accredited and quality assured by a member university before submission"),
        "5.6.1.5",
        problems,
        applicable=applicable,
    )


def _completion_criteria(f: ProposalFacts) -> RuleResult:
    applicable = f.kind == Kind.NON_FORMAL
    problems = []
    if applicable and _blank(f.completion_criteria):
        problems.append(
            Problem(
                "completion_criteria",
                str(
                    _(
                        "Define the completion criteria (for example participation, outputs submitted, engagement shown)."
                    )
                ),
            )
        )
    return _result("completion_criteria", _("Clear completion criteria"), "7.20.2", problems, applicable=applicable)


def _supporting_documents(f: ProposalFacts) -> RuleResult:
    applicable = f.kind == Kind.NON_FORMAL and f.require_supporting_documents
    problems = []
    if applicable and "support" not in f.document_purposes:
        problems.append(
            Problem(
                "documents",
                str(_("Upload supporting documentation for the delivery from a manager or institutional contact.")),
            )
        )
    return _result(
        "supporting_documents",
        _("Supporting documentation from a manager or institutional contact"),
        "5.7.1.5",
        problems,
        applicable=applicable,
    )


def _esco(f: ProposalFacts) -> RuleResult:
    problems = []
    if not f.outcomes:
        problems.append(Problem("learning_outcomes", str(_("Add at least one learning outcome."))))
    for number, (text, skills) in enumerate(f.outcomes, start=1):
        if skills == 0 and f.require_esco_alignment:
            problems.append(
                Problem(
                    "learning_outcomes",
                    str(
                        _("Learning outcome %(n)d (“%(text)s”) is not aligned to any ESCO skill.")
                        % {"n": number, "text": text[:60]}
                    ),
                )
            )
    return _result("esco", _("Every learning outcome aligned to ESCO skills"), "7.16", problems)


def _credential_type(f: ProposalFacts) -> RuleResult:
    problems = []
    if f.credential_type == CredentialType.PARTICIPATION_BADGE and f.kind == Kind.FORMAL:
        problems.append(
            Problem(
                "credential_type",
                str(
                    _(
                        "A participation badge is only for non-formal or informal activities; a formal programme leads to a "
                        "micro-credential."
                    )
                ),
            )
        )
    return _result("credential_type", _("Credential type fits the kind of learning"), "7.20", problems)


def _annex1(f: ProposalFacts) -> RuleResult:
    problems = []
    if _blank(f.title):
        problems.append(Problem("title", str(_("Give the title."))))
    elif f.title_in_use:
        problems.append(Problem("title", title_in_use_message(*f.title_in_use)))
    if not f.languages:
        problems.append(Problem("languages", str(_("Choose at least one language."))))
    if not f.forms_of_participation:
        problems.append(Problem("forms_of_participation", str(_("Choose at least one form of participation."))))
    if not f.assessment_types and f.credential_type != CredentialType.PARTICIPATION_BADGE:
        problems.append(Problem("assessment_types", str(_("Choose at least one type of assessment."))))
    if _blank(f.quality_assurance):
        problems.append(Problem("quality_assurance", str(_("Describe the quality assurance."))))
    return _result("annex1", _("Annex 1 mandatory elements are complete"), "7.17, Appendix 1", problems)


def _appendix2(f: ProposalFacts) -> RuleResult:
    problems = []
    required_texts = [
        ("relevance", _("Explain the relevance to the alliance.")),
        ("description", _("Give a description.")),
        ("criteria", _("State the criteria.")),
        ("hours_calculation", _("Explain the calculation of hours.")),
        ("target_groups", _("Name the target groups of learners.")),
        ("skill_needs", _("Say which skill needs it answers.")),
    ]
    for name, message in required_texts:
        if _blank(getattr(f, name)):
            problems.append(Problem(name, str(message)))
    if f.supervised_assessment is None:
        problems.append(Problem("supervised_assessment", str(_("Answer whether the assessment is supervised."))))
    if f.identity_verified is None:
        problems.append(Problem("identity_verified", str(_("Answer whether the learner's identity is verified."))))
    if f.content_area_count == 0:
        problems.append(Problem("content_areas", str(_("Choose at least one content area."))))
    return _result("appendix2", _("The proposal form (Appendix 2) is complete"), "7.2, 7.12, 5.6.1.3", problems)


def _financial(f: ProposalFacts) -> RuleResult:
    problems = []
    if f.has_financial_implications and _blank(f.financial_implications):
        problems.append(
            Problem(
                "financial_implications",
                str(_("Describe the financial or resource implications (the Executive Board reviews them).")),
            )
        )
    return _result("financial", _("Financial or resource implications described"), "7.7", problems)


def _institutional_approval(f: ProposalFacts) -> RuleResult:
    status = RuleStatus.MET if f.manager_approved else RuleStatus.PENDING
    return RuleResult(
        "institutional_approval",
        str(_("Approved by the institutional manager")),
        "7.4",
        status,
        (),
        blocks_submission=False,
    )


RULES = (
    _principles,
    _universities,
    _ects_and_eqf,
    _accreditation,
    _completion_criteria,
    _supporting_documents,
    _esco,
    _credential_type,
    _annex1,
    _appendix2,
    _financial,
    _institutional_approval,
)


def title_in_use_message(title: str, url: str) -> str:
    return str(
        _(
            "A micro-credential with this title is already in the catalogue: “%(title)s” (%(url)s). Two "
            "micro-credentials with one title cannot be told apart: change the title, or, to change “%(title)s”, "
            "propose a new version of it from its catalogue page."
        )
    ) % {"title": title, "url": url}


# Which published micro-credential already bears a title. The catalogue, above this app, registers the look-up from
# its AppConfig.ready(): `lookup(title, proposal=...)` returns (title, page address) or None, leaving out the
# micro-credential the proposal changes or was published from. Without one registered, no title is in use.
_title_lookup = None


def register_title_lookup(lookup) -> None:
    global _title_lookup
    _title_lookup = lookup


def title_in_use(version) -> tuple[str, str] | None:
    """The other catalogue entry titled like `version` (see register_title_lookup), or None."""
    if _title_lookup is None or _blank(version.title):
        return None
    return _title_lookup(version.title, proposal=version.proposal)


def evaluate(facts: ProposalFacts) -> list[RuleResult]:
    return [rule(facts) for rule in RULES]


def blocking_problems(results: list[RuleResult]) -> list[Problem]:
    return [p for r in results if r.blocks_submission and r.status == RuleStatus.MISSING for p in r.problems]


def appendix2_checklist(version, *, manager_approved: bool = False) -> list[RuleResult]:
    """The checklist of a micro-credential proposal (its proposal type's, registered in apps.py)."""
    return evaluate(facts_from_version(version, manager_approved=manager_approved))


def policy_for(version):
    """The policy version a proposal version is checked against (policy 10.2): the one recorded when it was
    submitted, for good; while the proposer holds the pen (a draft, or returned to be sent again), the one in
    force today. None when no policy version is loaded (the defaults of ProposalFacts apply)."""
    if version.policy_id and not version.proposal.is_editable:
        return version.policy
    return policy_in_force()


def policy_facts(policy) -> dict:
    """The thresholds of `policy` as ProposalFacts fields ({} without one: the defaults)."""
    if policy is None:
        return {}
    return {
        "policy_name": policy.name,
        "min_principles_formal": policy.min_principles_formal,
        "min_principles_non_formal": policy.min_principles_non_formal,
        "min_universities_non_formal": policy.min_universities_non_formal,
        "min_ects": policy.min_ects,
        "max_ects": policy.max_ects,
        "hours_per_ects_min": policy.hours_per_ects_min,
        "hours_per_ects_max": policy.hours_per_ects_max,
        "require_esco_alignment": policy.require_esco_alignment,
        "require_supporting_documents": policy.require_supporting_documents,
    }


def facts_from_version(version, *, manager_approved: bool = False, policy=None) -> ProposalFacts:
    """Read a saved ProposalVersion into facts (a few queries; prefetch where used in lists), with the thresholds
    of `policy` (by default the one `policy_for` names)."""
    return ProposalFacts(
        kind=version.kind,
        credential_type=version.credential_type,
        title=version.title,
        relevance=version.relevance,
        description=version.description,
        criteria=version.criteria,
        hours=version.hours,
        hours_calculation=version.hours_calculation,
        ects=version.ects,
        eqf_level=version.eqf_level.level if version.eqf_level_id else None,
        languages=list(version.languages or []),
        forms_of_participation=list(version.forms_of_participation or []),
        assessment_types=list(version.assessment_types or []),
        quality_assurance=version.quality_assurance,
        supervised_assessment=version.supervised_assessment,
        identity_verified=version.identity_verified,
        accrediting_institution_id=version.accrediting_institution_id,
        co_lead_ids=[i.pk for i in version.co_leads.all()],
        accredited_before_submission=version.accredited_before_submission,
        content_area_count=version.content_areas.count(),
        target_groups=version.target_groups,
        skill_needs=version.skill_needs,
        completion_criteria=version.completion_criteria,
        has_financial_implications=version.has_financial_implications,
        financial_implications=version.financial_implications,
        principles=[(a.principle.name, a.how_met) for a in version.principle_alignments.select_related("principle")],
        outcomes=[(o.text, o.skills.count()) for o in version.learning_outcomes.all()],
        document_purposes=[d.purpose for d in version.documents.all()],
        manager_approved=manager_approved,
        title_in_use=title_in_use(version),
        **policy_facts(policy or policy_for(version)),
    )
