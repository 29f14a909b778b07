"""Who may do what with offerings, enrolments and results. Every such question of this app is answered here.

- Offerings are created by proposers and assessors of the micro-credential's awarding or co-lead universities.
- The offering's staff (proposers, assessors and institutional managers of the delivering university, the
  creator and the assigned assessors) see its enrolment list and results.
- Only the offering's assigned assessors record results; only its creator assigns assessors.
- An offering is edited by the people who may create offerings for its delivering university (its proposers and
  assessors) and by its creator. Institutional managers and assessors assigned from other universities may not:
  they do not create offerings either.
- Enrolments are cancelled on a learner's behalf by the offering's creator and the delivering university's
  proposers and institutional managers: the people who run the offering's administration. Assessors do not (they
  record results, including "did not participate"); nor does the alliance admin, who only looks.
- Results, and the history of result imports, are seen by everyone who sees the enrolment list (it shows the
  results): the offering's staff and the alliance admin.
- The queue of completions ready for a credential is for the issuing side: credential officers of the awarding
  university (or the alliance's central issuer for alliance-issued ones) and the alliance admin.

Each refusal is worded once, below, and translated: the pages and the API give the same message in the user's
language. The `check_*` functions raise it (NotAllowed); services, views and API endpoints call them.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred.learning.exceptions import NotAllowed, OfferingEnded, OfferingNotFound
from microcred.learning.models import Enrolment, Offering
from microcred.roles import Role, has_role, institutions_where, is_alliance_admin, is_staff_member

DELIVERING_ROLES = (Role.PROPOSER, Role.ASSESSOR)
OFFERING_STAFF_ROLES = (Role.PROPOSER, Role.ASSESSOR, Role.INSTITUTIONAL_MANAGER)
ENROLMENT_MANAGER_ROLES = (Role.PROPOSER, Role.INSTITUTIONAL_MANAGER)

# The refusals, one wording each (translated when raised, in the language of the request).
CREATE_REFUSED = _("Only proposers and assessors of the micro-credential's awarding or co-lead universities offer it.")
EDIT_REFUSED = _("Only the offering's creator and the staff who create offerings at its university edit it.")
ASSESSORS_REFUSED = _("Only the person who created the offering assigns its assessors.")
CANCEL_REFUSED = _(
    "Only the offering's creator and its university's proposers and institutional managers cancel enrolments."
)
RECORD_REFUSED = _("Only the offering's assessors record results.")
IMPORT_REFUSED = _("Only the offering's assessors import results.")
RESULTS_REFUSED = _("Only the offering's staff and the alliance admin see its results and their imports.")
READY_QUEUE_REFUSED = _("This page is for the credential officers who issue credentials.")
LOG_IN_TO_ENROL = _("Log in to enrol.")
LOG_IN_TO_CANCEL = _("Log in to manage your enrolments.")


def _check(allowed: bool, refusal) -> None:
    if not allowed:
        raise NotAllowed(str(refusal))


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False)


def micro_credential_universities(version) -> set[int]:
    """The awarding university and the co-leads of an approved micro-credential version, imported ones included."""
    return version.university_ids()


def institutions_for_offering(user, version) -> set[int]:
    """Universities for which `user` may create offerings of `version`."""
    if not _authenticated(user):
        return set()
    held = set()
    for role in DELIVERING_ROLES:
        held |= institutions_where(user, role)
    return held & micro_credential_universities(version)


def can_create_offering(user, version) -> bool:
    return bool(institutions_for_offering(user, version))


def delivers_offerings(user) -> bool:
    """Shown "Offerings" in the navigation: staff who deliver or assess."""
    return any(has_role(user, role, anywhere=True) for role in DELIVERING_ROLES) or is_alliance_admin(user)


def shows_my_learning(user) -> bool:
    """Shown "My learning" in the navigation: learners, and anyone who has enrolled."""
    if not _authenticated(user):
        return False
    return (
        has_role(user, Role.LEARNER)
        or not is_staff_member(user)
        or Enrolment.objects.filter(learner_id=user.pk).exists()
    )


def is_assessor_of(user, offering: Offering) -> bool:
    if not _authenticated(user):
        return False
    return offering.assessor_links.filter(user_id=user.pk).exists()


def is_offering_staff(user, offering: Offering) -> bool:
    if not _authenticated(user):
        return False
    if offering.created_by_id == user.pk or is_assessor_of(user, offering):
        return True
    return any(has_role(user, role, institution_id=offering.institution_id) for role in OFFERING_STAFF_ROLES)


def can_view_enrolments(user, offering: Offering) -> bool:
    return is_offering_staff(user, offering) or is_alliance_admin(user)


def can_record_results(user, offering: Offering) -> bool:
    return is_assessor_of(user, offering)


def can_view_results(user, offering: Offering) -> bool:
    """Results and the history of their imports: the same people as the enrolment list, which shows them."""
    return can_view_enrolments(user, offering)


def _creator_or_delivering(user, offering: Offering, roles) -> bool:
    """The offering's creator, or someone holding one of `roles` at its delivering university."""
    if not _authenticated(user):
        return False
    if offering.created_by_id == user.pk:
        return True
    return any(has_role(user, role, institution_id=offering.institution_id) for role in roles)


