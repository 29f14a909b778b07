import pytest
from django.db import IntegrityError, transaction

from microcred import roles
from microcred.accounts.exceptions import InvalidRoleScope
from microcred.accounts.models import RoleAssignment
from microcred.accounts.services import assign_role
from microcred.audit.models import AuditEvent
from microcred.roles import Role


@pytest.mark.django_db
def test_staff_roles_are_scoped_to_one_institution(make_user, institution, other_institution):
    user = make_user((Role.PROPOSER, institution))
    assert roles.has_role(user, Role.PROPOSER, institution_id=institution.pk)
    assert not roles.has_role(user, Role.PROPOSER, institution_id=other_institution.pk)
    assert roles.has_role(user, Role.PROPOSER, anywhere=True)
    assert roles.institutions_where(user, Role.PROPOSER) == {institution.pk}


@pytest.mark.django_db
def test_university_role_without_university_is_refused(make_user):
    user = make_user()
    with pytest.raises(InvalidRoleScope):
        assign_role(user=user, role=Role.INSTITUTIONAL_MANAGER)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.INSTITUTIONAL_MANAGER)


@pytest.mark.django_db
def test_alliance_role_with_university_is_refused(make_user, institution):
    user = make_user()
    with pytest.raises(InvalidRoleScope):
        assign_role(user=user, role=Role.BOARD_SECRETARY, institution=institution)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.BOARD_SECRETARY, institution=institution)


@pytest.mark.django_db
def test_credential_officer_for_a_university_or_the_alliance(make_user, institution):
    user = make_user()
    assign_role(user=user, role=Role.CREDENTIAL_OFFICER, institution=institution)
    assign_role(user=user, role=Role.CREDENTIAL_OFFICER)
    assert RoleAssignment.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_assigning_twice_is_idempotent_and_audited_once(make_user, institution):
    user = make_user()
    assign_role(user=user, role=Role.ASSESSOR, institution=institution)
    assign_role(user=user, role=Role.ASSESSOR, institution=institution)
    assert RoleAssignment.objects.filter(user=user, role=Role.ASSESSOR).count() == 1
    assert AuditEvent.objects.filter(action="role.granted", object_id=str(user.pk)).count() == 1


@pytest.mark.django_db
def test_alliance_wide_role_unique_even_with_null_institution(make_user):
    user = make_user(Role.COUNCIL_MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.COUNCIL_MEMBER)


@pytest.mark.django_db
def test_admin_site_is_for_the_alliance_admin_only(client, make_user, institution):
    manager = make_user((Role.INSTITUTIONAL_MANAGER, institution), is_staff=True)
    client.force_login(manager)
    assert client.get("/admin/accounts/user/").status_code == 403
    admin = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/audit/auditevent/").status_code == 200


def test_inactive_or_anonymous_users_hold_no_roles():
    from django.contrib.auth.models import AnonymousUser

    assert not roles.has_role(AnonymousUser(), Role.LEARNER, anywhere=True)
    assert not roles.is_alliance_admin(AnonymousUser())


@pytest.mark.django_db
def test_a_role_with_the_wrong_scope_is_refused_in_the_readers_language(make_user):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(InvalidRoleScope) as refused:
        assign_role(user=make_user(), role=Role.INSTITUTIONAL_MANAGER)
    assert str(refused.value.message).startswith("Le rôle ")
    assert str(refused.value.message).endswith("doit désigner une université membre.")
