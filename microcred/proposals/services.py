"""Every write about proposals: drafting, uploading, the workflow, reviews, meetings, decisions, calls.

`_apply_transition` is the only code that changes Proposal.status. Each public service checks who
may act (permissions.py), writes in one transaction, appends to the proposal's history and to the
audit log, and sends its e-mails after the commit.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.dates import public_date
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import check_single_line
from microcred.proposals import checklist, notifications, publishing, selectors, signals, workflow
from microcred.proposals import conditions as approval_conditions
from microcred.proposals.choices import Kind
from microcred.proposals.documents import check_document, safe_display_name, sha256_of
from microcred.proposals.exceptions import (
    AlreadyApproved,
    AlreadyDecided,
    ChecklistIncomplete,
    ConditionsNotValid,
    MeetingNotYetHeld,
    NotAllowed,
    NotOnAgenda,
    OwnProposal,
    StaleProposal,
)
from microcred.proposals.models import (
    AgendaItem,
    Call,
    Decision,
    InstitutionalApproval,
    LearningOutcome,
    Meeting,
    PrincipleAlignment,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    ProposalVersion,
    Review,
    SupportingDocument,
)
from microcred.proposals.permissions import (
    access_proposal,
    approval_universities,
    can_edit_proposal,
    can_manage_calls,
    can_manage_meetings,
    can_propose_for,
    can_review,
    can_score,
    check_action,
    may_propose_change,
    step_falls_to_fallback,
    universities_left_to_approve,
    university_has_manager,
)
from microcred.proposals.versions import copy_version
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution, PolicyVersion
from microcred.reference.selectors import policies_due_for_review, policy_in_force

S = ProposalStatus
# The history's step for one proposing university's approval while another's is awaited (policy 7.4); the last
# university's approval is the workflow's MANAGER_APPROVE.
PARTIAL_APPROVAL = "university_approve"


def _next_reference() -> str:
    year = timezone.now().year
    count = Proposal.objects.filter(reference__startswith=f"MC-{year}-").count()
    return f"MC-{year}-{count + 1:04d}"


def _bump(proposal: Proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    proposal.refresh_from_db(fields=["revision", "updated_at"])


def _check_fresh(proposal: Proposal, expected_revision: int | None) -> None:
    if expected_revision is not None and int(expected_revision) != proposal.revision:
        raise StaleProposal()


def audits_refusals(service):
    """Record a refused workflow step (someone acting on their own proposal, or without the role) in the audit
    log, with who tried what. The service's transaction has rolled back by then, so the record is written after
    it, and the refusal is raised on as before."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except (OwnProposal, NotAllowed) as exc:
            refused = getattr(exc, "refused", None)
            if refused is not None:
                record_audit_event(
                    actor=kwargs.get("user"),
                    action="proposal.action_refused",
                    target=refused["proposal"],
                    summary=f"{refused['action']} refused: {exc.code}",
                    changes={"action": refused["action"], "refusal": exc.code},
                )
            raise

    return run


@transaction.atomic
def create_proposal(
    *,
    user,
    institution,
    title: str,
    call: Call | None = None,
    kind: str = "formal",
    proposal_type: str = publishing.MICRO_CREDENTIAL,
) -> Proposal:
    """Open a new draft for a proposer at `institution` (one of their universities), with a working title.

    The title is asked for up front, so no "(untitled)" draft is left behind by someone who only looked at the
    form; it can be changed while the draft is edited. `proposal_type` names what is proposed (publishing.py):
    a type without a publisher and a checklist is refused before anything is written."""
    publishing.publisher_for(proposal_type), publishing.checklist_of(proposal_type)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the proposal a working title; you can change it while you write the draft."))
    if len(title) > 200:
        raise ValidationFailed(_("The title is at most 200 characters."))
    check_single_line(title, _("The title must be on one line: remove line breaks, tabs and other control characters."))
    if kind not in Kind.values:
        raise ValidationFailed(_("Choose the kind: a formal programme or a non-formal or informal activity."))
    if not can_propose_for(user, institution):
        raise NotAllowed(_("Only a proposer of %(inst)s may open a proposal for it.") % {"inst": institution})
    if call is not None and call.deadline < timezone.now():
        raise ValidationFailed(
            _("The call “%(call)s” closed on %(date)s.")
            % {"call": call.title, "date": call.deadline.date().isoformat()}
        )
    for attempt in range(5):
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    reference=_next_reference(),
                    proposer=user,
                    institution=institution,
                    call=call,
                    proposal_type=proposal_type,
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    ProposalVersion.objects.create(
        proposal=proposal, number=1, kind=kind, accrediting_institution=institution, title=title
    )
    record_audit_event(actor=user, action="proposal.created", target=proposal)
    return proposal


