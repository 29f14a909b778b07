"""Who reads the figures beyond the public ones (microcred.reporting.permissions)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from microcred.reporting import permissions
from microcred.roles import Role

pytestmark = pytest.mark.django_db

ALLIANCE_READERS = [
    Role.EXECUTIVE_BOARD_MEMBER,
    Role.COUNCIL_MEMBER,
    Role.COUNCIL_CHAIR,
    Role.BOARD_SECRETARY,
    Role.QUALITY_OFFICE,
    Role.ALLIANCE_ADMIN,
]


@pytest.mark.parametrize("role", ALLIANCE_READERS)
def test_the_boards_secretary_quality_office_and_admin_read_everything(make_user, role, institution):
    user = make_user(role)
    assert permissions.can_view_dashboard(user)
    assert permissions.university_scope(user) is None
    assert permissions.can_view_university(user, institution.pk)
    assert permissions.own_universities(user) == []


def test_a_superuser_reads_everything(make_user):
    user = make_user(is_superuser=True)
    assert permissions.can_view_dashboard(user) and permissions.university_scope(user) is None


def test_an_institutional_manager_reads_the_alliance_and_their_university(make_user, institution, other_institution):
    manager = make_user((Role.INSTITUTIONAL_MANAGER, institution))
    assert permissions.can_view_dashboard(manager)
    assert permissions.university_scope(manager) == {institution.pk}
    assert permissions.can_view_university(manager, None)  # the alliance as a whole
    assert permissions.can_view_university(manager, institution.pk)
    assert not permissions.can_view_university(manager, other_institution.pk)
    assert permissions.own_universities(manager) == [institution]


@pytest.mark.parametrize(
    "roles",
    [
        (Role.LEARNER,),
        (Role.COMMUNICATION_OFFICE,),
        (Role.CREDENTIAL_OFFICER,),
        ("proposer-at-ub",),
    ],
)
def test_everyone_else_reads_only_the_public_figures(make_user, institution, roles):
    held = [(Role.PROPOSER, institution) if r == "proposer-at-ub" else r for r in roles]
    user = make_user(*held)
    assert not permissions.can_view_dashboard(user)
    assert not permissions.can_view_university(user, None)
    assert permissions.university_scope(user) == set()
    assert not permissions.can_view_dashboard(AnonymousUser())
