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
"""

from __future__ import annotations

from django.db.models import Q

from microcred.accounts.permissions import has_role, institutions_where, is_alliance_admin, is_staff_member
from microcred.accounts.roles import Role
from microcred.learning.exceptions import OfferingNotFound
from microcred.learning.models import Offering

DELIVERING_ROLES = (Role.PROPOSER, Role.ASSESSOR)
OFFERING_STAFF_ROLES = (Role.PROPOSER, Role.ASSESSOR, Role.INSTITUTIONAL_MANAGER)
ENROLMENT_MANAGER_ROLES = (Role.PROPOSER, Role.INSTITUTIONAL_MANAGER)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False)


def micro_credential_universities(version) -> set[int]:
    """The awarding university and the co-leads of an approved micro-credential version."""
    ids = {version.awarding_institution_id}
    proposal_version = getattr(version, "proposal_version", None)
    if proposal_version is not None:
        ids.update(proposal_version.co_leads.values_list("pk", flat=True))
    return ids


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
    from microcred.learning.models import Enrolment

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