@transaction.atomic
def save_draft(*, user, proposal_id: int, data: dict, expected_revision: int | None = None) -> Proposal:
    """Save the form's fields into the current version. Partial data is fine: a draft may be incomplete.

    `data` holds model-ready values: scalar fields, plus optional `co_leads`, `content_areas`,
    `principles` ([(principle, how_met)]) and `outcomes` ([(text, [skills])]).
    """
    proposal = access_proposal(user, proposal_id, lock=True)
    if not can_edit_proposal(user, proposal):
        raise NotAllowed(
            _("This proposal cannot be edited now (it is “%(status)s”).") % {"status": proposal.get_status_display()}
        )
    _check_fresh(proposal, expected_revision)
    if "title" in data:
        check_single_line(
            data["title"], _("The title must be on one line: remove line breaks, tabs and other control characters.")
        )
    version = proposal.current_version
    m2m = {key: data.pop(key) for key in ("co_leads", "content_areas", "principles", "outcomes") if key in data}
    for name, value in data.items():
        setattr(version, name, value)
    if version.kind == Kind.NON_FORMAL:  # policy 5.7.2: no ECTS, EQF level or prior accreditation
        version.ects, version.eqf_level, version.accredited_before_submission = None, None, False
    version.save()
    if "co_leads" in m2m:
        version.co_leads.set(m2m["co_leads"])
    if "content_areas" in m2m:
        version.content_areas.set(m2m["content_areas"])
    if "principles" in m2m:
        version.principle_alignments.all().delete()
        PrincipleAlignment.objects.bulk_create(
            [PrincipleAlignment(version=version, principle=p, how_met=how) for p, how in m2m["principles"]]
        )
    if "outcomes" in m2m:
        version.learning_outcomes.all().delete()
        for order, (text, skills) in enumerate(m2m["outcomes"]):
            outcome = LearningOutcome.objects.create(version=version, order=order, text=text)
            outcome.skills.set(skills)
    _bump(proposal)
    return proposal


@transaction.atomic
def add_document(*, user, proposal_id: int, name: str, data: bytes, purpose: str) -> SupportingDocument:
    proposal = access_proposal(user, proposal_id, lock=True)
    if not can_edit_proposal(user, proposal):
        raise NotAllowed(_("Documents can only be added while you are editing the proposal."))
    extension, content_type = check_document(name, data)
    display_name = safe_display_name(name, extension)  # never the raw name: it ends up in a header
    version = proposal.current_version
    document = SupportingDocument(
        version=version,
        purpose=purpose,
        original_name=display_name,
        content_type=content_type,
        size=len(data),
        sha256=sha256_of(data),
        uploaded_by=user,
    )
    document.file.save(
        f"{proposal.reference}-v{version.number}-{sha256_of(data)[:12]}{extension}", ContentFile(data), save=False
    )
    document.save()
    _bump(proposal)
    record_audit_event(actor=user, action="proposal.document_added", target=proposal, summary=display_name)
    return document


