"""Who may read the alliance's figures beyond the public headline ones (strategic plan: monitoring against the
targets, reported to the boards; policy 7.1: each member university follows its own engagement).

The boards (Executive Board, Academic Council and its chair), the board secretary, the quality office and the
alliance admin read every figure for every university. An institutional manager reads the alliance's figures
and, beside them, those of their own university. Anyone may read the public headline figures (the impact page
and GET /api/v1/kpis): those need no check here.
"""

from __future__ import annotations

from microcred.reference.models import Institution
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin

# Roles that read every figure of every university.
ALLIANCE_READERS = frozenset(
    {
        Role.EXECUTIVE_BOARD_MEMBER,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_CHAIR,
        Role.BOARD_SECRETARY,
        Role.QUALITY_OFFICE,
        Role.ALLIANCE_ADMIN,
    }
)


def sees_every_university(user) -> bool:
    """Does the user read the figures of every university (the boards, secretary, quality office, admin)?"""
    return is_alliance_admin(user) or any(has_role(user, role) for role in ALLIANCE_READERS)


def can_view_dashboard(user) -> bool:
    """May the user read the staff dashboard, its exports and the staff KPI API?"""
    return sees_every_university(user) or bool(institutions_where(user, Role.INSTITUTIONAL_MANAGER))


def university_scope(user) -> set[int] | None:
    """The universities (institution ids) whose own figures the user may read: None for every university, an
    institutional manager's universities otherwise (empty for a user who may not read the dashboard). The
    alliance-wide figures (no university filter) are readable by everyone who may view the dashboard."""
    if sees_every_university(user):
        return None
    return institutions_where(user, Role.INSTITUTIONAL_MANAGER)


def can_view_university(user, university_id: int | None) -> bool:
    """May the user read the figures narrowed to ``university_id`` (None: the alliance as a whole)?"""
    if not can_view_dashboard(user):
        return False
    if university_id is None:
        return True
    scope = university_scope(user)
    return scope is None or university_id in scope


def own_universities(user) -> list[Institution]:
    """The universities shown beside the alliance on the dashboard: an institutional manager's own (none for
    readers who see every university: they narrow with the filter)."""
    if sees_every_university(user):
        return []
    ids = institutions_where(user, Role.INSTITUTIONAL_MANAGER)
    return list(Institution.objects.filter(pk__in=ids).order_by("name")) if ids else []
