"""Every write about hand-off tasks (policy 7.8): created on approval, ticked, moved, cancelled, announced overdue.

Each write checks who may act (permissions.py), changes a locked row only from the state it expects, leaves an audit
record and queues its e-mails in the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue.models import MicroCredentialVersion
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import COMMENT_TEXT
from microcred.handoffs import notifications, permissions, selectors
from microcred.handoffs.defaults import write_default_plan
from microcred.handoffs.exceptions import NotAllowed, TaskNotFound, TaskState
from microcred.handoffs.models import ChecklistItem, HandoffTask, TaskKind

Status = HandoffTask.Status
# The status changes a person may make (cancelling has its own rule: a reason, and never from done).
MOVES = {
    Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.IN_PROGRESS},
    Status.CANCELLED: set(),
}


def create_tasks_for_approval(*, proposal, actor) -> list[HandoffTask]:
    """In the decision's transaction: one task per active kind of the plan, for the approved proposal, linked to the
    micro-credential it published. A kind that already has its task for this proposal is skipped (and the unique
    constraint refuses a second one), so a repeated signal or decision creates nothing twice."""
    version = MicroCredentialVersion.objects.filter(proposal=proposal).order_by("-number").first()
    micro_credential = version.micro_credential if version else None
    awarding_id = version.awarding_institution_id if version else proposal.institution_id
    if not TaskKind.objects.exists():
        write_default_plan(TaskKind)  # an empty plan (a flushed database) is the default one, not "hand over nothing"
    existing = set(HandoffTask.objects.filter(proposal=proposal).values_list("kind_id", flat=True))
    today = timezone.localdate()
    created = []
    for kind in TaskKind.objects.filter(active=True).exclude(pk__in=existing):
        try:
            with transaction.atomic():
                task = HandoffTask.objects.create(
                    kind=kind,
                    proposal=proposal,
                    micro_credential=micro_credential,
                    title=kind.name,
                    owner_role=kind.owner_role,
                    owner_institution_id=awarding_id if kind.at_awarding_university else None,
                    due_on=today + dt.timedelta(days=kind.due_days),
                )
        except IntegrityError:
            continue  # created meanwhile by another run: it stands
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(task=task, order=n, text=str(text)[:300])
                for n, text in enumerate(kind.checklist or [], start=1)
            ]
        )
        recipients = selectors.people_in_role(task)
        for person in recipients:
            notifications.announce_task(task, person, "created")
        record_audit_event(
            actor=actor,
            action="handoff_task.created",
            target=task,
            summary=f"{kind.code} for {proposal.reference}",
            changes={
                "kind": kind.code,
                "proposal": proposal.pk,
                "owner_role": task.owner_role,
                "owner_institution": task.owner_institution_id,
                "due_on": task.due_on.isoformat(),
                "recipients": len(recipients),
            },
        )
        created.append(task)
    return created


def access_task(user, task_id, *, lock: bool = False) -> HandoffTask:
    """The task if `user` may see it; TaskNotFound otherwise (missing and forbidden look the same)."""
    qs = HandoffTask.objects.select_related("proposal", "kind", "micro_credential", "owner_institution")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        task = qs.get(pk=task_id)
    except (HandoffTask.DoesNotExist, ValueError, TypeError):
        raise TaskNotFound() from None
    if not permissions.may_view_task(user, task):
        raise TaskNotFound()
    return task


def _set_status(task: HandoffTask, status: str, user) -> None:
    task.status = status
    task.changed_by = user
    task.changed_at = timezone.now()
    task.save(update_fields=["status", "cancel_reason", "changed_by", "changed_at"])


@transaction.atomic
def update_checklist(*, user, task_id: int, items: dict[int, bool]) -> HandoffTask:
    """Tick or untick checklist items ({item id: done}). The first tick starts an open task (in progress); ticking
    the last item finishes it (done); unticking an item of a done task takes it back to in progress."""
    task = access_task(user, task_id, lock=True)
    if not permissions.may_update_task(user, task):
        raise NotAllowed(_("Only the people in the task's owner role tick its checklist."))
    if task.status == Status.CANCELLED:
        raise TaskState(_("This task is cancelled: its checklist cannot change."))
    by_id = {item.pk: item for item in task.items.select_for_update()}
    unknown = sorted(set(items) - set(by_id))
    if unknown:
        raise ValidationFailed(_("These items are not on this task's checklist: %(ids)s.") % {"ids": unknown})
    changed = {}
    now = timezone.now()
    for item_id, done in items.items():
        item = by_id[item_id]
        if item.done == bool(done):
            continue
        item.done, item.done_by, item.done_at = bool(done), (user if done else None), (now if done else None)
        item.save(update_fields=["done", "done_by", "done_at"])
        changed[str(item_id)] = bool(done)
    if not changed:
        return task
    old = task.status
    all_done = all(item.done for item in by_id.values())
    if all_done and task.status != Status.DONE:
        _set_status(task, Status.DONE, user)
    elif (not all_done and task.status == Status.DONE) or (
        task.status == Status.OPEN and any(item.done for item in by_id.values())
    ):
        _set_status(task, Status.IN_PROGRESS, user)  # started, or taken back from done
    record_audit_event(
        actor=user,
        action="handoff_task.checklist_changed",
        target=task,
        changes={"items": changed, "status": [old, task.status]},
    )
    return task


@transaction.atomic
def change_status(*, user, task_id: int, status: str, reason: str = "") -> HandoffTask:
    """Move a task (open, in progress, done; done only with every item ticked), or cancel it with a reason."""
    task = access_task(user, task_id, lock=True)
    if status not in Status.values:
        raise ValidationFailed(_("Choose a status: open, in progress, done or cancelled."))
    if status == Status.CANCELLED:
        if not permissions.may_cancel_task(user, task):
            raise NotAllowed(_("Only the task's owners or the board secretary cancel a task."))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed(_("Say why the task is cancelled: the reason is required."))
        if len(reason) > COMMENT_TEXT:
            raise ValidationFailed(_("The reason is at most %(max)d characters.") % {"max": COMMENT_TEXT})
    elif not permissions.may_update_task(user, task):
        raise NotAllowed(_("Only the people in the task's owner role change its status."))
    if status == task.status:
        raise TaskState(_("The task is already “%(status)s”.") % {"status": task.get_status_display()})
    if status not in MOVES[Status(task.status)]:
        raise TaskState(
            _("A task that is “%(from)s” cannot become “%(to)s”.")
            % {"from": task.get_status_display(), "to": Status(status).label}
        )
    if status == Status.DONE and task.items.filter(done=False).exists():
        raise ValidationFailed(_("Tick every item of the checklist before marking the task done."))
    old = task.status
    if status == Status.CANCELLED:
        task.cancel_reason = reason
    _set_status(task, status, user)
    record_audit_event(
        actor=user,
        action="handoff_task.cancelled" if status == Status.CANCELLED else "handoff_task.status_changed",
        target=task,
        summary=reason[:500],
        changes={"status": [old, status]},
    )
    return task


@transaction.atomic
def update_task(*, user, task_id: int, items: dict[int, bool] | None = None, status: str = "", reason: str = ""):
    """The API's PATCH: the checklist items given, then the status if one is given, in one transaction (a refused
    status leaves the checklist as it was)."""
    task = access_task(user, task_id)
    if items:
        task = update_checklist(user=user, task_id=task.pk, items=items)
    if not items and not status:
        raise ValidationFailed(_("Send the checklist items to change, a status, or both."))
    # A status the ticks already reached is fine; asked for alone, the same status is refused (TaskState).
    if status and not (items and status == task.status):
        task = change_status(user=user, task_id=task.pk, status=status, reason=reason)
    return task


def announce_overdue_tasks(today: dt.date | None = None) -> list[int]:
    """The daily task: each task still open or in progress after its due date is announced to the people in its
    owner role, once (claimed by a conditional update, so two runs at once never announce it twice)."""
    today = today or timezone.localdate()
    announced = []
    candidates = HandoffTask.objects.filter(
        status__in=selectors.OPEN_STATUSES, due_on__lt=today, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            claimed = HandoffTask.objects.filter(
                pk=pk, status__in=selectors.OPEN_STATUSES, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=timezone.now())
            if not claimed:
                continue
            task = HandoffTask.objects.select_related("proposal").get(pk=pk)
            recipients = selectors.people_in_role(task)
            for person in recipients:
                notifications.announce_task(task, person, "overdue")
            record_audit_event(
                actor=None,
                action="handoff_task.overdue",
                target=task,
                summary=f"Due by {task.due_on.isoformat()}",
                changes={"due_on": task.due_on.isoformat(), "recipients": len(recipients)},
            )
        announced.append(pk)
    return announced
