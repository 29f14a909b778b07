"""Who may do what with proposals, meetings and calls. Every such question of this app is answered here."""

from __future__ import annotations

from microcred.accounts.permissions import has_role, is_alliance_admin
from microcred.accounts.roles import Role
from microcred.proposals.exceptions import OwnProposal, ProposalNotFound
from microcred.proposals.models import Proposal, ProposalStatus
from microcred.proposals.workflow import Action

SECRETARY_ACTIONS = frozenset(
    {
        Action.ACCEPT_AS_COMPLETE,
        Action.SECRETARY_RETURN,
        Action.SEND_TO_PANEL,
        Action.PANEL_DONE,
        Action.SCHEDULE,
        Action.UNSCHEDULE,
        Action.SCHEDULE_EXECUTIVE,
    }
)
PROPOSER_ACTIONS = frozenset({Action.SEND_TO_MANAGER, Action.RESUBMIT, Action.WITHDRAW})
MANAGER_ACTIONS = frozenset({Action.MANAGER_APPROVE, Action.MANAGER_RETURN})
COUNCIL_ACTIONS = frozenset(
    {
        Action.COUNCIL_APPROVE,
        Action.COUNCIL_APPROVE_WITH_CONDITIONS,
        Action.COUNCIL_REQUEST_REVISIONS,
        Action.COUNCIL_REJECT,
    }
)
EXECUTIVE_ACTIONS = frozenset({Action.EXECUTIVE_APPROVE, Action.EXECUTIVE_REQUEST_REVISIONS, Action.EXECUTIVE_REJECT})


def is_own(user, proposal: Proposal) -> bool:
    return proposal.proposer_id == getattr(user, "pk", None)


def is_board_secretary(user) -> bool:
    return has_role(user, Role.BOARD_SECRETARY)


def is_council(user) -> bool:
    return has_role(user, Role.COUNCIL_MEMBER) or has_role(user, Role.COUNCIL_CHAIR)


def is_executive(user) -> bool:
    return has_role(user, Role.EXECUTIVE_BOARD_MEMBER)


def is_manager_of(user, proposal: Proposal) -> bool:
    return has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=proposal.institution_id)


def can_create_proposal(user) -> bool:
    return has_role(user, Role.PROPOSER, anywhere=True)


def can_view_proposal(user, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if proposal.status == ProposalStatus.DRAFT:
        return is_own(user, proposal)  # an unsent draft is its author's alone until submitted (policy 7.2, 7.4)
    if is_own(user, proposal) or is_manager_of(user, proposal):
        return True
    if is_board_secretary(user) or is_council(user) or is_executive(user) or is_alliance_admin(user):
        return True
    return proposal.call_id is not None and proposal.call.panel_members.filter(pk=user.pk).exists()


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return is_own(user, proposal) and proposal.is_editable


def may_take_action(user, proposal: Proposal, action: Action) -> bool:
    """Role and separation of duties for one workflow action (the state is checked by the workflow)."""
    action = Action(action)
    if action in PROPOSER_ACTIONS:
        return is_own(user, proposal)
    if is_own(user, proposal):
        return False  # nobody acts on their own proposal
    if action in MANAGER_ACTIONS:
        return is_manager_of(user, proposal)
    if action in SECRETARY_ACTIONS:
        return is_board_secretary(user)
    if action in COUNCIL_ACTIONS:
        return is_council(user) or is_board_secretary(user)
    if action in EXECUTIVE_ACTIONS:
        return is_executive(user) or is_board_secretary(user)
    return False


def check_action(user, proposal: Proposal, action: Action) -> None:
    """Raise OwnProposal or NotAllowed when `user` may not take `action` on `proposal`."""
    from django.utils.translation import gettext as _

    from microcred.proposals.exceptions import NotAllowed

    if Action(action) not in PROPOSER_ACTIONS and is_own(user, proposal):
        error = OwnProposal()
    elif not may_take_action(user, proposal, action):
        error = NotAllowed(_("You may not “%(action)s” on this proposal.") % {"action": Action(action).label})
    else:
        return
    # What was tried, for the audit record the services write once the refused transaction has rolled back.
    error.refused = {"proposal": proposal, "action": str(Action(action))}
    raise error


def can_review(user, proposal: Proposal) -> bool:
    """Council members (and a call's panel) read proposals and comment before the meeting."""
    if is_own(user, proposal):
        return False
    if is_council(user) or is_executive(user) or is_board_secretary(user):
        return True
    return proposal.call_id is not None and proposal.call.panel_members.filter(pk=user.pk).exists()


def can_manage_meetings(user) -> bool:
    return is_board_secretary(user)


def can_view_meetings(user) -> bool:
    return is_board_secretary(user) or is_council(user) or is_executive(user) or is_alliance_admin(user)


def can_manage_calls(user) -> bool:
    return is_board_secretary(user) or is_alliance_admin(user)


def access_proposal(user, proposal_id, *, lock: bool = False) -> Proposal:
    """The proposal if `user` may see it; ProposalNotFound otherwise (missing and forbidden look the same)."""
    qs = Proposal.objects.select_related("institution", "proposer", "call")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        proposal = qs.get(pk=proposal_id)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise ProposalNotFound() from None
    if not can_view_proposal(user, proposal):
        raise ProposalNotFound()
    return proposal
