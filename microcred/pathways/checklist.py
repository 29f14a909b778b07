"""The checklist of a pathway proposal (the ``pathway`` proposal type's, registered in apps.py; issue #12).

It checks what can be checked before the review: a title and a description; a rule well formed (rules.parse) whose
components are approved, published micro-credentials (not retired) and which can be met with their current ECTS
(rules.problems); a joint pathway: two or more universities behind it, or components from two or more; the
financial implications described when there are some (the Executive Board reviews them, policy 7.7). Each problem
names the field of the pathway form to fix. The same rules stop a draft with a bad rule from being saved
(services.check_rule) and an approval from publishing a pathway whose components have since been retired.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from microcred.pathways import rules, selectors
from microcred.proposals.checklist import Problem, RuleResult, RuleStatus


@dataclass(frozen=True)
class RuleCheck:
    """What is wrong with a rule and its components (empty lists: nothing), and what is known of them."""

    rule: rules.Rule | None
    form_problems: list[str]  # rules.parse's message, or that there is no rule yet
    component_problems: list[str]  # not approved, retired
    reach_problems: list[str]  # rules.problems: cannot be met
    facts: dict  # {id: selectors.ComponentFacts} of the components that are approved micro-credentials

    @property
    def problems(self) -> list[str]:
        return self.form_problems + self.component_problems + self.reach_problems


def check_rule(data) -> RuleCheck:
    """Check a rule in its JSON form against the catalogue as it is now."""
    if not isinstance(data, dict) or not data.get("requirements"):
        return RuleCheck(None, [_("Give the rule: what a learner must earn to complete the pathway.")], [], [], {})
    try:
        rule = rules.parse(data)
    except rules.RuleError as exc:
        return RuleCheck(None, [str(exc)], [], [], {})
    facts = selectors.component_facts(rule.components)
    found = rules.problems(rule, {c: f.ects for c, f in facts.items()})
    # rules.problems says first how many components are no approved micro-credential, then what cannot be met.
    unknown = any(c not in facts for c in rule.components)
    component_problems = found[:1] if unknown else []
    reach = found[1:] if unknown else found
    for component in rule.components:
        if component in facts and not facts[component].published:
            component_problems.append(
                _("“%(title)s” is retired: it can no longer be earned; choose another micro-credential.")
                % {"title": facts[component].title}
            )
    return RuleCheck(rule, [], component_problems, reach, facts)


def universities_of(version, facts: dict) -> set[int]:
    """The universities of a pathway proposal: the lead and co-leads, and those of its components."""
    ids = {version.accrediting_institution_id, *version.co_leads.values_list("pk", flat=True)}
    for f in facts.values():
        ids |= f.university_ids
    ids.discard(None)
    return ids


def _result(code: str, label: str, policy: str, problems: list[Problem], *, blocks: bool = True) -> RuleResult:
    return RuleResult(code, label, policy, RuleStatus.MISSING if problems else RuleStatus.MET, tuple(problems), blocks)


def pathway_checklist(version, *, manager_approved: bool = False) -> list[RuleResult]:
    """The checklist of one proposal version of type ``pathway``."""
    check = check_rule(selectors.draft_rule(version))
    texts = []
    if not (version.title or "").strip():
        texts.append(Problem("title", _("Give the title.")))
    if not (version.description or "").strip():
        texts.append(Problem("description", _("Give a description: what the pathway prepares for and for whom.")))
    financial = []
    if version.has_financial_implications and not (version.financial_implications or "").strip():
        financial.append(
            Problem(
                "financial_implications",
                _("Describe the financial or resource implications (the Executive Board reviews them)."),
            )
        )
    joint = []
    if len(universities_of(version, check.facts)) < 2:
        joint.append(
            Problem(
                "co_leads",
                _(
                    "A joint pathway needs at least two universities: name a co-leading university, or include "
                    "micro-credentials of another university."
                ),
            )
        )
    return [
        _result("pathway_text", _("Title and description given"), "5.12", texts),
        _result(
            "pathway_rule", _("The rule is well formed"), "5.12", [Problem("rule", p) for p in check.form_problems]
        ),
        _result(
            "pathway_components",
            _("Every component is an approved micro-credential, published and not retired"),
            "5.12",
            [Problem("rule", p) for p in check.component_problems],
        ),
        _result(
            "pathway_reachable",
            _("The rule can be met with the components' ECTS credits"),
            "5.12",
            [Problem("rule", p) for p in check.reach_problems],
        ),
        _result("pathway_joint", _("At least two universities are behind it"), "5.11, 5.12", joint),
        _result("financial", _("Financial or resource implications described"), "7.7", financial),
        RuleResult(
            "institutional_approval",
            _("Approved by the institutional manager"),
            "7.4",
            RuleStatus.MET if manager_approved else RuleStatus.PENDING,
            (),
            blocks_submission=False,
        ),
    ]
