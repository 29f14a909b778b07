"""Every allowed and forbidden transition of the review graph."""

import pytest

from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.workflow import TRANSITIONS, Action, InvalidTransition, allowed_actions, target_status

EXPECTED = {
    (Action.SEND_TO_MANAGER, S.DRAFT): S.AWAITING_MANAGER,
    (Action.SEND_TO_MANAGER, S.RETURNED): S.AWAITING_MANAGER,
    (Action.MANAGER_APPROVE, S.AWAITING_MANAGER): S.SUBMITTED,
    (Action.MANAGER_RETURN, S.AWAITING_MANAGER): S.RETURNED,
    (Action.RESUBMIT, S.REVISIONS_REQUESTED): S.SUBMITTED,
    (Action.ACCEPT_AS_COMPLETE, S.SUBMITTED): S.READY_FOR_AGENDA,
    (Action.SECRETARY_RETURN, S.SUBMITTED): S.RETURNED,
    (Action.SEND_TO_PANEL, S.SUBMITTED): S.PANEL_REVIEW,
    (Action.PANEL_DONE, S.PANEL_REVIEW): S.READY_FOR_AGENDA,
    (Action.SCHEDULE, S.READY_FOR_AGENDA): S.SCHEDULED,
    (Action.UNSCHEDULE, S.SCHEDULED): S.READY_FOR_AGENDA,
    (Action.COUNCIL_APPROVE, S.SCHEDULED): S.APPROVED,
    (Action.COUNCIL_APPROVE_WITH_CONDITIONS, S.SCHEDULED): S.APPROVED,
    (Action.COUNCIL_REQUEST_REVISIONS, S.SCHEDULED): S.REVISIONS_REQUESTED,
    (Action.COUNCIL_REJECT, S.SCHEDULED): S.REJECTED,
    (Action.SCHEDULE_EXECUTIVE, S.EXECUTIVE_REVIEW): S.EXECUTIVE_SCHEDULED,
    (Action.EXECUTIVE_APPROVE, S.EXECUTIVE_SCHEDULED): S.APPROVED,
    (Action.EXECUTIVE_REQUEST_REVISIONS, S.EXECUTIVE_SCHEDULED): S.REVISIONS_REQUESTED,
    (Action.EXECUTIVE_REJECT, S.EXECUTIVE_SCHEDULED): S.REJECTED,
    **{
        (Action.WITHDRAW, s): S.WITHDRAWN
        for s in (S.DRAFT, S.RETURNED, S.AWAITING_MANAGER, S.REVISIONS_REQUESTED, S.SUBMITTED, S.READY_FOR_AGENDA)
    },
}


@pytest.mark.parametrize(("action", "current"), sorted(EXPECTED, key=str))
def test_allowed_transition(action, current):
    assert target_status(action, current) == EXPECTED[(action, current)]


FORBIDDEN = [(a, s) for a in Action for s in S if (a, s) not in EXPECTED]


@pytest.mark.parametrize(("action", "current"), FORBIDDEN)
def test_forbidden_transition(action, current):
    with pytest.raises(InvalidTransition):
        target_status(action, current)


@pytest.mark.parametrize("action", [Action.COUNCIL_APPROVE, Action.COUNCIL_APPROVE_WITH_CONDITIONS])
def test_council_approval_goes_to_executive_board_with_financial_implications(action):
    assert target_status(action, S.SCHEDULED, has_financial_implications=True) == S.EXECUTIVE_REVIEW


def test_closed_states_allow_nothing():
    for status in (S.APPROVED, S.REJECTED, S.WITHDRAWN):
        assert allowed_actions(status) == []


def test_every_action_is_in_the_graph():
    assert set(TRANSITIONS) == set(Action)
