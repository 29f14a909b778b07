"""Reads about proposals: action lists ("waiting for me"), lists per role, meetings."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from microcred.proposals import permissions
from microcred.proposals.models import AgendaItem, Meeting, Proposal
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
    mine = _base().filter(proposer=user)
    if permissions.can_create_proposal(user) or mine.exists():
        lists.append(("proposer", mine.filter(status__in=states_waiting_for(Decider.PROPOSER))))
    managed = permissions.managed_institution_ids(user)
    if managed:
        lists.append(
            (
                "manager",
                _base()
                .filter(
                    status__in=states_waiting_for(Decider.MANAGER),
                    institution_id__in=managed,
                    fell_to_fallback_at__isnull=True,  # fallen to the secretary: theirs until taken
                )
                .exclude(proposer=user),
            )
        )
    if permissions.is_board_secretary(user):
        lists.append(
            (
                "secretary",
                _base()
                .filter(
                    Q(status__in=states_waiting_for(Decider.SECRETARY))
                    | Q(status__in=_states_falling_to(Decider.SECRETARY), fell_to_fallback_at__isnull=False)
                )
                .exclude(proposer=user),
            )
        )
    if permissions.is_council(user):
        waiting = _base().filter(status__in=states_waiting_for(Decider.COUNCIL))
        lists.append(("council", waiting.exclude(proposer=user)))
    if permissions.is_executive(user):
        waiting = _base().filter(status__in=states_waiting_for(Decider.EXECUTIVE))
        lists.append(("executive", waiting.exclude(proposer=user)))
    panel = _base().filter(status=S.PANEL_REVIEW, call__panel_members=user).exclude(proposer=user)
    if panel.exists():
        lists.append(("panel", panel))
    return [(role, qs) for role, qs in lists if qs.exists() or role == "proposer"]


def visible_proposals(user) -> QuerySet[Proposal]:
    """Every proposal the user may see (the same rule as permissions.can_view_proposal): unsent drafts only
    to their authors."""
    submitted_or_mine = _base().exclude(Q(status=S.DRAFT) & ~Q(proposer=user))
    if permissions.sees_every_proposal(user):
        return submitted_or_mine
    managed = permissions.managed_institution_ids(user)
    return submitted_or_mine.filter(
        Q(proposer=user) | Q(institution_id__in=managed) | Q(call__panel_members=user)
    ).distinct()


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
    return [(number, item) for number, item in numbered if item.proposal.proposer_id == user.pk]


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
