"""Who may do what, for people and roles. Every "may this user…?" question of this app lives here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from microcred.accounts.roles import STAFF_ROLES, Role


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


def is_asked_for_background(user) -> bool:
    """Is the learner sent, after logging in, to the page that asks for their learner group? A learner account
    that has not said it yet (accounts from before the question, or made by single sign-on). Staff-only accounts
    and the alliance admin are never asked."""
    return is_learner_account(user) and not user.learner_group


def is_alliance_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ALLIANCE_ADMIN)


AUDIT_LOG_REFUSED = _("Only the alliance admin may read the audit log.")


def can_view_audit_log(user) -> bool:
    return is_alliance_admin(user)


def can_manage_users_and_roles(user) -> bool:
    return is_alliance_admin(user)


def can_edit_reference_data(user) -> bool:
    return is_alliance_admin(user)


def can_use_admin_site(user) -> bool:
    """The Django admin is the alliance admin's tool (reference data, users, roles, audit log)."""
    return bool(getattr(user, "is_active", False)) and is_alliance_admin(user)