@transaction.atomic
def remove_document(*, user, proposal_id: int, document_id: int) -> None:
    proposal = access_proposal(user, proposal_id, lock=True)
    if not can_edit_proposal(user, proposal):
        raise NotAllowed(_("Documents can only be removed while you are editing the proposal."))
    document = proposal.current_version.documents.filter(pk=document_id).first()
    if document is None:  # already removed (a confirmation posted twice): nothing to do, nothing to record
        return
    name = document.original_name
    document.delete()
    _bump(proposal)
    record_audit_event(actor=user, action="proposal.document_removed", target=proposal, summary=name)


def checklist_for(proposal: Proposal, version: ProposalVersion | None = None) -> list[checklist.RuleResult]:
    version = version or proposal.current_version
    approved = proposal.events.filter(action=Action.MANAGER_APPROVE).exists()
    return publishing.checklist_of(proposal.proposal_type)(version, manager_approved=approved)


def _apply_transition(proposal: Proposal, action: Action, *, actor, comment: str = "") -> Proposal:
    """The only code path that changes Proposal.status. Call inside a transaction with the row locked."""
    version = proposal.current_version
    new_status = workflow.target_status(
        action, proposal.status, has_financial_implications=version.has_financial_implications
    )
    old_status = proposal.status
    event = ProposalEvent.objects.create(
        proposal=proposal,
        version_number=version.number,
        action=action,
        actor=actor,
        from_status=old_status,
        to_status=new_status,
        comment=comment,
    )
    proposal.status = new_status
    # A step needing a role nobody holds at the university falls to its named fallback at once (policy 7.4).
    waiting = workflow.WAITING_FOR.get(new_status)
    fallen = waiting is not None and step_falls_to_fallback(proposal, waiting)
    proposal.fell_to_fallback_at = timezone.now() if fallen else None
    proposal.save(update_fields=["status", "fell_to_fallback_at", "updated_at"])
    _bump(proposal)
    record_audit_event(
        actor=actor,
        action=f"proposal.{action}",
        target=proposal,
        summary=comment[:500],
        changes={"status": [old_status, new_status], "version": version.number},
    )
    if fallen:
        _flag_fallback(proposal, waiting, actor=actor, event=event)
    notifications.announce_transition(proposal, event)
    return proposal


def _flag_fallback(proposal: Proposal, decider: workflow.Decider, *, actor, event: ProposalEvent) -> None:
    """Record, and tell the alliance admins at once, that nobody at the proposing university holds the role the
    step needs, so it fell to the named fallback (policy 7.4). In the transition's transaction."""
    fallback = workflow.FALLBACK[decider]
    record_audit_event(
        actor=actor,
        action="proposal.step_fell_to_fallback",
        target=proposal,
        summary=f"Nobody is {decider} at {proposal.institution}: the step falls to the {fallback}",
        changes={
            "waiting_for": str(decider),
            "fallback": str(fallback),
            "institution": proposal.institution_id,
            "status": str(proposal.status),
        },
    )
    for person in notifications.alliance_admins():
        notifications.announce_fallback(proposal, event, person)


