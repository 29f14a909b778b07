"""Who may do what with proposals, meetings and calls. Every such question of this app is answered here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from microcred.proposals.exceptions import NotAllowed, OwnProposal, ProposalNotFound
from microcred.proposals.models import CLOSED_STATUSES, AgendaPaper, CoProposer, Meeting, Proposal, ProposalStatus
from microcred.proposals.workflow import FALLBACK, Action, Decider, decider_of
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin


def is_own(user, proposal: Proposal) -> bool:
    """Whether `user` proposes it: its proposer or a co-proposer (models.CoProposer). They write it, and never
    decide on it."""
    return getattr(user, "pk", None) in proposal.proposer_ids


def proposed_by(user, through: str = "") -> Q:
    """The query form of is_own: proposals that `user` proposes, or with `through` ("proposal__") rows of them."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    co_proposed = CoProposer.objects.filter(person=user).values("proposal_id")
    if through:
        return Q(**{f"{through}proposer": user}) | Q(**{f"{through}in": co_proposed})
    return Q(proposer=user) | Q(pk__in=co_proposed)


def is_lead_proposer(user, proposal: Proposal) -> bool:
    """The proposer who opened it (for the proposing university, policy 7.4)."""
    return proposal.proposer_id == getattr(user, "pk", None)


def can_manage_co_proposers(user, proposal: Proposal) -> bool:
    """The proposer adds and removes co-proposers while the proposal is being written."""
    return is_lead_proposer(user, proposal) and proposal.is_editable


def can_leave_proposal(user, proposal: Proposal) -> bool:
    """A co-proposer may take themselves off a proposal while it is open, except while the universities approve it
    (their own university's approval is part of that round, policy 7.4); once it is approved, rejected or
    withdrawn, its proposers stay on its record."""
    return (
        is_own(user, proposal)
        and not is_lead_proposer(user, proposal)
        and proposal.status not in CLOSED_STATUSES
        and proposal.status != ProposalStatus.AWAITING_MANAGER
    )


def may_co_propose(person) -> bool:
    """A co-proposer is an active account holding the proposer role at a member university."""
    return person.is_active and person.erased_at is None and can_create_proposal(person)


def is_board_secretary(user) -> bool:
    return has_role(user, Role.BOARD_SECRETARY)


def is_council(user) -> bool:
    return has_role(user, Role.COUNCIL_MEMBER) or has_role(user, Role.COUNCIL_CHAIR)


def is_executive(user) -> bool:
    return has_role(user, Role.EXECUTIVE_BOARD_MEMBER)


def is_manager_of(user, proposal: Proposal) -> bool:
    """Institutional manager of the proposing university (policy 7.4)."""
    return has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=proposal.institution_id)


def manages_a_proposing_university(user, proposal: Proposal) -> bool:
    """Institutional manager of its university or of a co-proposer's: each approves it (policy 7.4)."""
    managed = set(institutions_where(user, Role.INSTITUTIONAL_MANAGER))
    return any(institution_id in managed for institution_id in proposal.approving_institution_ids)


def can_create_proposal(user) -> bool:
    return has_role(user, Role.PROPOSER, anywhere=True)


