"""Every way a learner account is made (the sign-up page, single sign-on) goes through one audited service
(accounts.services.create_learner_account): the learner role is granted through assign_role, which records it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from microcred.accounts.tests.oidc_standin import StandInProvider
from microcred.accounts.tests.test_oidc import PERSON, _sso_login
from microcred.accounts.tests.test_registration import GOOD
from microcred.audit.models import AuditEvent
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def audit_trail(user) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.pk), action__in=["account.registered", "role.granted"])
        .order_by("pk")
        .values_list("action", "actor_id", "summary", "changes")
    )


def test_signing_up_leaves_the_audited_learner_role(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:register"), GOOD).status_code == 302
    user = get_user_model().objects.get(email="katrin@example.org")
    assert list(user.role_assignments.values_list("role", "institution")) == [(Role.LEARNER, None)]
    assert audit_trail(user) == [
        ("role.granted", None, str(Role.LEARNER.label), {"role": "learner", "institution": None}),
        ("account.registered", None, "Learner self-registration", {"privacy_notice_version": None}),
    ]


def test_single_sign_on_leaves_the_audited_learner_role(client):
    with StandInProvider("rp", "secret", PERSON) as provider, override_settings(**provider.settings()):
        assert _sso_login(client, provider).status_code == 302
    user = get_user_model().objects.get(email="ana.lopez@ub.edu")
    assert user.email_verified_at is not None
    assert list(user.role_assignments.values_list("role", "institution")) == [(Role.LEARNER, None)]
    assert audit_trail(user) == [
        ("role.granted", None, str(Role.LEARNER.label), {"role": "learner", "institution": None}),
        ("account.registered", None, "Single sign-on (OIDC)", {"privacy_notice_version": None}),
    ]