def can_edit_offering(user, offering: Offering) -> bool:
    """The creator, and whoever may create offerings for the delivering university (DELIVERING_ROLES there)."""
    return _creator_or_delivering(user, offering, DELIVERING_ROLES)


def can_manage_enrolments(user, offering: Offering) -> bool:
    """Cancel a learner's enrolment on their behalf: the creator, the delivering university's proposers and
    institutional managers (ENROLMENT_MANAGER_ROLES there)."""
    return _creator_or_delivering(user, offering, ENROLMENT_MANAGER_ROLES)


def can_manage_assessors(user, offering: Offering) -> bool:
    return _authenticated(user) and offering.created_by_id == user.pk


def check_can_create_offering(user, version) -> set[int]:
    """The universities for which `user` may create offerings of `version`; NotAllowed when there are none."""
    allowed = institutions_for_offering(user, version)
    _check(bool(allowed), CREATE_REFUSED)
    return allowed


def check_can_edit_offering(user, offering: Offering) -> None:
    """NotAllowed for who may not edit it; OfferingEnded once it has ended (it is part of the record)."""
    _check(can_edit_offering(user, offering), EDIT_REFUSED)
    if offering.has_ended:
        raise OfferingEnded(
            gettext("This offering ended on %(date)s: it is part of the record and can no longer be edited.")
            % {"date": offering.ends_on.isoformat()}
        )


def may_edit_offering_now(user, offering: Offering) -> bool:
    """Shown the edit link: check_can_edit_offering would let them through."""
    return can_edit_offering(user, offering) and not offering.has_ended


def may_cancel_enrolments_now(user, offering: Offering) -> bool:
    """Shown the cancel buttons: they manage its enrolments and it has not ended (after, enrolments stay)."""
    return can_manage_enrolments(user, offering) and not offering.has_ended


def check_can_manage_assessors(user, offering: Offering) -> None:
    _check(can_manage_assessors(user, offering), ASSESSORS_REFUSED)


def check_can_manage_enrolments(user, offering: Offering) -> None:
    _check(can_manage_enrolments(user, offering), CANCEL_REFUSED)


def check_can_record_results(user, offering: Offering) -> None:
    _check(can_record_results(user, offering), RECORD_REFUSED)


def check_can_import_results(user, offering: Offering) -> None:
    _check(can_record_results(user, offering), IMPORT_REFUSED)


def check_can_view_results(user, offering: Offering) -> None:
    _check(can_view_results(user, offering), RESULTS_REFUSED)


def check_can_view_ready_queue(user) -> None:
    _check(can_view_ready_queue(user), READY_QUEUE_REFUSED)


def check_can_enrol(user) -> None:
    """Enrolment is for people who are logged in (the rest of its rules are the offering's, in the services)."""
    _check(bool(getattr(user, "is_authenticated", False)), LOG_IN_TO_ENROL)


def check_can_cancel_own_enrolment(user) -> None:
    _check(bool(getattr(user, "is_authenticated", False)), LOG_IN_TO_CANCEL)


def staff_offerings_scope(user) -> Q | None:
    """The offerings `user` manages or assesses, as a filter (None: none; an empty Q: all, for the alliance admin).

    The offerings of the universities where they hold a staff role, those they created, those they assess."""
    if not _authenticated(user):
        return None
    if is_alliance_admin(user):
        return Q()
    institutions = set()
    for role in OFFERING_STAFF_ROLES:
        institutions |= institutions_where(user, role)
    return Q(institution_id__in=institutions) | Q(created_by=user) | Q(assessor_links__user=user)


def eligible_assessor(person, offering: Offering) -> bool:
    """An assessor must hold the assessor role at one of the micro-credential's universities."""
    return bool(institutions_where(person, Role.ASSESSOR) & micro_credential_universities(offering.version))


def issuing_scope(user) -> Q | None:
    """Offerings whose completions `user` may see in the "ready for a credential" queue (None: none)."""
    if not _authenticated(user):
        return None
    if is_alliance_admin(user):
        return Q()
    scope = None
    for institution_id in institutions_where(user, Role.CREDENTIAL_OFFICER):
        q = Q(version__awarding_institution_id=institution_id, version__issued_by_alliance=False)
        scope = q if scope is None else scope | q
    if has_role(user, Role.CREDENTIAL_OFFICER, institution_id=None):
        q = Q(version__issued_by_alliance=True)
        scope = q if scope is None else scope | q
    return scope


def can_view_ready_queue(user) -> bool:
    return issuing_scope(user) is not None


def _offering_queryset(lock: bool):
    qs = Offering.objects.select_related("micro_credential", "version", "institution", "created_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs


def access_offering(user, offering_id, *, lock: bool = False) -> Offering:
    """Any offering (their details are public). OfferingNotFound when there is none."""
    try:
        return _offering_queryset(lock).get(pk=offering_id)
    except (Offering.DoesNotExist, ValueError, TypeError):
        raise OfferingNotFound() from None


def access_offering_as_staff(user, offering_id, *, lock: bool = False) -> Offering:
    """The offering if `user` is its staff; OfferingNotFound otherwise (missing and forbidden look the same)."""
    offering = access_offering(user, offering_id, lock=lock)
    if not can_view_enrolments(user, offering):
        raise OfferingNotFound()
    return offering