@audits_refusals
@transaction.atomic
def take_action(
    *, user, proposal_id: int, action: Action | str, comment: str = "", expected_revision: int | None = None
) -> Proposal:
    """A workflow step other than scheduling and decisions (those have their own services)."""
    action = Action(action)
    if action in workflow.SCHEDULING_ACTIONS or action in workflow.DECISION_ACTIONS:
        raise NotAllowed(_("Use the meeting's agenda to schedule or decide."))
    proposal = access_proposal(user, proposal_id, lock=True)
    if action == Action.MANAGER_APPROVE and proposal.status == S.AWAITING_MANAGER:
        _check_not_approved_yet(user, proposal)
    check_action(user, proposal, action)
    _check_fresh(proposal, expected_revision)
    workflow.target_status(action, proposal.status)  # refuse early, before the checks below
    if action in (Action.SEND_TO_MANAGER, Action.RESUBMIT, Action.ACCEPT_AS_COMPLETE):
        problems = checklist.blocking_problems(checklist_for(proposal))
        if problems:
            raise ChecklistIncomplete(problems)
    if action in (Action.MANAGER_RETURN, Action.SECRETARY_RETURN) and not comment.strip():
        raise ValidationFailed(_("Say what needs to change: a comment is required when returning a proposal."))
    if action == Action.SEND_TO_PANEL and not (proposal.call_id and proposal.call.panel_review):
        raise ValidationFailed(_("Only proposals from a call with a panel review go to a panel."))
    if action == Action.ACCEPT_AS_COMPLETE and proposal.call_id and proposal.call.panel_review:
        raise ValidationFailed(_("This call has a panel review: send the proposal to the panel first."))
    if action in (Action.SEND_TO_MANAGER, Action.RESUBMIT):
        # Submitted now, and checked from now on against the policy version in force today (policy 10.2).
        version = proposal.current_version
        version.submitted_at = timezone.now()
        version.policy = policy_in_force()
        version.save(update_fields=["submitted_at", "policy"])
    if action == Action.SEND_TO_MANAGER:
        proposal.institutional_approvals.all().delete()  # a new round: every university approves this version
    if action == Action.MANAGER_APPROVE:
        return _approve_for_universities(proposal, user, comment)
    proposal = _apply_transition(proposal, action, actor=user, comment=comment)
    if action == Action.SEND_TO_MANAGER:
        _flag_co_universities_without_manager(proposal, actor=user)
    return proposal


def _flag_co_universities_without_manager(proposal: Proposal, *, actor) -> None:
    """A co-proposer's university with no institutional manager: its approval falls to the board secretary
    (permissions.may_approve_for); recorded, and the alliance admins told, as for the proposal's own (policy 7.4)."""
    missing = [i for i in proposal.approving_institution_ids[1:] if not university_has_manager(proposal, i)]
    if not missing:
        return
    event = proposal.events.order_by("-pk").first()
    for university in Institution.objects.filter(pk__in=missing).order_by("pk"):
        record_audit_event(
            actor=actor,
            action="proposal.step_fell_to_fallback",
            target=proposal,
            summary=f"Nobody is manager at {university}, a co-proposer's university: the secretary approves for it",
            changes={
                "waiting_for": str(workflow.Decider.MANAGER),
                "fallback": str(workflow.Decider.SECRETARY),
                "institution": university.pk,
                "status": str(proposal.status),
            },
        )
        for person in notifications.alliance_admins():
            notifications.announce_fallback(proposal, event, person, institution=university)


def _check_not_approved_yet(user, proposal: Proposal) -> None:
    """AlreadyApproved when every university `user` approves for has approved in this round (a second click)."""
    if approval_universities(user, proposal) and not universities_left_to_approve(user, proposal):
        raise AlreadyApproved([university.name for university in selectors.universities_waiting(proposal)])


def _approve_for_universities(proposal: Proposal, user, comment: str) -> Proposal:
    """Record the institutional approval of each proposing university `user` approves for that has not approved
    (policy 7.4); the last university's approval submits the proposal. In take_action's transaction."""
    pending = universities_left_to_approve(user, proposal)
    InstitutionalApproval.objects.bulk_create(
        [InstitutionalApproval(proposal=proposal, institution_id=i, approved_by=user) for i in pending]
    )
    waiting = selectors.universities_waiting(proposal)
    record_audit_event(
        actor=user,
        action="proposal.university_approved",
        target=proposal,
        summary=comment[:500],
        changes={"institutions": pending, "waiting_for": [university.pk for university in waiting]},
    )
    if not waiting:
        return _apply_transition(proposal, Action.MANAGER_APPROVE, actor=user, comment=comment)
    # Still waiting for another university: a step of the history, the status unchanged.
    ProposalEvent.objects.create(
        proposal=proposal,
        version_number=proposal.current_version.number,
        action=PARTIAL_APPROVAL,
        actor=user,
        from_status=proposal.status,
        to_status=proposal.status,
        comment=comment,
    )
    _bump(proposal)
    return proposal