def can_view_proposal(user, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if proposal.status == ProposalStatus.DRAFT:
        return is_own(user, proposal)  # an unsent draft is its author's alone until submitted (policy 7.2, 7.4)
    if is_own(user, proposal) or manages_a_proposing_university(user, proposal):
        return True
    if sees_every_proposal(user):
        return True
    return is_panel_member(user, proposal)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return is_own(user, proposal) and proposal.is_editable


def is_panel_member(user, proposal: Proposal) -> bool:
    return proposal.call_id is not None and proposal.call.panel_members.filter(pk=user.pk).exists()


def sees_every_proposal(user) -> bool:
    """The alliance bodies and the admin see every submitted proposal (policy 7.4.1, 7.6, 7.7)."""
    return is_board_secretary(user) or is_council(user) or is_executive(user) or is_alliance_admin(user)


def can_propose_for(user, institution) -> bool:
    """A proposer opens a proposal only for a university where they hold the proposer role (policy 7.2)."""
    return can_create_proposal(user) and has_role(user, Role.PROPOSER, institution_id=institution.pk)


def proposing_institution_ids(user) -> list[int]:
    """The universities `user` may open proposals for."""
    return institutions_where(user, Role.PROPOSER)


def managed_institution_ids(user) -> list[int]:
    """The universities whose proposals `user` approves as institutional manager (policy 7.4)."""
    return institutions_where(user, Role.INSTITUTIONAL_MANAGER)


def may_propose_change(institution, university_ids) -> bool:
    """Only the universities of a published version (awarding or co-lead) propose a change to it."""
    return institution.pk in set(university_ids)


# The role each university-scoped decider holds at the proposing university.
UNIVERSITY_ROLES = {Decider.MANAGER: Role.INSTITUTIONAL_MANAGER}


def university_has_decider(proposal: Proposal, decider: Decider) -> bool:
    """Whether someone at the proposing university may take a step that needs `decider`: an active account,
    other than its proposers (nobody acts on their own proposal), holding its role there. True for deciders that
    are not university roles."""
    role = UNIVERSITY_ROLES.get(decider)
    if role is None:
        return True
    return _someone_else_holds(proposal, role, proposal.institution_id)


def _someone_else_holds(proposal: Proposal, role: Role, institution_id: int) -> bool:
    """Whether an active account other than the proposal's proposers holds `role` at `institution_id`."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            erased_at__isnull=True,
            role_assignments__role=role,
            role_assignments__institution_id=institution_id,
        )
        .exclude(pk__in=proposal.proposer_ids)
        .exists()
    )


def university_has_manager(proposal: Proposal, institution_id: int) -> bool:
    """Whether someone other than its proposers is institutional manager at `institution_id` (an active account)."""
    return _someone_else_holds(proposal, Role.INSTITUTIONAL_MANAGER, institution_id)


def may_approve_for(user, proposal: Proposal, institution_id: int) -> bool:
    """Whether `user` gives the institutional approval of one proposing university (policy 7.4): for the proposal's
    own, whoever the workflow names (its manager, or the board secretary when the step fell to them); for a
    co-proposer's, a manager there, or the board secretary when there is none. Never one of its proposers."""
    if is_own(user, proposal):
        return False
    if institution_id == proposal.institution_id:
        return is_decider(user, proposal, Decider.MANAGER)
    if has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=institution_id):
        return True
    return is_board_secretary(user) and not university_has_manager(proposal, institution_id)


def approval_universities(user, proposal: Proposal) -> list[int]:
    """The proposing universities whose institutional approval `user` gives (may_approve_for), approved or not."""
    return [i for i in proposal.approving_institution_ids if may_approve_for(user, proposal, i)]


def step_falls_to_fallback(proposal: Proposal, decider: Decider) -> bool:
    """Whether a step needing `decider` goes to its named fallback (workflow.FALLBACK) because nobody at the
    proposing university holds the role (policy 7.4)."""
    return decider in FALLBACK and not university_has_decider(proposal, decider)


def is_decider(user, proposal: Proposal, decider: Decider) -> bool:
    """Whether `user` is who the workflow names for a step. The board secretary records the decisions of the
    Academic Council and the Executive Board on their behalf (policy 7.6, 7.7). A step that fell to its fallback
    (nobody held the role at the university) is the fallback's, and stays so until taken."""
    if proposal.fell_to_fallback_at is not None and decider in FALLBACK:
        decider = FALLBACK[decider]
    if decider == Decider.PROPOSER:
        return is_own(user, proposal)
    if decider == Decider.MANAGER:
        return is_manager_of(user, proposal)
    if decider == Decider.SECRETARY:
        return is_board_secretary(user)
    if decider == Decider.COUNCIL:
        return is_council(user) or is_board_secretary(user)
    if decider == Decider.EXECUTIVE:
        return is_executive(user) or is_board_secretary(user)
    return False


def may_take_action(user, proposal: Proposal, action: Action) -> bool:
    """Role and separation of duties for one workflow action (the state is checked by the workflow). The
    institutional approval is given, or the proposal returned, by whoever approves for one of its proposing
    universities (approval_universities); approving again once all of theirs have approved is not offered."""
    decider = decider_of(action)
    if decider != Decider.PROPOSER and is_own(user, proposal):
        return False  # nobody acts on their own proposal
    if decider == Decider.MANAGER:
        return bool(
            universities_left_to_approve(user, proposal)
            if action == Action.MANAGER_APPROVE
            else approval_universities(user, proposal)
        )
    return is_decider(user, proposal, decider)


def universities_left_to_approve(user, proposal: Proposal) -> list[int]:
    """The proposing universities `user` approves for that have not approved the proposal in this round."""
    mine = approval_universities(user, proposal)
    if not mine or proposal.status != ProposalStatus.AWAITING_MANAGER:
        return mine
    done = set(proposal.institutional_approvals.values_list("institution_id", flat=True))
    return [i for i in mine if i not in done]


