"""Single sign-on through OpenID Connect, against a local stand-in provider."""

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import override_settings

from microcred.accounts.tests.oidc_standin import StandInProvider
from microcred.roles import Role

PERSON = {"sub": "u-123", "email": "Ana.Lopez@ub.edu", "email_verified": True, "name": "Ana López"}


def _sso_login(client, provider):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    authorize_url = start["Location"]
    assert authorize_url.startswith(provider.url + "/authorize")
    provider_answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    callback = urlparse(provider_answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_sso_is_off_by_default(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "Log in with" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_first_sso_login_creates_a_verified_learner_account(client):
    with StandInProvider("rp", "secret", PERSON) as provider, override_settings(**provider.settings()):
        assert "Log in with" in client.get("/accounts/login/").content.decode()
        response = _sso_login(client, provider)
        assert client.get("/dashboard/").status_code == 200
    assert response.status_code == 302, response.content
    # A new account has not said its learner group: it is asked first, then goes on (issue #15).
    assert response["Location"] == "/accounts/about-you/?next=%2Fdashboard%2F"
    user = get_user_model().objects.get(email="ana.lopez@ub.edu")
    assert user.full_name == "Ana López"
    assert user.email_verified_at is not None
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.LEARNER]


@pytest.mark.django_db
def test_sso_matches_an_existing_account_by_email_and_keeps_its_roles(client, make_user, institution):
    existing = make_user((Role.PROPOSER, institution), email="ana.lopez@ub.edu")
    with StandInProvider("rp", "secret", PERSON) as provider, override_settings(**provider.settings()):
        response = _sso_login(client, provider)
    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    assert int(client.session["_auth_user_id"]) == existing.pk
    # The roles the alliance admin granted stay as they were: none added (no learner role), none taken away.
    assert list(existing.role_assignments.values_list("role", "institution_id")) == [(Role.PROPOSER, institution.pk)]


@pytest.mark.django_db
def test_sso_refuses_an_unverified_email(client):
    person = {**PERSON, "email_verified": False}
    with StandInProvider("rp", "secret", person) as provider, override_settings(**provider.settings()):
        response = _sso_login(client, provider)
    assert "_auth_user_id" not in client.session
    assert urlparse(response["Location"]).path == "/accounts/login/"
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_sso_refuses_a_forged_state(client):
    with StandInProvider("rp", "secret", PERSON) as provider, override_settings(**provider.settings()):
        client.get("/oidc/authenticate/")
        response = client.get("/oidc/callback/?code=whatever&state=forged")
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()
    assert response.status_code == 400  # SuspiciousOperation: a state this session never sent