@transaction.atomic
def add_review(
    *, user, proposal_id: int, comment: str, recommendation: str = "", panel_score: int | None = None
) -> Review:
    proposal = access_proposal(user, proposal_id)
    if not can_review(user, proposal):
        raise NotAllowed(_("Only council, board or panel members may review a proposal, and never their own."))
    if not comment.strip():
        raise ValidationFailed(_("Write a comment."))
    if panel_score is not None:
        if not can_score(user, proposal):
            raise NotAllowed(_("Only the call's panel scores a proposal, during the panel review."))
        if not 1 <= int(panel_score) <= 5:
            raise ValidationFailed(_("The panel score is from 1 to 5."))
    review = Review.objects.create(
        proposal=proposal,
        version_number=proposal.current_version.number,
        author=user,
        comment=comment.strip(),
        recommendation=recommendation,
        panel_score=panel_score,
    )
    record_audit_event(actor=user, action="proposal.reviewed", target=proposal, summary=recommendation)
    return review


# Meetings ------------------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(*, user, body: str, date, location: str = "") -> Meeting:
    if not can_manage_meetings(user):
        raise NotAllowed(_("Only the board secretary creates meetings."))
    check_single_line(
        location, _("The place or link must be on one line: remove line breaks, tabs and other control characters.")
    )
    meeting = Meeting.objects.create(body=body, date=date, location=location, created_by=user)
    record_audit_event(actor=user, action="meeting.created", target=meeting)
    return meeting


def next_meeting(body: str) -> Meeting | None:
    """The next meeting of `body` from now: proposed automatically when scheduling."""
    return Meeting.objects.filter(body=body, date__gte=timezone.now()).order_by("date").first()


@audits_refusals
@transaction.atomic
def schedule_proposal(*, user, proposal_id: int, meeting_id: int | None = None) -> AgendaItem:
    """Put a proposal on a meeting's agenda (the next meeting of the right body when none is named)."""
    proposal = access_proposal(user, proposal_id, lock=True)
    sitting = workflow.sitting_for_status(proposal.status)
    action, body = sitting.schedule, sitting.body
    check_action(user, proposal, action)
    meeting = Meeting.objects.filter(pk=meeting_id).first() if meeting_id else next_meeting(body)
    if meeting is None:
        raise ValidationFailed(
            _("There is no upcoming %(body)s meeting: create one first.") % {"body": Meeting.Body(body).label}
        )
    if meeting.body != body:
        raise ValidationFailed(
            _("This proposal goes to the %(body)s, not to the %(other)s.")
            % {"body": Meeting.Body(body).label, "other": meeting.get_body_display()}
        )
    if meeting.date < timezone.now():
        raise ValidationFailed(_("That meeting has already taken place."))
    order = (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, proposal=proposal, version_number=proposal.current_version.number, order=order
    )
    _apply_transition(proposal, action, actor=user, comment=str(meeting))
    notifications.announce_meeting_invitation(item)  # the proposer attends the discussion (policy 7.5)
    return item


def meeting_day(meeting: Meeting):
    """The day of a meeting in the platform's time zone (TIME_ZONE), as its members know it."""
    return timezone.localdate(meeting.date)


def too_early_to_decide(meeting: Meeting) -> str:
    """Why no decision of this meeting can be recorded yet, or "" when they can: a board decides at its meeting,
    so its decisions are recorded from the meeting's day on, never weeks before (issue #16, defect 8)."""
    if timezone.localdate() >= meeting_day(meeting):
        return ""
    return _("This meeting is on %(date)s: its decisions can be recorded from that day.") % {
        "date": public_date(meeting_day(meeting))
    }


