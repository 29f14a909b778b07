"""Who may do what with council reports and recommendations (policy 7.25). Every such question is answered here."""

from __future__ import annotations

from microcred.proposals.permissions import is_board_secretary, is_council, is_executive, is_own
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin


def is_quality_office(user) -> bool:
    return has_role(user, Role.QUALITY_OFFICE)


def can_manage_reports(user) -> bool:
    """The quality office assembles the council reports and puts them on the council's agenda."""
    return is_quality_office(user)


def can_view_reports(user) -> bool:
    return is_quality_office(user) or is_board_secretary(user) or is_council(user) or is_alliance_admin(user)


def can_record_recommendation(user) -> bool:
    return is_quality_office(user)


def can_close_recommendation(user) -> bool:
    """A recommendation not followed by a change proposal is closed, with a reason, by the quality office or the
    board secretary."""
    return is_quality_office(user) or is_board_secretary(user)


def sees_every_recommendation(user) -> bool:
    return (
        is_quality_office(user)
        or is_board_secretary(user)
        or is_council(user)
        or is_executive(user)
        or is_alliance_admin(user)
    )


def university_ids_of(user) -> set[int]:
    """The universities whose micro-credentials' recommendations `user` reads: where they propose or manage."""
    return set(institutions_where(user, Role.PROPOSER)) | set(institutions_where(user, Role.INSTITUTIONAL_MANAGER))


def can_view_quality_pages(user) -> bool:
    return sees_every_recommendation(user) or bool(university_ids_of(user))


def micro_credential_university_ids(micro_credential) -> set[int]:
    version = micro_credential.current_version
    return version.university_ids() if version is not None else set()


def can_view_recommendation(user, recommendation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if sees_every_recommendation(user):
        return True
    return bool(university_ids_of(user) & micro_credential_university_ids(recommendation.micro_credential))


def change_institution_ids(user, recommendation) -> set[int]:
    """The universities for which `user` may start a change proposal from the recommendation: where they are a
    proposer and that award or co-lead the micro-credential (proposals.start_change_proposal checks it again)."""
    return set(institutions_where(user, Role.PROPOSER)) & micro_credential_university_ids(
        recommendation.micro_credential
    )


def can_link_change_proposal(user, recommendation, proposal) -> bool:
    """The quality office links any open change proposal of the micro-credential; its proposers link their own."""
    return is_quality_office(user) or (proposal is not None and is_own(user, proposal))
