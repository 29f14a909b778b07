"""Who may do what with hand-off tasks (policy 7.8)."""

from __future__ import annotations

from microcred.proposals.permissions import is_own
from microcred.roles import Role, has_role, is_alliance_admin


def holds_owner_role(user, task) -> bool:
    """Whether `user` holds the task's owner role (at its university, when the role is held per university)."""
    if task.owner_institution_id is not None:
        return has_role(user, task.owner_role, institution_id=task.owner_institution_id)
    return has_role(user, task.owner_role, anywhere=True)


def oversees_handoffs(user) -> bool:
    """The board secretary and the alliance admin see every task, and may cancel one."""
    return has_role(user, Role.BOARD_SECRETARY) or is_alliance_admin(user)


def may_update_task(user, task) -> bool:
    """Ticking the checklist and moving the status: the people in the owner role."""
    return holds_owner_role(user, task)


def may_cancel_task(user, task) -> bool:
    return holds_owner_role(user, task) or oversees_handoffs(user)


def may_view_task(user, task) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if holds_owner_role(user, task) or oversees_handoffs(user):
        return True
    proposal = task.proposal
    return is_own(user, proposal) or has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=proposal.institution_id)


def sees_task_list(user) -> bool:
    """The "My tasks" page: anyone holding a role that owns tasks in the plan, and those who oversee them."""
    from microcred.handoffs.models import TaskKind

    if not getattr(user, "is_authenticated", False):
        return False
    if oversees_handoffs(user):
        return True
    roles = set(TaskKind.objects.values_list("owner_role", flat=True))
    return any(has_role(user, role, anywhere=True) for role in roles)