@audits_refusals
@transaction.atomic
def record_decision(
    *, user, agenda_item_id: int, outcome: str, rationale: str, conditions: str = "", condition_items=None
) -> Decision:
    """Record the decision on one agenda item. Exactly one decision stands (a one-to-one row).

    An approval with conditions states them as `condition_items` (approval_conditions.ConditionInput: text and
    due date), or one per line in `conditions`, each then due CONDITION_DUE_DAYS from today; each becomes an
    ApprovalCondition followed up until the board secretary confirms it (approval_conditions)."""
    item = (
        AgendaItem.objects.select_related("meeting", "proposal")
        .select_for_update(of=("self",))
        .filter(pk=agenda_item_id)
        .first()
    )
    if item is None:
        raise NotOnAgenda(_("There is no such agenda item."))
    proposal = access_proposal(user, item.proposal_id, lock=True)
    if Decision.objects.filter(agenda_item=item).exists():
        raise AlreadyDecided(Decision.objects.select_related("decided_by").get(agenda_item=item))
    if outcome not in Decision.Outcome.values:
        raise ValidationFailed(_("Choose a decision."))
    sitting = workflow.sitting_of(item.meeting.body)
    action = sitting.decisions[outcome]
    check_action(user, proposal, action)
    if proposal.status != sitting.on_agenda or item.version_number != proposal.current_version.number:
        raise NotOnAgenda(_("This proposal is not waiting for a decision at this meeting."))
    too_early = too_early_to_decide(item.meeting)
    if too_early:
        raise MeetingNotYetHeld(too_early)
    if not rationale.strip():
        raise ValidationFailed(_("Give the rationale for the decision."))
    condition_list = []
    if outcome == Decision.Outcome.APPROVE_WITH_CONDITIONS:
        try:
            condition_list = approval_conditions.check_conditions(
                list(condition_items)
                if condition_items is not None
                else approval_conditions.conditions_from_text(conditions)
            )
        except ValidationFailed as exc:
            raise ConditionsNotValid(exc.message) from None
        conditions = "\n".join(item.text for item in condition_list)
        if not conditions.strip():
            raise ConditionsNotValid(_("State the conditions of approval."))
    if outcome in (Decision.Outcome.APPROVE, Decision.Outcome.APPROVE_WITH_CONDITIONS) and (
        proposal.proposal_type == publishing.MICRO_CREDENTIAL
    ):
        # Approving would put a second micro-credential with the same title in the catalogue (issue #16, defect 3).
        clash = checklist.title_in_use(proposal.current_version)
        if clash:
            raise ValidationFailed(
                checklist.title_in_use_message(*clash)
                + " "
                + _("Request revisions so that the proposer changes the title; nothing was recorded.")
            )
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                agenda_item=item,
                outcome=outcome,
                rationale=rationale.strip(),
                conditions=conditions.strip(),
                decided_by=user,
            )
    except IntegrityError:
        raise AlreadyDecided() from None
    approval_conditions.create_conditions(decision=decision, proposal=proposal, items=condition_list)
    comment = rationale.strip() + (f"\n{_('Conditions')}: {conditions.strip()}" if conditions.strip() else "")
    if conditions.strip():
        proposal.conditions = "\n".join(filter(None, [proposal.conditions, conditions.strip()]))
        proposal.save(update_fields=["conditions"])
    _apply_transition(proposal, action, actor=user, comment=comment)
    if proposal.status == S.REVISIONS_REQUESTED:
        copy_version(proposal.current_version, proposal=proposal, number=proposal.current_version.number + 1)
        proposal._current_version = None
    elif proposal.status == S.APPROVED:
        publishing.publish(proposal=proposal, actor=user)  # what its proposal type publishes
    signals.proposal_decided.send(sender=Proposal, proposal=proposal, decision=decision, actor=user)
    return decision