def check_action(user, proposal: Proposal, action: Action) -> None:
    """Raise OwnProposal or NotAllowed when `user` may not take `action` on `proposal`."""
    if decider_of(action) != Decider.PROPOSER and is_own(user, proposal):
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
    return is_panel_member(user, proposal)


def can_score(user, proposal: Proposal) -> bool:
    """Only the call's panel scores a proposal, and only during the panel review (policy 7.3)."""
    return proposal.status == ProposalStatus.PANEL_REVIEW and is_panel_member(user, proposal)


# Who sits on each meeting body: the members listed for its attendance (policy 7.6, 7.7).
MEETING_ROLES = {
    Meeting.Body.ACADEMIC_COUNCIL: (Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR, Role.BOARD_SECRETARY),
    Meeting.Body.EXECUTIVE_BOARD: (Role.EXECUTIVE_BOARD_MEMBER, Role.BOARD_SECRETARY),
}


def can_manage_meetings(user) -> bool:
    return is_board_secretary(user)


def can_view_meetings(user) -> bool:
    """The whole of every meeting: its agenda, attendance and minutes."""
    return is_board_secretary(user) or is_council(user) or is_executive(user) or is_alliance_admin(user)


def is_invited_to(user, meeting: Meeting) -> bool:
    """A proposer is invited to the meeting where their proposal is discussed (policy 7.5)."""
    return getattr(user, "is_authenticated", False) and meeting.items.filter(proposed_by(user, "proposal__")).exists()


def can_view_meeting(user, meeting: Meeting) -> bool:
    """The meeting's page: the whole of it for those who see every meeting; the date, place and their own agenda
    items for the proposers invited to it (policy 7.5)."""
    return can_view_meetings(user) or is_invited_to(user, meeting)


def sits_on(user, body: str) -> bool:
    """Whether `user` holds one of the roles of the meeting body (MEETING_ROLES)."""
    return any(has_role(user, role) for role in MEETING_ROLES.get(body, ()))


def can_place_paper(user, kind: str) -> bool:
    """The board secretary puts any paper on an agenda; the quality office its quality reports (policy 7.25)."""
    if is_board_secretary(user):
        return True
    return kind == AgendaPaper.Kind.QUALITY_REPORT and has_role(user, Role.QUALITY_OFFICE)


def can_read_paper(user, paper) -> bool:
    """A paper is read by the members of the meeting's body, the alliance admin, and who presents or placed it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (paper.presenter_id, paper.added_by_id):
        return True
    return sits_on(user, paper.meeting.body) or is_alliance_admin(user)


def can_note_paper(user, meeting: Meeting) -> bool:
    """The chair (of the Academic Council) or the board secretary records that the meeting noted a paper."""
    if is_board_secretary(user):
        return True
    return meeting.body == Meeting.Body.ACADEMIC_COUNCIL and has_role(user, Role.COUNCIL_CHAIR)


def can_manage_calls(user) -> bool:
    return is_board_secretary(user) or is_alliance_admin(user)


def can_view_admin(user) -> bool:
    """The read-only admin pages of proposals, meetings and calls: the alliance admin only."""
    return is_alliance_admin(user)


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


# Conditions of approval (issue #14) -------------------------------------------------------------------------


def condition_owner_institution_ids(user) -> set[int]:
    """The universities whose conditions of approval `user` may report on: where they are proposer or manager."""
    return institutions_where(user, Role.PROPOSER) | institutions_where(user, Role.INSTITUTIONAL_MANAGER)


def may_report_condition(user, condition) -> bool:
    """Its proposers, or a colleague at the owner university who may act on its proposals (proposer or institutional
    manager there), report how a condition was met."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_own(user, condition.proposal):
        return True
    return condition.owner_institution_id in condition_owner_institution_ids(user)


def may_confirm_condition(user, condition) -> bool:
    """The board secretary confirms (or reopens) a reported condition; never on their own proposal."""
    return is_board_secretary(user) and not is_own(user, condition.proposal)


def may_view_conditions(user, proposal: Proposal) -> bool:
    """Who sees a proposal's conditions, their reports and reasons: whoever sees the proposal, and the colleagues
    at its university who may report on them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_view_proposal(user, proposal) or proposal.institution_id in condition_owner_institution_ids(user)
