"""The proposal form in steps (issue #16, "forms that guide"): which sections each step shows, how far each step is,
and what is still missing before the proposal can be sent, each item pointing at its step and field.

What is missing comes from the eligibility checklist (checklist.py): this module only places its problems on the
steps, it never decides a rule itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from microcred.proposals.checklist import Problem, RuleResult, blocking_problems
from microcred.proposals.forms import SECTIONS
from microcred.proposals.models import ProposalVersion


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    sections: tuple[str, ...]  # ids of forms.SECTIONS shown on this step
    anchors: tuple[str, ...] = ()  # checklist fields with no form field of their own (principles, outcomes, …)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every checklist field this step answers: its sections' form fields and its anchors."""
        names = [name for key, _heading, _help, fields in SECTIONS if key in self.sections for name in fields]
        return (*names, *self.anchors)


STEPS = (
    Step("basics", _("The basics"), ("about", "universities")),
    Step("kind", _("Kind, workload and level"), ("kind", "workload")),
    Step("outcomes", _("Learning outcomes and skills"), ("outcomes",), ("learning_outcomes",)),
    Step("assessment", _("Assessment"), ("assessment",)),
    Step("delivery", _("Delivery and learners"), ("delivery", "learners")),
    Step("quality", _("Principles, quality and resources"), ("principles", "quality", "financial"), ("principles",)),
    Step("documents", _("Supporting documents"), (), ("documents",)),
    Step("review", _("Review and send"), ()),
)
FIRST, REVIEW = STEPS[0], STEPS[-1]
_BY_ID = {s.id: s for s in STEPS}
_STEP_OF_FIELD = {name: s for s in STEPS for name in s.fields}

# Given when the draft is created (title, university, kind): they do not make a step "started".
GIVEN_AT_CREATION = frozenset({"title", "accrediting_institution", "kind", "credential_type"})


class StepStatus(StrEnum):
    COMPLETE = "complete"
    PROBLEMS = "problems"
    NOT_STARTED = "not_started"


STATUS_LABELS = {
    StepStatus.COMPLETE: _("Complete"),
    StepStatus.PROBLEMS: _("Has problems"),
    StepStatus.NOT_STARTED: _("Not started"),
}


def step_named(step_id: str | None) -> Step:
    """The step with this id; the first step for none or an unknown one (the form's old single-page address)."""
    return _BY_ID.get(step_id or "", FIRST)


def number_of(step: Step) -> int:
    return STEPS.index(step) + 1


def previous_of(step: Step) -> Step | None:
    n = STEPS.index(step)
    return STEPS[n - 1] if n > 0 else None


def next_of(step: Step) -> Step | None:
    n = STEPS.index(step)
    return STEPS[n + 1] if n + 1 < len(STEPS) else None


def step_of_field(field: str) -> Step:
    """The step where a checklist problem's field is answered (the review step for any other)."""
    return _STEP_OF_FIELD.get(field, REVIEW)


def step_url(proposal, step: Step, *, field: str | None = None, check: bool = False) -> str:
    query = {"step": step.id, **({"check": "1"} if check else {})}
    anchor = f"#field-{field}" if field else ""
    return f"{reverse('proposals:edit', args=[proposal.pk])}?{urlencode(query)}{anchor}"


def _entered(version: ProposalVersion, name: str) -> bool:
    """Whether the proposer has given anything for `name` (a checklist field) in the saved version."""
    if name == "principles":
        return version.principle_alignments.exists()
    if name == "learning_outcomes":
        return version.learning_outcomes.exists()
    if name == "documents":
        return version.documents.exists()
    field = ProposalVersion._meta.get_field(name)
    if field.many_to_many:
        return getattr(version, name).exists()
    value = getattr(version, field.attname)
    if isinstance(field, models.BooleanField) and not field.null:
        return value is True  # a box left unticked is the default, not an answer
    return value not in (None, "", [])


def _started(version: ProposalVersion, step: Step) -> bool:
    return any(_entered(version, name) for name in step.fields if name not in GIVEN_AT_CREATION)


@dataclass(frozen=True)
class MissingItem:
    step: Step
    field: str
    message: str
    url: str


def missing(proposal, results: list[RuleResult]) -> list[MissingItem]:
    """What the checklist still misses before the proposal can be sent, in the order of the steps, each with the
    address of its step and field (the field's checklist message is shown there)."""
    problems: list[Problem] = blocking_problems(results)
    items = [
        MissingItem(step, p.field, p.message, step_url(proposal, step, field=p.field, check=True))
        for p in problems
        for step in (step_of_field(p.field),)
    ]
    return sorted(items, key=lambda item: STEPS.index(item.step))


@dataclass(frozen=True)
class StepProgress:
    step: Step
    number: int
    status: StepStatus
    url: str
    is_current: bool
    missing: tuple[MissingItem, ...]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def progress(
    proposal, version: ProposalVersion, results: list[RuleResult], *, current: Step, current_has_errors: bool = False
) -> list[StepProgress]:
    """Each step with its status: complete (nothing missing), has problems (something given, something missing, or
    the current step sent with errors) or not started (nothing given yet). The review step has problems while
    anything is missing anywhere."""
    all_missing = missing(proposal, results)
    rows = []
    for step in STEPS:
        own = tuple(item for item in all_missing if item.step == step)
        if step == current and current_has_errors:
            status = StepStatus.PROBLEMS
        elif step == REVIEW:
            status = StepStatus.PROBLEMS if all_missing else StepStatus.COMPLETE
        elif not own:
            status = StepStatus.COMPLETE
        elif _started(version, step):
            status = StepStatus.PROBLEMS
        else:
            status = StepStatus.NOT_STARTED
        rows.append(StepProgress(step, number_of(step), status, step_url(proposal, step), step == current, own))
    return rows
