"""Who may do what with people, roles and the admin site. Every "may this user…?" question of this app lives here;
whether someone holds a role is asked of `microcred.roles`."""

from __future__ import annotations

from microcred.roles import is_alliance_admin, is_learner_account


def is_asked_for_background(user) -> bool:
    """Is the learner sent, after logging in, to the page that asks for their learner group? A learner account
    that has not said it yet (accounts from before the question, or made by single sign-on). Staff-only accounts
    and the alliance admin are never asked."""
    return is_learner_account(user) and not user.learner_group


def can_manage_users_and_roles(user) -> bool:
    return is_alliance_admin(user)


def can_edit_reference_data(user) -> bool:
    return is_alliance_admin(user)


def can_use_admin_site(user) -> bool:
    """The Django admin is the alliance admin's tool (reference data, users, roles, audit log)."""
    return bool(getattr(user, "is_active", False)) and is_alliance_admin(user)
