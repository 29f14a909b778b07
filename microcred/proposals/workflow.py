"""The proposal review graph (policy 7.1–7.7; docs/product-rules.md): pure data and a few functions, no database.

The one place that says which step follows which, who takes each step (the proposer, the institutional manager,
the board secretary, the Academic Council, the Executive Board when there are financial implications) and which
meeting body decides. It is the same whatever is proposed: what an approval publishes is the proposal type's
publisher (publishing.py). Which people are each decider is answered in permissions.py; what each action writes,
in services.py.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.core.exceptions import DomainError
from microcred.proposals.models import Meeting
from microcred.proposals.models import ProposalStatus as S

Body = Meeting.Body


class Action(models.TextChoices):
    SEND_TO_MANAGER = "send_to_manager", _("Send to the institutional manager")
    MANAGER_APPROVE = "manager_approve", _("Approve for submission")
    MANAGER_RETURN = "manager_return", _("Return to the proposer")
    RESUBMIT = "resubmit", _("Submit the revised version")
    ACCEPT_AS_COMPLETE = "accept_as_complete", _("Accept as complete")
    SECRETARY_RETURN = "secretary_return", _("Return as incomplete")
    SEND_TO_PANEL = "send_to_panel", _("Send to the call's panel")
    PANEL_DONE = "panel_done", _("Close the panel review")
    SCHEDULE = "schedule", _("Put on an Academic Council agenda")
    UNSCHEDULE = "unschedule", _("Take off the agenda")
    COUNCIL_APPROVE = "council_approve", _("Council: approve")
    COUNCIL_APPROVE_WITH_CONDITIONS = "council_approve_with_conditions", _("Council: approve with conditions")
    COUNCIL_REQUEST_REVISIONS = "council_request_revisions", _("Council: request revisions")
    COUNCIL_REJECT = "council_reject", _("Council: reject")
    SCHEDULE_EXECUTIVE = "schedule_executive", _("Put on an Executive Board agenda")
    EXECUTIVE_APPROVE = "executive_approve", _("Executive Board: approve")
    EXECUTIVE_REQUEST_REVISIONS = "executive_request_revisions", _("Executive Board: request revisions")
    EXECUTIVE_REJECT = "executive_reject", _("Executive Board: reject")
    WITHDRAW = "withdraw", _("Withdraw")


class Decider(StrEnum):
    """Who takes a step of the review (policy 7.4, 7.4.1, 7.6, 7.7). Which people that is, permissions.py decides."""

    PROPOSER = "proposer"
    MANAGER = "manager"  # the institutional manager of the proposing university (policy 7.4)
    SECRETARY = "secretary"  # the board secretary: completeness, panels, agendas (policy 7.3, 7.4.1)
    COUNCIL = "council"  # the Academic Council decides (policy 7.6)
    EXECUTIVE = "executive"  # the Executive Board, when there are financial implications (policy 7.7)


@dataclass(frozen=True)
class Step:
    """One action of the graph: the states it may be taken from, the state it leads to, and who takes it.

    target None: decided by the proposal's content (a council approval leads to the Executive Board when the
    proposal has financial implications, policy 7.7)."""

    sources: frozenset[S]
    target: S | None
    decider: Decider


_WITHDRAWABLE = frozenset(
    {S.DRAFT, S.RETURNED, S.AWAITING_MANAGER, S.REVISIONS_REQUESTED, S.SUBMITTED, S.READY_FOR_AGENDA}
)

TRANSITIONS: Final[dict[Action, Step]] = {
    Action.SEND_TO_MANAGER: Step(frozenset({S.DRAFT, S.RETURNED}), S.AWAITING_MANAGER, Decider.PROPOSER),
    Action.MANAGER_APPROVE: Step(frozenset({S.AWAITING_MANAGER}), S.SUBMITTED, Decider.MANAGER),
    Action.MANAGER_RETURN: Step(frozenset({S.AWAITING_MANAGER}), S.RETURNED, Decider.MANAGER),
    Action.RESUBMIT: Step(frozenset({S.REVISIONS_REQUESTED}), S.SUBMITTED, Decider.PROPOSER),
    Action.ACCEPT_AS_COMPLETE: Step(frozenset({S.SUBMITTED}), S.READY_FOR_AGENDA, Decider.SECRETARY),
    Action.SECRETARY_RETURN: Step(frozenset({S.SUBMITTED}), S.RETURNED, Decider.SECRETARY),
    Action.SEND_TO_PANEL: Step(frozenset({S.SUBMITTED}), S.PANEL_REVIEW, Decider.SECRETARY),
    Action.PANEL_DONE: Step(frozenset({S.PANEL_REVIEW}), S.READY_FOR_AGENDA, Decider.SECRETARY),
    Action.SCHEDULE: Step(frozenset({S.READY_FOR_AGENDA}), S.SCHEDULED, Decider.SECRETARY),
    Action.UNSCHEDULE: Step(frozenset({S.SCHEDULED}), S.READY_FOR_AGENDA, Decider.SECRETARY),
    Action.COUNCIL_APPROVE: Step(frozenset({S.SCHEDULED}), None, Decider.COUNCIL),
    Action.COUNCIL_APPROVE_WITH_CONDITIONS: Step(frozenset({S.SCHEDULED}), None, Decider.COUNCIL),
    Action.COUNCIL_REQUEST_REVISIONS: Step(frozenset({S.SCHEDULED}), S.REVISIONS_REQUESTED, Decider.COUNCIL),
    Action.COUNCIL_REJECT: Step(frozenset({S.SCHEDULED}), S.REJECTED, Decider.COUNCIL),
    Action.SCHEDULE_EXECUTIVE: Step(frozenset({S.EXECUTIVE_REVIEW}), S.EXECUTIVE_SCHEDULED, Decider.SECRETARY),
    Action.EXECUTIVE_APPROVE: Step(frozenset({S.EXECUTIVE_SCHEDULED}), S.APPROVED, Decider.EXECUTIVE),
    Action.EXECUTIVE_REQUEST_REVISIONS: Step(
        frozenset({S.EXECUTIVE_SCHEDULED}), S.REVISIONS_REQUESTED, Decider.EXECUTIVE
    ),
    Action.EXECUTIVE_REJECT: Step(frozenset({S.EXECUTIVE_SCHEDULED}), S.REJECTED, Decider.EXECUTIVE),
    Action.WITHDRAW: Step(_WITHDRAWABLE, S.WITHDRAWN, Decider.PROPOSER),
}

# Whom a proposal in each open state waits for: the action lists ("waiting for me") read this. The board secretary
# also takes a scheduled proposal off the agenda, but it then waits for the council, not for the secretary.
WAITING_FOR: Final[dict[S, Decider]] = {
    S.DRAFT: Decider.PROPOSER,
    S.RETURNED: Decider.PROPOSER,
    S.REVISIONS_REQUESTED: Decider.PROPOSER,
    S.AWAITING_MANAGER: Decider.MANAGER,
    S.SUBMITTED: Decider.SECRETARY,
    S.PANEL_REVIEW: Decider.SECRETARY,  # and the call's panel, who review it
    S.READY_FOR_AGENDA: Decider.SECRETARY,
    S.EXECUTIVE_REVIEW: Decider.SECRETARY,
    S.SCHEDULED: Decider.COUNCIL,
    S.EXECUTIVE_SCHEDULED: Decider.EXECUTIVE,
}


DECIDER_LABELS: Final[dict[Decider, str]] = {
    Decider.PROPOSER: _("the proposer"),
    Decider.MANAGER: _("the institutional manager"),
    Decider.SECRETARY: _("the board secretary"),
    Decider.COUNCIL: _("the Academic Council"),
    Decider.EXECUTIVE: _("the Executive Board"),
}

# Who takes a step whose decider holds a role at one university when nobody holds it there (for example no
# institutional manager at the proposing university, policy 7.4): named here, so a step never waits for nobody.
FALLBACK: Final[dict[Decider, Decider]] = {Decider.MANAGER: Decider.SECRETARY}


def waiting_for(current: S, *, fallen: bool = False) -> Decider | None:
    """Whom a proposal in `current` waits for; the fallback when its step fell to it (`fallen`)."""
    decider = WAITING_FOR.get(S(current))
    if fallen and decider in FALLBACK:
        return FALLBACK[decider]
    return decider


def states_waiting_for(decider: Decider) -> list[S]:
    return [state for state, waiting in WAITING_FOR.items() if waiting == decider]


COUNCIL_DECISIONS: Final = {
    "approve": Action.COUNCIL_APPROVE,
    "approve_with_conditions": Action.COUNCIL_APPROVE_WITH_CONDITIONS,
    "request_revisions": Action.COUNCIL_REQUEST_REVISIONS,
    "reject": Action.COUNCIL_REJECT,
}
EXECUTIVE_DECISIONS: Final = {
    "approve": Action.EXECUTIVE_APPROVE,
    "approve_with_conditions": Action.EXECUTIVE_APPROVE,
    "request_revisions": Action.EXECUTIVE_REQUEST_REVISIONS,
    "reject": Action.EXECUTIVE_REJECT,
}
DECISION_ACTIONS: Final = frozenset(COUNCIL_DECISIONS.values()) | frozenset(EXECUTIVE_DECISIONS.values())
SCHEDULING_ACTIONS: Final = frozenset({Action.SCHEDULE, Action.SCHEDULE_EXECUTIVE})


@dataclass(frozen=True)
class Sitting:
    """A meeting body's part in the graph: the action that puts a proposal on its agenda, the state the proposal
    waits in on the agenda, and the action each decision outcome is (policy 7.6, 7.7)."""

    body: Body
    schedule: Action
    on_agenda: S
    decisions: dict[str, Action]


COUNCIL: Final = Sitting(Body.ACADEMIC_COUNCIL, Action.SCHEDULE, S.SCHEDULED, COUNCIL_DECISIONS)
EXECUTIVE: Final = Sitting(Body.EXECUTIVE_BOARD, Action.SCHEDULE_EXECUTIVE, S.EXECUTIVE_SCHEDULED, EXECUTIVE_DECISIONS)


def sitting_for_status(current: S) -> Sitting:
    """The body whose agenda a proposal in `current` goes on: the Executive Board after a council approval with
    financial implications, the Academic Council otherwise (the transition then refuses a wrong state)."""
    return EXECUTIVE if S(current) == S.EXECUTIVE_REVIEW else COUNCIL


def sitting_of(body: str) -> Sitting:
    return EXECUTIVE if body == Body.EXECUTIVE_BOARD else COUNCIL


def decider_of(action: Action) -> Decider:
    return TRANSITIONS[Action(action)].decider


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409

    def __init__(self, action: Action, current: S):
        super().__init__(
            str(
                _("“%(action)s” is not possible while the proposal is “%(status)s”.")
                % {"action": Action(action).label, "status": S(current).label}
            ),
            action=str(action),
            status=str(current),
        )


def target_status(action: Action, current: S, *, has_financial_implications: bool = False) -> S:
    """The state `action` leads to from `current`; raises InvalidTransition if it is not allowed."""
    step = TRANSITIONS[Action(action)]
    target = step.target
    if S(current) not in step.sources:
        raise InvalidTransition(action, current)
    if target is None:  # a council approval
        return S.EXECUTIVE_REVIEW if has_financial_implications else S.APPROVED
    return target


def allowed_actions(current: S) -> list[Action]:
    return [action for action, step in TRANSITIONS.items() if S(current) in step.sources]
