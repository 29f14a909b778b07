"""Who may do what in the catalogue. Reading it needs no account; writing needs these checks."""

from __future__ import annotations

from microcred.reference.models import Institution
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin


def can_manage_category_overviews(user) -> bool:
    """The communication office writes and publishes category overviews (policy 7.21)."""
    return has_role(user, Role.COMMUNICATION_OFFICE) or is_alliance_admin(user)


def can_translate(user, version) -> bool:
    """The communication office, or staff of the proposing university, translate a version's content."""
    if can_manage_category_overviews(user):
        return True
    institution_id = version.proposal.institution_id if version.proposal_id else version.awarding_institution_id
    return has_role(user, Role.PROPOSER, institution_id=institution_id) or has_role(
        user, Role.INSTITUTIONAL_MANAGER, institution_id=institution_id
    )


def can_retire(user) -> bool:
    """The board secretary (or the alliance admin) retires a micro-credential from the catalogue."""
    return has_role(user, Role.BOARD_SECRETARY) or is_alliance_admin(user)


def change_proposal_institutions(user, version):
    """The user's universities from which they may propose a change to this version (awarding or co-lead)."""
    return Institution.objects.filter(pk__in=institutions_where(user, Role.PROPOSER) & version.university_ids())
