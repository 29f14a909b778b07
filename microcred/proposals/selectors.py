"""Reads about proposals: action lists ("waiting for me"), lists per role, meetings."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from microcred.proposals import permissions
from microcred.proposals.models import (
    AgendaItem,
    ApprovalCondition,
    InstitutionalApproval,
    Meeting,
    Proposal,
    ProposalEvent,
)
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.workflow import FALLBACK, Decider, states_waiting_for
from microcred.reference.models import Institution


def _base() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("institution", "proposer", "call").prefetch_related("versions")


def _states_falling_to(fallback: Decider) -> list[S]:
    """The states whose step falls to `fallback` when nobody at the university holds the role (workflow.FALLBACK)."""
    return [state for decider, to in FALLBACK.items() if to == fallback for state in states_waiting_for(decider)]


def waiting_for(user) -> list[tuple[str, QuerySet[Proposal]]]:
    """The action list: for each of the user's roles, the proposals waiting for them to act (workflow.WAITING_FOR)."""
    lists = []
    mine = _base().filter(permissions.proposed_by(user))
    if permissions.can_create_proposal(user) or mine.exists():
        lists.append(("proposer", mine.filter(status__in=states_waiting_for(Decider.PROPOSER))))
    managed = permissions.managed_institution_ids(user)
    if managed:
        # Waiting for the approval of a university they manage: the proposal's own (unless the step fell to the
        # secretary: theirs until taken) or a co-proposer's (policy 7.4), and not yet given.
        candidates = Q(institution_id__in=managed, fell_to_fallback_at__isnull=True) | Q(
            co_proposer_links__institution_id__in=managed
        )
        lists.append(("manager", _base().filter(pk__in=_left_to_approve(user, candidates))))
    if permissions.is_board_secretary(user):
        lists.append(
            (
                "secretary",
                _base()
                .filter(
                    Q(status__in=states_waiting_for(Decider.SECRETARY))
                    | Q(status__in=_states_falling_to(Decider.SECRETARY), fell_to_fallback_at__isnull=False)
                    # a co-proposer's university with no institutional manager: the secretary approves for it
                    | Q(pk__in=_left_to_approve(user, Q(co_proposer_links__isnull=False)))
                )
                .exclude(permissions.proposed_by(user)),
            )
        )
    if permissions.is_council(user):
        waiting = _base().filter(status__in=states_waiting_for(Decider.COUNCIL))
        lists.append(("council", waiting.exclude(permissions.proposed_by(user))))
    if permissions.is_executive(user):
        waiting = _base().filter(status__in=states_waiting_for(Decider.EXECUTIVE))
        lists.append(("executive", waiting.exclude(permissions.proposed_by(user))))
    panel = _base().filter(status=S.PANEL_REVIEW, call__panel_members=user).exclude(permissions.proposed_by(user))
    if panel.exists():
        lists.append(("panel", panel))
    # Conditions of approval (issue #14): the owners report, the secretary confirms, the council follows them.
    for role, conditions in condition_lists(user):
        lists.append((role, _base().filter(pk__in=conditions.values("proposal_id"))))
    return [(role, qs) for role, qs in lists if qs.exists() or role == "proposer"]


def _left_to_approve(user, candidates: Q) -> list[int]:
    """The proposals among `candidates` waiting for an institutional approval that `user` gives (policy 7.4)."""
    waiting = (
        Proposal.objects.filter(candidates, status__in=states_waiting_for(Decider.MANAGER))
        .exclude(permissions.proposed_by(user))
        .distinct()
    )
    return [proposal.pk for proposal in waiting if permissions.universities_left_to_approve(user, proposal)]


def visible_proposals(user) -> QuerySet[Proposal]:
    """Every proposal the user may see (the same rule as permissions.can_view_proposal): unsent drafts only
    to their authors."""
    mine = permissions.proposed_by(user)
    submitted_or_mine = _base().exclude(Q(status=S.DRAFT) & ~mine)
    if permissions.sees_every_proposal(user):
        return submitted_or_mine
    managed = permissions.managed_institution_ids(user)
    return submitted_or_mine.filter(
        mine
        | Q(institution_id__in=managed)
        | Q(co_proposer_links__institution_id__in=managed)  # a co-proposer's university approves it too
        | Q(call__panel_members=user)
    ).distinct()


