"""Who may do what with recognition requests and agreements. Every "may this user…?" of the app lives here."""

from __future__ import annotations

from microcred.roles import Role, has_role, institutions_where, is_alliance_admin


def officer_institution_ids(user) -> set[int]:
    """The universities the user is a recognition officer of."""
    return institutions_where(user, Role.RECOGNITION_OFFICER)


def is_officer_at(user, institution_id) -> bool:
    return institution_id is not None and has_role(user, Role.RECOGNITION_OFFICER, institution_id=institution_id)


def is_officer(user) -> bool:
    return has_role(user, Role.RECOGNITION_OFFICER, anywhere=True)


def may_ask_for_recognition(user) -> bool:
    """Any signed-in person may ask (she asks about her own credentials)."""
    return bool(getattr(user, "is_authenticated", False))


def may_view_queue(user) -> bool:
    """Recognition officers (their universities' requests), institutional managers (appeals that came to them for
    want of a second officer) and the alliance admin."""
    return is_officer(user) or is_alliance_admin(user) or has_role(user, Role.INSTITUTIONAL_MANAGER, anywhere=True)


def first_decider_id(request) -> int | None:
    decision = next((d for d in request.decisions.all() if d.stage == "first"), None)
    return decision.decided_by_id if decision else None


def may_see_request(user, request) -> bool:
    """The learner who asked; the university's recognition officers; for an appeal that went to them, its
    institutional managers; the alliance admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if request.learner_id == user.pk or is_alliance_admin(user):
        return True
    if is_officer_at(user, request.institution_id):
        return True
    return request.appeal_flagged and has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=request.institution_id)


def may_decide(user, request) -> bool:
    """The first decision: a recognition officer of the university asked."""
    return is_officer_at(user, request.institution_id)


def may_decide_appeal(user, request) -> bool:
    """The appeal: a second recognition officer of the university (never the one who decided first); when the
    university had no other officer (the appeal is flagged), its institutional manager or the alliance admin."""
    if not getattr(user, "is_authenticated", False) or user.pk == first_decider_id(request):
        return False
    if is_officer_at(user, request.institution_id):
        return True
    return request.appeal_flagged and (
        is_alliance_admin(user) or has_role(user, Role.INSTITUTIONAL_MANAGER, institution_id=request.institution_id)
    )


def may_manage_agreements(user, institution_id=None) -> bool:
    """Keep the register: the recognition officers of the university (any, without one) and the alliance admin."""
    if is_alliance_admin(user):
        return True
    if institution_id is None:
        return is_officer(user)
    return is_officer_at(user, institution_id)
