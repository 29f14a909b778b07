"""The conditions of an approval, followed up (issue #14, item 3): every write about them.

A decision "approve with conditions" states one or more conditions, each with a due date (CONDITION_DUE_DAYS after
the decision unless the council gives one). ``record_decision`` writes them through ``create_conditions``; the
decision's text (Decision.conditions) stays the record of what was decided. Then:

* the proposer, or a colleague at the proposer's university who may act on its proposals, reports how the condition
  was met (``report_condition``): open or reopened → reported;
* the board secretary confirms it (``confirm_condition``: reported → confirmed) or reopens it with a reason
  (``reopen_condition``: reported → reopened, waiting for a new report);
* a daily task tells the owners, once, when a condition not yet reported passes its due date
  (``announce_overdue_conditions``).

Each step checks who may act (permissions.py), validates before writing, changes the row only from the state it
expects (locked), and leaves an audit record; the e-mails go through the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import COMMENT_TEXT
from microcred.proposals import notifications
from microcred.proposals.exceptions import ConditionNotFound, ConditionState, NotAllowed, ProposalNotFound
from microcred.proposals.models import ApprovalCondition, Decision, Proposal
from microcred.proposals.permissions import may_confirm_condition, may_report_condition, may_view_conditions
from microcred.proposals.selectors import conditions_of

Status = ApprovalCondition.Status
MAX_CONDITIONS = 20  # conditions one decision may state


@dataclass(frozen=True)
class ConditionInput:
    """One condition as the council states it: its text and, optionally, its due date."""

    text: str
    due_on: dt.date | None = None


def default_due_date(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=settings.CONDITION_DUE_DAYS)


def conditions_from_text(text: str) -> list[ConditionInput]:
    """Conditions typed one per line (the decision's text, or an API client's `conditions`): each line one, due by
    the default date."""
    return [ConditionInput(line.strip()) for line in (text or "").splitlines() if line.strip()]


def check_conditions(items: list[ConditionInput], today: dt.date | None = None) -> list[ConditionInput]:
    """The conditions as they will be written (texts stripped, default due dates filled in), or ValidationFailed
    naming what is wrong. Written by no one yet: call before anything is written."""
    today = today or timezone.localdate()
    checked = []
    for number, item in enumerate(items, start=1):
        text = (item.text or "").strip()
        if not text:
            raise ValidationFailed(_("Condition %(n)d has no text: state it, or leave its row empty.") % {"n": number})
        if len(text) > COMMENT_TEXT:
            raise ValidationFailed(
                _("Condition %(n)d is longer than %(max)d characters.") % {"n": number, "max": COMMENT_TEXT}
            )
        due_on = item.due_on or default_due_date(today)
        if due_on < today:
            raise ValidationFailed(
                _("The due date of condition %(n)d (%(date)s) is in the past: give today or a later day.")
                % {"n": number, "date": due_on.isoformat()}
            )
        checked.append(ConditionInput(text, due_on))
    if len(checked) > MAX_CONDITIONS:
        raise ValidationFailed(_("A decision states at most %(max)d conditions.") % {"max": MAX_CONDITIONS})
    return checked


def create_conditions(
    *, decision: Decision, proposal: Proposal, items: list[ConditionInput]
) -> list[ApprovalCondition]:
    """In the decision's transaction: one row per checked condition, owned by the proposer's university."""
    return ApprovalCondition.objects.bulk_create(
        [
            ApprovalCondition(
                decision=decision,
                proposal=proposal,
                number=number,
                text=item.text,
                owner_institution_id=proposal.institution_id,
                due_on=item.due_on,
            )
            for number, item in enumerate(items, start=1)
        ]
    )


def access_condition(user, condition_id, *, lock: bool = False) -> ApprovalCondition:
    """The condition if `user` may see it; ConditionNotFound otherwise (missing and forbidden look the same)."""
    qs = ApprovalCondition.objects.select_related("proposal", "proposal__institution", "decision", "owner_institution")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        condition = qs.get(pk=condition_id)
    except (ApprovalCondition.DoesNotExist, ValueError, TypeError):
        raise ConditionNotFound() from None
    if not may_view_conditions(user, condition.proposal):
        raise ConditionNotFound()
    return condition


def conditions_of_proposal(user, proposal_id) -> list[ApprovalCondition]:
    """A proposal's conditions, if `user` may see them; ProposalNotFound otherwise."""
    proposal = Proposal.objects.select_related("institution").filter(pk=proposal_id).first()
    if proposal is None or not may_view_conditions(user, proposal):
        raise ProposalNotFound()
    return conditions_of(proposal)


def _changes(condition: ApprovalCondition, old_status: str) -> dict:
    return {"status": [old_status, condition.status], "proposal": condition.proposal_id, "number": condition.number}


