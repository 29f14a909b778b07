"""Reads about hand-off tasks: "my tasks" (overdue first), a micro-credential's tasks, the people in a task's role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from microcred.handoffs import permissions
from microcred.handoffs.models import HandoffTask
from microcred.roles import Role, institutions_where, roles_of

OPEN_STATUSES = (HandoffTask.Status.OPEN, HandoffTask.Status.IN_PROGRESS)


def _base() -> QuerySet[HandoffTask]:
    return HandoffTask.objects.select_related("kind", "proposal", "micro_credential", "owner_institution")


def _overdue_first(qs: QuerySet[HandoffTask], today=None) -> QuerySet[HandoffTask]:
    """Overdue tasks first, then the others still open, then the closed ones; each by due date."""
    today = today or timezone.localdate()
    return qs.annotate(
        _rank=Case(
            When(status__in=OPEN_STATUSES, due_on__lt=today, then=Value(0)),
            When(status__in=OPEN_STATUSES, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("_rank", "due_on", "pk")


def tasks_for(user, today=None) -> QuerySet[HandoffTask]:
    """The tasks whose owner role `user` holds: alliance-wide roles, or per-university roles at that university."""
    held = roles_of(user)
    if not held:
        return HandoffTask.objects.none()
    owned = Q(owner_role__in=held, owner_institution__isnull=True)
    for role in held:
        places = institutions_where(user, role)
        if places:
            owned |= Q(owner_role=role, owner_institution_id__in=places)
    return _overdue_first(_base().filter(owned), today)


def all_tasks(today=None) -> QuerySet[HandoffTask]:
    return _overdue_first(_base(), today)


def tasks_of_micro_credential(micro_credential) -> QuerySet[HandoffTask]:
    return _base().filter(micro_credential=micro_credential).prefetch_related("items").order_by("kind__order", "pk")


def people_in_role(task) -> list:
    """The active people holding the task's owner role (at its university when per university); when nobody does,
    the board secretaries, so the task does not wait for nobody (as a step does, policy 7.4)."""
    users = get_user_model().objects.filter(is_active=True, erased_at__isnull=True)
    holders = users.filter(role_assignments__role=task.owner_role)
    if task.owner_institution_id is not None:
        holders = holders.filter(role_assignments__institution_id=task.owner_institution_id)
    people = [p for p in holders.distinct().order_by("pk") if p.email]
    if not people:
        secretaries = users.filter(role_assignments__role=Role.BOARD_SECRETARY).distinct().order_by("pk")
        people = [p for p in secretaries if p.email]
    return people


def visible_to(user, tasks) -> list[HandoffTask]:
    return [task for task in tasks if permissions.may_view_task(user, task)]