def universities_waiting(proposal: Proposal) -> list[Institution]:
    """The proposing universities whose institutional approval the proposal still waits for, in their order."""
    done = set(proposal.institutional_approvals.values_list("institution_id", flat=True))
    waiting = [i for i in proposal.approving_institution_ids if i not in done]
    by_id = Institution.objects.in_bulk(waiting)
    return [by_id[i] for i in waiting]


@dataclass(frozen=True)
class UniversityApproval:
    """One proposing university's part in the institutional approval (policy 7.4), as the proposal's page shows it."""

    institution: Institution
    approval: InstitutionalApproval | None  # None: not given yet in this round
    by_secretary: bool  # nobody is institutional manager there: the board secretary approves for it


def university_approvals(proposal: Proposal) -> list[UniversityApproval]:
    """Each proposing university, the proposal's own first, with its approval in this round or who gives it."""
    ids = proposal.approving_institution_ids
    given = {a.institution_id: a for a in proposal.institutional_approvals.select_related("approved_by")}
    by_id = Institution.objects.in_bulk(ids)
    return [
        UniversityApproval(
            institution=by_id[i],
            approval=given.get(i),
            by_secretary=proposal.fell_to_fallback_at is not None
            if i == proposal.institution_id
            else not permissions.university_has_manager(proposal, i),
        )
        for i in ids
    ]


def co_proposer_links_of(proposal: Proposal) -> list:
    """Its co-proposers' rows (models.CoProposer: the person and the university they propose for), in the order
    they were added."""
    return list(proposal.co_proposer_links.select_related("person", "institution"))


def co_proposers_of(proposal: Proposal) -> list:
    """Its co-proposers, in the order they were added."""
    return [link.person for link in co_proposer_links_of(proposal)]


