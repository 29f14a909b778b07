"""Who may do what in the catalogue. Reading it needs no account; writing needs these checks."""

from __future__ import annotations

from microcred.accounts.permissions import has_role, is_alliance_admin
from microcred.accounts.roles import Role


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


def can_translate_any(user) -> bool:
    return (
        can_manage_category_overviews(user)
        or has_role(user, Role.PROPOSER, anywhere=True)
        or has_role(user, Role.INSTITUTIONAL_MANAGER, anywhere=True)
    )


def can_retire(user) -> bool:
    from microcred.accounts.permissions import has_role, is_alliance_admin
    from microcred.accounts.roles import Role

    return has_role(user, Role.BOARD_SECRETARY) or is_alliance_admin(user)


def change_proposal_institutions(user, version):
    """The user's universities from which they may propose a change to this version (awarding or co-lead)."""
    from microcred.accounts.permissions import institutions_where
    from microcred.accounts.roles import Role
    from microcred.reference.models import Institution

    mine = institutions_where(user, Role.PROPOSER)
    universities = {version.awarding_institution_id, *version.co_lead_institutions.values_list("pk", flat=True)}
    return Institution.objects.filter(pk__in=mine & universities)
