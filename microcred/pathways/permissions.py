"""Who may do what with pathways. Every such question of this app is answered here."""

from __future__ import annotations

from microcred.proposals import permissions as proposal_permissions
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin


def can_propose_pathway(user) -> bool:
    """A proposer (at any member university) proposes a pathway, as a micro-credential (policy 7.2)."""
    return proposal_permissions.can_create_proposal(user)


def can_retire_pathway(user) -> bool:
    """The board secretary or the alliance admin retires a pathway, as a micro-credential."""
    return has_role(user, Role.BOARD_SECRETARY) or is_alliance_admin(user)


def pathway_staff_institution_ids(user) -> set[int]:
    """The universities where `user` proposes or manages: their pathways are theirs to keep up to date."""
    return institutions_where(user, Role.PROPOSER) | institutions_where(user, Role.INSTITUTIONAL_MANAGER)


def is_pathway_staff(user, version) -> bool:
    """The pathway's staff: proposers and institutional managers of its universities, the board secretary and the
    alliance admin. They are warned when a component is retired after approval."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_retire_pathway(user):
        return True
    return bool(pathway_staff_institution_ids(user) & version.university_ids())


def change_institution_ids(user, version) -> set[int]:
    """The universities from which `user` may propose a change to the pathway: a proposer at one of its universities
    (the lead or a co-lead, policy 5.10, 5.11)."""
    return institutions_where(user, Role.PROPOSER) & version.university_ids()


def sees_pathway_menu(user) -> bool:
    return can_propose_pathway(user) or can_retire_pathway(user)
