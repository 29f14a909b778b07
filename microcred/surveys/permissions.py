"""Who may do what with surveys (policy 7.25). Every such question of this app is answered here.

- Templates are kept by the quality office; the alliance admin may too.
- Results: the quality office and the alliance admin read every survey's results and every aggregate (per
  micro-credential, per university). The institutional managers of an offering's delivering university and the
  offering's staff (learning's ``is_offering_staff``: its creator, its assessors, the delivering university's
  proposers, assessors and managers) read their own offerings' results.
- Free-text answers are read by the quality office only (the issue's rule: comments to the quality office).
- Answering needs an invitation: a token from the e-mail, or the signed-in person's own invitation.
"""

from __future__ import annotations

from django.utils.translation import gettext

from microcred.learning.permissions import is_offering_staff, staff_offerings_scope
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin
from microcred.surveys.exceptions import NotAllowed


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False)


def is_quality_office(user) -> bool:
    return _authenticated(user) and has_role(user, Role.QUALITY_OFFICE)


def can_manage_templates(user) -> bool:
    return is_quality_office(user) or (_authenticated(user) and is_alliance_admin(user))


def sees_every_survey(user) -> bool:
    """The quality office and the alliance admin: every survey, every aggregate."""
    return can_manage_templates(user)


def can_read_comments(user) -> bool:
    """Free-text answers: the quality office only."""
    return is_quality_office(user)


def can_view_survey_results(user, survey) -> bool:
    if sees_every_survey(user):
        return True
    if not _authenticated(user):
        return False
    return is_offering_staff(user, survey.offering)


def can_view_aggregates(user) -> bool:
    """Results per micro-credential and per university (several universities' offerings added up)."""
    return sees_every_survey(user)


def shows_surveys_page(user) -> bool:
    """The "Surveys" entry: the quality office, the admin, institutional managers, and staff who deliver offerings."""
    if sees_every_survey(user):
        return True
    if not _authenticated(user):
        return False
    return bool(institutions_where(user, Role.INSTITUTIONAL_MANAGER)) or any(
        has_role(user, role, anywhere=True) for role in (Role.PROPOSER, Role.ASSESSOR)
    )


def visible_surveys_filter(user):
    """The surveys whose results ``user`` may read, as a filter on Survey (None: none; an empty Q: all)."""
    from django.db.models import Q

    if sees_every_survey(user):
        return Q()
    scope = staff_offerings_scope(user)
    if scope is None:
        return None
    from microcred.learning.models import Offering

    return Q(offering__in=Offering.objects.filter(scope).values("pk"))


def has_surveys_to_answer(user) -> bool:
    """The "Surveys to answer" entry: shown while the person has an open survey waiting for them."""
    if not _authenticated(user):
        return False
    from microcred.surveys.selectors import waiting_for

    return waiting_for(user).exists()


def check_can_manage_templates(user) -> None:
    if not can_manage_templates(user):
        raise NotAllowed(gettext("Only the quality office and the alliance admin keep the survey templates."))


def check_can_view_survey_results(user, survey) -> None:
    if not can_view_survey_results(user, survey):
        raise NotAllowed(
            gettext(
                "Only the quality office, the alliance admin, and the offering's own staff and university managers "
                "read these results."
            )
        )


def check_can_view_aggregates(user) -> None:
    if not can_view_aggregates(user):
        raise NotAllowed(
            gettext("Only the quality office and the alliance admin read results added up across offerings.")
        )