def upcoming_meetings(body: str | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(date__gte=timezone.now() - timezone.timedelta(hours=12))
    if body:
        qs = qs.filter(body=body)
    return qs.order_by("date")


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.select_related("proposal", "proposal__institution", "decision", "decision__decided_by")


def agenda_seen_by(user, meeting: Meeting) -> list[tuple[int, AgendaItem]]:
    """(number on the agenda, item): every item for those who see the whole meeting; an invited proposer's own
    items only, with their numbers on the agenda (policy 7.5)."""
    numbered = list(enumerate(agenda(meeting).order_by("order", "id"), start=1))
    if permissions.can_view_meetings(user):
        return numbered
    return [(number, item) for number, item in numbered if permissions.is_own(user, item.proposal)]


# Conditions of approval (issue #14) ---------------------------------------------------------------------------

UNCONFIRMED = (ApprovalCondition.Status.OPEN, ApprovalCondition.Status.REOPENED, ApprovalCondition.Status.REPORTED)
AWAITING_REPORT = (ApprovalCondition.Status.OPEN, ApprovalCondition.Status.REOPENED)


def _conditions() -> QuerySet[ApprovalCondition]:
    return ApprovalCondition.objects.select_related("proposal", "owner_institution", "decision").order_by(
        "due_on", "proposal__reference", "number"
    )


def conditions_awaiting_report(user) -> QuerySet[ApprovalCondition]:
    """Open or reopened conditions the user may report on: of their proposals, or owned by a university where they
    are proposer or institutional manager."""
    owned = permissions.proposed_by(user, "proposal__") | Q(
        owner_institution_id__in=permissions.condition_owner_institution_ids(user)
    )
    return _conditions().filter(owned, status__in=AWAITING_REPORT)


def condition_lists(user) -> list[tuple[str, QuerySet[ApprovalCondition]]]:
    """The conditions on the user's action lists, by role: "conditions" to report on; "conditions_to_confirm" (the
    board secretary); "conditions_followed", every condition not yet confirmed (the council and the secretary)."""
    if not getattr(user, "is_authenticated", False):
        return []
    lists = [("conditions", conditions_awaiting_report(user))]
    if permissions.is_board_secretary(user):
        reported = (
            _conditions()
            .filter(status=ApprovalCondition.Status.REPORTED)
            .exclude(permissions.proposed_by(user, "proposal__"))
        )
        lists.append(("conditions_to_confirm", reported))
    if permissions.is_council(user) or permissions.is_board_secretary(user):
        lists.append(("conditions_followed", _conditions().filter(status__in=UNCONFIRMED)))
    return [(role, qs) for role, qs in lists if qs.exists()]


def conditions_of(proposal: Proposal) -> list[ApprovalCondition]:
    return list(
        proposal.approval_conditions.select_related("decision", "owner_institution", "reported_by").order_by(
            "decision__decided_at", "number"
        )
    )


@dataclass(frozen=True)
class ConditionSummary:
    """How far the conditions of one approval are: counts by state (overdue: not reported by the due date)."""

    total: int = 0
    confirmed: int = 0
    reported: int = 0
    awaiting_report: int = 0
    overdue: int = 0

    @property
    def all_confirmed(self) -> bool:
        return self.confirmed == self.total


def condition_summaries(proposal_ids, today=None) -> dict[int, ConditionSummary]:
    """{proposal id: ConditionSummary} for the proposals among `proposal_ids` that have conditions (one query;
    none without a proposal, as for a page of imported micro-credentials)."""
    ids = [pk for pk in proposal_ids if pk]
    if not ids:
        return {}
    today = today or timezone.localdate()
    counts: dict[int, dict[str, int]] = {}
    rows = ApprovalCondition.objects.filter(proposal_id__in=ids).values_list("proposal_id", "status", "due_on")
    for proposal_id, status, due_on in rows:
        c = counts.setdefault(
            proposal_id, {"total": 0, "confirmed": 0, "reported": 0, "awaiting_report": 0, "overdue": 0}
        )
        c["total"] += 1
        if status == ApprovalCondition.Status.CONFIRMED:
            c["confirmed"] += 1
        elif status == ApprovalCondition.Status.REPORTED:
            c["reported"] += 1
        else:
            c["awaiting_report"] += 1
            if due_on < today:
                c["overdue"] += 1
    return {pk: ConditionSummary(**c) for pk, c in counts.items()}


def fallen_to_fallback() -> QuerySet[Proposal]:
    """Open proposals whose step fell to its fallback because nobody held the role at their university."""
    return _base().filter(fell_to_fallback_at__isnull=False).order_by("fell_to_fallback_at")


def open_agenda_item(proposal: Proposal) -> AgendaItem | None:
    """The agenda item waiting for a decision on the proposal's current version, if any."""
    return (
        AgendaItem.objects.filter(
            proposal=proposal, version_number=proposal.current_version.number, decision__isnull=True
        )
        .select_related("meeting")
        .order_by("-meeting__date")
        .first()
    )


def user_institutions_for_proposing(user) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=permissions.proposing_institution_ids(user))


def meeting_members(meeting: Meeting):
    """The people who sit on the meeting's body (for its attendance list)."""
    roles = permissions.MEETING_ROLES[meeting.body]
    return get_user_model().objects.filter(role_assignments__role__in=roles).distinct().order_by("full_name")


def possible_presenters():
    """Who may present a paper to a meeting: active staff (anyone holding a role other than learner)."""
    from microcred.roles import STAFF_ROLES

    return (
        get_user_model()
        .objects.filter(is_active=True, erased_at__isnull=True, role_assignments__role__in=sorted(STAFF_ROLES))
        .distinct()
        .order_by("full_name", "email")
    )


def what_to_fix(proposal: Proposal) -> ProposalEvent | None:
    """While a proposal waits for its proposer to revise it (returned, or revisions requested by a meeting), the
    step that sent it back, with its reasons: shown at the top of the proposal's page (issue #16)."""
    if proposal.status not in (S.RETURNED, S.REVISIONS_REQUESTED):
        return None
    return proposal.events.filter(to_status=proposal.status).select_related("actor").order_by("-at", "-id").first()
