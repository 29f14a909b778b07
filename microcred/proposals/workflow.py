"""The proposal review graph (policy 7.1–7.7; docs/product-rules.md): pure data and one function, no database access.

Who may take each action is decided in permissions.py; what each action writes, in services.py.
"""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.core.exceptions import DomainError
from microcred.proposals.models import ProposalStatus as S


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


# action -> (states it may be taken from, state it leads to). None: decided by the service
# (council approval leads to the Executive Board when there are financial implications).
TRANSITIONS: Final[dict[Action, tuple[frozenset[S], S | None]]] = {
    Action.SEND_TO_MANAGER: (frozenset({S.DRAFT, S.RETURNED}), S.AWAITING_MANAGER),
    Action.MANAGER_APPROVE: (frozenset({S.AWAITING_MANAGER}), S.SUBMITTED),
    Action.MANAGER_RETURN: (frozenset({S.AWAITING_MANAGER}), S.RETURNED),
    Action.RESUBMIT: (frozenset({S.REVISIONS_REQUESTED}), S.SUBMITTED),
    Action.ACCEPT_AS_COMPLETE: (frozenset({S.SUBMITTED}), S.READY_FOR_AGENDA),
    Action.SECRETARY_RETURN: (frozenset({S.SUBMITTED}), S.RETURNED),
    Action.SEND_TO_PANEL: (frozenset({S.SUBMITTED}), S.PANEL_REVIEW),
    Action.PANEL_DONE: (frozenset({S.PANEL_REVIEW}), S.READY_FOR_AGENDA),
    Action.SCHEDULE: (frozenset({S.READY_FOR_AGENDA}), S.SCHEDULED),
    Action.UNSCHEDULE: (frozenset({S.SCHEDULED}), S.READY_FOR_AGENDA),
    Action.COUNCIL_APPROVE: (frozenset({S.SCHEDULED}), None),
    Action.COUNCIL_APPROVE_WITH_CONDITIONS: (frozenset({S.SCHEDULED}), None),
    Action.COUNCIL_REQUEST_REVISIONS: (frozenset({S.SCHEDULED}), S.REVISIONS_REQUESTED),
    Action.COUNCIL_REJECT: (frozenset({S.SCHEDULED}), S.REJECTED),
    Action.SCHEDULE_EXECUTIVE: (frozenset({S.EXECUTIVE_REVIEW}), S.EXECUTIVE_SCHEDULED),
    Action.EXECUTIVE_APPROVE: (frozenset({S.EXECUTIVE_SCHEDULED}), S.APPROVED),
    Action.EXECUTIVE_REQUEST_REVISIONS: (frozenset({S.EXECUTIVE_SCHEDULED}), S.REVISIONS_REQUESTED),
    Action.EXECUTIVE_REJECT: (frozenset({S.EXECUTIVE_SCHEDULED}), S.REJECTED),
    Action.WITHDRAW: (
        frozenset({S.DRAFT, S.RETURNED, S.AWAITING_MANAGER, S.REVISIONS_REQUESTED, S.SUBMITTED, S.READY_FOR_AGENDA}),
        S.WITHDRAWN,
    ),
}

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
    allowed_from, target = TRANSITIONS[Action(action)]
    if S(current) not in allowed_from:
        raise InvalidTransition(action, current)
    if target is None:  # a council approval
        return S.EXECUTIVE_REVIEW if has_financial_implications else S.APPROVED
    return target


def allowed_actions(current: S) -> list[Action]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if S(current) in sources]