@transaction.atomic
def report_condition(*, user, condition_id: int, account: str) -> ApprovalCondition:
    """The owner reports how the condition was met: open (or reopened) → reported. The secretary is told."""
    condition = access_condition(user, condition_id, lock=True)
    if not may_report_condition(user, condition):
        raise NotAllowed(
            _("Only the proposer, or a proposer or manager of %(university)s, reports on this condition.")
            % {"university": condition.owner_institution.name}
        )
    account = (account or "").strip()
    if not account:
        raise ValidationFailed(_("Say how the condition was met: the account is required."))
    if len(account) > COMMENT_TEXT:
        raise ValidationFailed(_("The account is at most %(max)d characters.") % {"max": COMMENT_TEXT})
    if condition.status == Status.CONFIRMED:
        raise ConditionState(_("This condition is already confirmed as met: there is nothing to report."))
    if condition.status == Status.REPORTED:
        raise ConditionState(_("This condition is already reported and waits for the board secretary."))
    old = condition.status
    condition.status = Status.REPORTED
    condition.report = account
    condition.reported_by = user
    condition.reported_at = timezone.now()
    condition.save(update_fields=["status", "report", "reported_by", "reported_at"])
    record_audit_event(
        actor=user, action="approval_condition.reported", target=condition, changes=_changes(condition, old)
    )
    notifications.announce_condition_step(condition, "reported")
    return condition


@transaction.atomic
def confirm_condition(*, user, condition_id: int) -> ApprovalCondition:
    """The board secretary confirms a reported condition as met: reported → confirmed (final)."""
    condition = access_condition(user, condition_id, lock=True)
    if not may_confirm_condition(user, condition):
        raise NotAllowed(_("Only the board secretary confirms a condition, and never on their own proposal."))
    if condition.status == Status.CONFIRMED:
        raise ConditionState(_("This condition is already confirmed."))
    if condition.status != Status.REPORTED:
        raise ConditionState(_("This condition has not been reported as met yet: it cannot be confirmed."))
    old = condition.status
    condition.status = Status.CONFIRMED
    condition.confirmed_by = user
    condition.confirmed_at = timezone.now()
    condition.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record_audit_event(
        actor=user, action="approval_condition.confirmed", target=condition, changes=_changes(condition, old)
    )
    notifications.announce_condition_step(condition, "confirmed")
    return condition


@transaction.atomic
def reopen_condition(*, user, condition_id: int, reason: str) -> ApprovalCondition:
    """The board secretary finds the report wanting: reported → reopened, with the reason, for a new report."""
    condition = access_condition(user, condition_id, lock=True)
    if not may_confirm_condition(user, condition):
        raise NotAllowed(_("Only the board secretary reopens a condition, and never on their own proposal."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the condition is not met yet: the reason is required."))
    if len(reason) > COMMENT_TEXT:
        raise ValidationFailed(_("The reason is at most %(max)d characters.") % {"max": COMMENT_TEXT})
    if condition.status != Status.REPORTED:
        raise ConditionState(_("Only a condition reported as met, and not yet confirmed, can be reopened."))
    old = condition.status
    condition.status = Status.REOPENED
    condition.reopen_reason = reason
    condition.reopened_by = user
    condition.reopened_at = timezone.now()
    condition.save(update_fields=["status", "reopen_reason", "reopened_by", "reopened_at"])
    record_audit_event(
        actor=user,
        action="approval_condition.reopened",
        target=condition,
        summary=reason[:500],
        changes=_changes(condition, old),
    )
    notifications.announce_condition_step(condition, "reopened")
    return condition


def announce_overdue_conditions(today: dt.date | None = None) -> list[int]:
    """The daily task: each condition not reported by its due date is announced to its owners, once (a conditional
    update claims it, so two runs at once never announce it twice). Returns the ids announced."""
    today = today or timezone.localdate()
    announced = []
    candidates = ApprovalCondition.objects.filter(
        status__in=[Status.OPEN, Status.REOPENED], due_on__lt=today, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            claimed = ApprovalCondition.objects.filter(
                pk=pk, status__in=[Status.OPEN, Status.REOPENED], overdue_notified_at__isnull=True
            ).update(overdue_notified_at=timezone.now())
            if not claimed:
                continue
            condition = ApprovalCondition.objects.select_related("proposal").get(pk=pk)
            recipients = notifications.condition_owners(condition)
            for person in recipients:
                notifications.announce_condition_overdue(condition, person)
            record_audit_event(
                actor=None,
                action="approval_condition.overdue",
                target=condition,
                summary=f"Due by {condition.due_on.isoformat()}, not reported",
                changes={
                    "due_on": condition.due_on.isoformat(),
                    "proposal": condition.proposal_id,
                    "recipients": len(recipients),
                },
            )
        announced.append(pk)
    return announced
