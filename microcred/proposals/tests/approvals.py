"""Test helpers (issue #14): a proposal taken to the Academic Council and decided, through the real services."""

from django.utils import timezone

from microcred.proposals import services
from microcred.proposals.demo import decide_in_session
from microcred.proposals.models import Meeting, ProposalStatus
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import Action


def draft_proposal(people, refdata, institution, other_institution, **overrides):
    """A complete draft (complete_formal_data with `overrides`) of people["proposer"], through the services."""
    proposal = services.create_proposal(
        title=overrides.get("title", "A working title"), user=people["proposer"], institution=institution
    )
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution, **overrides),
    )
    proposal.refresh_from_db()
    proposal._current_version = None
    return proposal


def on_agenda(people, refdata, institution, other_institution, title="Life-cycle thinking"):
    """A complete proposal of people["proposer"], on the agenda of the next Academic Council: its agenda item."""
    if not Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__gt=timezone.now()).exists():
        services.create_meeting(
            user=people["secretary"],
            body=Meeting.Body.ACADEMIC_COUNCIL,
            date=timezone.now() + timezone.timedelta(days=7),
        )
    return to_agenda(draft_proposal(people, refdata, institution, other_institution, title=title), people)


def to_agenda(proposal, people):
    """A complete draft sent, approved by the managers (UU's too when a co-proposer proposes for it), accepted and
    put on the next meeting: its agenda item."""
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    approved = services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    if approved.status == ProposalStatus.AWAITING_MANAGER:
        services.take_action(user=people["other_manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    return services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)


def hold_meeting_now(item_or_meeting):
    """The meeting (of an agenda item) takes place now: decisions are recorded from the meeting's day on (issue #16,
    defect 8), so a test that decides through a page or the API brings the meeting to now first."""
    meeting_id = getattr(item_or_meeting, "meeting_id", None) or item_or_meeting.pk
    Meeting.objects.filter(pk=meeting_id).update(date=timezone.now())
    return meeting_id


def approved(people, refdata, institution, other_institution, conditions=None, title="Life-cycle thinking"):
    """Decided by the council chair: approved, or approved with `conditions` (ConditionInput list). The proposal."""
    item = on_agenda(people, refdata, institution, other_institution, title=title)
    decide_in_session(
        user=people["chair"],
        agenda_item_id=item.pk,
        outcome="approve_with_conditions" if conditions else "approve",
        rationale="A good fit.",
        condition_items=conditions,
    )
    item.proposal.refresh_from_db()
    return item.proposal