@transaction.atomic
def record_attendance(*, user, meeting_id: int, present_user_ids: list[int]) -> Meeting:
    if not can_manage_meetings(user):
        raise NotAllowed(_("Only the board secretary records attendance."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    meeting.attendees.set(present_user_ids)
    record_audit_event(
        actor=user, action="meeting.attendance", target=meeting, changes={"present": sorted(present_user_ids)}
    )
    return meeting


@transaction.atomic
def record_minutes(*, user, meeting_id: int, minutes: str) -> Meeting:
    if not can_manage_meetings(user):
        raise NotAllowed(_("Only the board secretary records minutes."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    record_audit_event(actor=user, action="meeting.minutes", target=meeting)
    return meeting


# Calls and change proposals -------------------------------------------------------------------------


@transaction.atomic
def create_call(
    *, user, title: str, scope: str, opens_on, deadline, panel_review: bool = False, panel_members=()
) -> Call:
    if not can_manage_calls(user):
        raise NotAllowed(_("Only the board secretary or the alliance admin opens a call."))
    check_single_line(title, _("The title must be on one line: remove line breaks, tabs and other control characters."))
    if deadline.date() < opens_on:
        raise ValidationFailed(_("The deadline is before the call opens."))
    call = Call.objects.create(
        title=title, scope=scope, opens_on=opens_on, deadline=deadline, panel_review=panel_review, created_by=user
    )
    call.panel_members.set(panel_members)
    record_audit_event(actor=user, action="call.created", target=call)
    return call


@transaction.atomic
def start_change_proposal(
    *, user, micro_credential_id: int, institution, proposal_type: str = publishing.MICRO_CREDENTIAL
) -> Proposal:
    """A change to a published micro-credential: a new proposal starting from its current version. What it
    starts from is read through the proposal type's change basis (publishing.py), registered by the catalogue."""
    basis = publishing.change_basis(proposal_type, micro_credential_id, lock=True)
    if not basis.published:
        raise ValidationFailed(_("A retired micro-credential cannot be changed."))
    if not may_propose_change(institution, basis.university_ids):
        raise NotAllowed(_("Only the awarding or co-lead universities propose changes to this micro-credential."))
    if basis.proposal_version is None:
        raise ValidationFailed(_("This micro-credential was approved outside the platform; propose it anew instead."))
    proposal = create_proposal(user=user, institution=institution, title=basis.title, proposal_type=proposal_type)
    if basis.field:
        setattr(proposal, basis.field, basis.subject)
        try:
            with transaction.atomic():
                proposal.save(update_fields=[basis.field])
        except IntegrityError:
            raise ValidationFailed(_("A change proposal for this micro-credential is already open.")) from None
    proposal.versions.all().delete()
    copy_version(basis.proposal_version, proposal=proposal, number=1)
    proposal._current_version = None
    if basis.started is not None:
        basis.started(proposal)  # the type's own part of the change (a pathway's rule): same transaction
    record_audit_event(actor=user, action="proposal.change_started", target=proposal, summary=str(basis.subject))
    return proposal


# The policy's review (policy 4.1, 10.3) ------------------------------------------------------------------


@transaction.atomic
def remind_policy_review(today=None) -> list[int]:
    """E-mail the alliance admins about each policy version whose review date is within
    POLICY_REVIEW_REMINDER_DAYS (or past): once per review date, recorded on the version (a review date moved
    later reminds them again). Returns the ids of the versions reminded about."""
    reminded = []
    for due in policies_due_for_review(settings.POLICY_REVIEW_REMINDER_DAYS, today):
        policy = PolicyVersion.objects.select_for_update().get(pk=due.pk)
        if policy.review_reminded_for == policy.review_due:
            continue
        admins = notifications.alliance_admins()
        for person in admins:
            notifications.announce_policy_review(policy, person)
        policy.review_reminded_for = policy.review_due
        policy.save(update_fields=["review_reminded_for"])
        record_audit_event(
            actor=None,
            action="policy.review_reminder_sent",
            target=policy,
            summary=f"Review due by {policy.review_due.isoformat()}",
            changes={"review_due": policy.review_due.isoformat(), "recipients": len(admins)},
        )
        reminded.append(policy.pk)
    return reminded
