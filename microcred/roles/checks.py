"""Does a person hold a role, and where: the questions behind every app's `permissions.py`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from microcred.roles.definitions import STAFF_ROLES, Role


def _assignments(user) -> list[tuple[str, int | None]]:
    """(role, institution_id) pairs of the user, cached on the user object for one request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "institution_id"))
        user._role_cache = cached
    return cached


def has_role(user, role: Role | str, *, institution_id: int | None = None, anywhere: bool = False) -> bool:
    """Does `user` hold `role`? With `institution_id`, at that institution; with `anywhere`, at any."""
    for held_role, held_institution in _assignments(user):
        if held_role != role:
            continue
        if anywhere or held_institution == institution_id:
            return True
    return False


def roles_of(user) -> set[str]:
    return {role for role, _ in _assignments(user)}


def institutions_where(user, role: Role | str) -> set[int]:
    return {inst for held, inst in _assignments(user) if held == role and inst is not None}


def is_staff_member(user) -> bool:
    return bool(roles_of(user) & {r.value for r in STAFF_ROLES})


def is_learner_account(user) -> bool:
    """A learner and nothing else: the learner role, no staff role, not the admin site's (issue #15). Only these
    accounts must say their learner group; staff (who may also be learners) may leave it blank."""
    if not getattr(user, "is_authenticated", False) or user.is_staff or user.is_superuser:
        return False
    held = roles_of(user)
    return Role.LEARNER in held and not held & {r.value for r in STAFF_ROLES}


def is_alliance_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ALLIANCE_ADMIN)
