"""Brute force and flooding: log-in, password reset, sign-up and single sign-on are throttled per address and client.

The limits are the documented defaults (config/settings/base.py) unless a test says otherwise.
"""

import re
import time
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from microcred.accounts.tests.oidc_standin import StandInProvider
from microcred.audit.models import AuditEvent

PASSWORD = "a-long-test-password"
LOGIN = "/accounts/login/"


def log_in(client, email, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# -- log-in -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forty_wrong_passwords_then_the_right_one_is_refused_with_how_long_to_wait(client, make_user, monkeypatch):
    user = make_user(email="ana@example.org")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # a still clock: the wait is exactly the lockout time
    answers = [log_in(client, "ana@example.org", f"wrong-{n}").status_code for n in range(40)]
    assert answers[:10] == [200] * 10  # the documented 10 failures per account, each "wrong password"
    assert set(answers[10:]) == {429}

    response = log_in(client, "ana@example.org", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert errors(response) == [
        "Too many attempts to log in. Please wait 15 minutes and try again. "
        "If you have forgotten your password, you can choose a new one."
    ]
    assert response["Retry-After"] == "900"
    # Rendered in the page's error summary (role="alert"), like any other form error.
    assert 'role="alert"' in response.content.decode()
    events = AuditEvent.objects.filter(action="account.login_throttled")
    assert [(e.object_id, e.changes["by"]) for e in events] == [(str(user.pk), "address")]
    assert "ana@example.org" not in str(events[0].changes) + events[0].summary


@pytest.mark.django_db
def test_a_locked_address_reads_the_same_whether_or_not_it_has_an_account(client, make_user):
    make_user(email="ana@example.org")
    refusals = []
    for email, address in [("ana@example.org", "198.51.100.7"), ("nobody@example.org", "198.51.100.8")]:
        for _ in range(10):
            log_in(client, email, "wrong-password", address)
        refusals.append(log_in(client, email, "wrong-password", address))
    assert [r.status_code for r in refusals] == [429, 429]
    assert errors(refusals[0]) == errors(refusals[1])


@pytest.mark.django_db
def test_an_account_stays_locked_whichever_client_guesses(client, make_user):
    make_user(email="ana@example.org")
    for n in range(10):
        log_in(client, "ana@example.org", "wrong-password", address=f"198.51.100.{n + 1}")
    response = log_in(client, "ana@example.org", PASSWORD, address="203.0.113.50")
    assert response.status_code == 429 and not logged_in(client)


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT_PER_CLIENT=5)
def test_one_client_spraying_many_accounts_is_stopped(client, make_user):
    make_user(email="ana@example.org")
    for n in range(5):
        assert log_in(client, f"person{n}@example.org", "wrong-password").status_code == 200
    response = log_in(client, "ana@example.org", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    # Someone else, from another address, is not affected.
    assert log_in(client, "ana@example.org", PASSWORD, address="203.0.113.9").status_code == 302
    event = AuditEvent.objects.get(action="account.login_throttled")
    assert event.changes["by"] == "client" and event.object_id == ""


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT_PER_CLIENT=5)
def test_logging_in_to_ones_own_account_buys_no_more_guesses(client, make_user):
    make_user(email="me@example.org")
    for n in range(4):
        assert log_in(client, f"victim{n}@example.org", "guess").status_code == 200
        assert log_in(client, "me@example.org", PASSWORD).status_code == 302
        client.logout()
    assert log_in(client, "victim4@example.org", "guess").status_code == 200
    # Five failures from this client, whatever succeeded in between: the sixth attempt is refused.
    assert log_in(client, "victim5@example.org", "guess").status_code == 429
    assert log_in(client, "me@example.org", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_successful_log_in_clears_the_accounts_failures(client, make_user):
    make_user(email="ana@example.org")
    for _ in range(3):
        for _ in range(9):
            assert log_in(client, "ana@example.org", "wrong-password").status_code == 200
        assert log_in(client, "ana@example.org", PASSWORD).status_code == 302
        client.logout()
    # Without a success in between, the tenth failure is the last.
    for _ in range(10):
        assert log_in(client, "ana@example.org", "wrong-password").status_code == 200
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_pause_ends_after_the_lockout_time(client, make_user, monkeypatch):
    make_user(email="ana@example.org")
    for _ in range(11):
        log_in(client, "ana@example.org", "wrong-password")
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock too
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_sites_log_in_is_throttled_too(client, make_user):
    make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    for _ in range(10):
        client.post("/admin/login/", {"username": "admin@example.org", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    assert not logged_in(client)
    assert "Too many attempts to log in. Please wait 15 minutes" in response.content.decode()


@pytest.mark.django_db
def test_choosing_a_new_password_through_a_reset_link_lifts_the_accounts_pause(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(email="ana@example.org")
    for _ in range(11):
        log_in(client, "ana@example.org", "wrong-password")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "ana@example.org"})
    path = re.search(r"http://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "brand-new-password-7", "new_password2": "brand-new-password-7"})
    assert AuditEvent.objects.filter(action="account.password_reset", object_id=str(user.pk)).exists()
    assert log_in(client, "ana@example.org", "brand-new-password-7").status_code == 302


# -- password reset -----------------------------------------------------------------------------------------------


def ask_reset(client, email, address="198.51.100.7"):
    """A reset request, its e-mail (written to the outbox) delivered as after a real request's commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:password-reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_address_the_same_for_unknown_addresses(client, make_user):
    user = make_user(email="ana@example.org")
    refusals = []
    for email, address in [("ana@example.org", "198.51.100.7"), ("nobody@example.org", "198.51.100.8")]:
        assert [ask_reset(client, email, address).status_code for _ in range(3)] == [302, 302, 302]
        refusals.append(ask_reset(client, email, address))
    assert len(mail.outbox) == 3  # the documented 3 an hour, all to the account's owner; none after
    assert [r.status_code for r in refusals] == [429, 429]
    assert errors(refusals[0]) == errors(refusals[1])
    assert errors(refusals[0])[0].startswith("Too many requests to reset a password. Please wait 60 minutes")
    events = AuditEvent.objects.filter(action="account.password_reset_throttled").order_by("id")
    assert [e.object_id for e in events] == [str(user.pk), ""]


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_LIMIT_PER_CLIENT=2)
def test_password_reset_requests_are_limited_per_client(client, make_user):
    make_user(email="ana@example.org")
    assert ask_reset(client, "one@example.org").status_code == 302
    assert ask_reset(client, "two@example.org").status_code == 302
    assert ask_reset(client, "ana@example.org").status_code == 429
    assert mail.outbox == []
    assert ask_reset(client, "ana@example.org", address="203.0.113.9").status_code == 302
    assert len(mail.outbox) == 1


# -- sign-up and confirmation links -------------------------------------------------------------------------------

SIGN_UP = {
    "full_name": "Katrin Weber",
    "password": "circular-economy-42",
    "password_again": "circular-economy-42",
    "language": "en",
    "learner_group": "member_student",  # asked at registration (issue #15)
}


def sign_up(client, email, address="198.51.100.7"):
    return client.post(reverse("accounts:register"), {**SIGN_UP, "email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_sign_ups_are_limited_per_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [sign_up(client, "katrin@example.org", f"198.51.100.{n}") for n in range(1, 5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert errors(answers[-1])[0].startswith("Too many requests to create an account or to send a confirmation link.")
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="account.registration_throttled").count() == 1


@pytest.mark.django_db
@override_settings(REGISTRATION_LIMIT_PER_CLIENT=2)
def test_sign_ups_and_new_links_are_limited_per_client(client):
    assert sign_up(client, "one@example.org").status_code == 302
    response = client.post(
        reverse("accounts:resend-verification"), {"email": "one@example.org"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
    assert sign_up(client, "two@example.org").status_code == 429
    assert not get_user_model().objects.filter(email="two@example.org").exists()
    response = client.post(
        reverse("accounts:resend-verification"), {"email": "one@example.org"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429
    assert errors(response)[0].startswith("Too many requests to create an account or to send a confirmation link.")


# -- single sign-on -----------------------------------------------------------------------------------------------

PERSON = {"sub": "u-123", "email": "ana.lopez@ub.edu", "email_verified": True, "name": "Ana López"}


def sso_log_in(client, provider, address):
    start = client.get("/oidc/authenticate/", REMOTE_ADDR=address)
    answer = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}", REMOTE_ADDR=address)


@pytest.mark.django_db
def test_repeated_failed_callbacks_from_one_client_are_refused_without_calling_the_provider(client):
    with (
        StandInProvider("rp", "secret", PERSON) as provider,
        override_settings(**provider.settings(), OIDC_CALLBACK_FAILURE_LIMIT=3),
    ):
        client.get("/oidc/authenticate/", REMOTE_ADDR="198.51.100.7")
        for _ in range(3):
            response = client.get("/oidc/callback/?code=guess&state=forged", REMOTE_ADDR="198.51.100.7")
            assert response.status_code == 400
        response = sso_log_in(client, provider, "198.51.100.7")
        assert response.status_code == 429
        assert "Too many single sign-on attempts from your network have failed." in response.content.decode()
        assert not logged_in(client)
        assert len(provider.codes) == 1  # its code was never taken to the token endpoint
        # Another client logs in as usual.
        assert sso_log_in(client, provider, "203.0.113.9").status_code == 302
        assert logged_in(client)
    event = AuditEvent.objects.get(action="account.oidc_callback_throttled")
    assert event.changes["by"] == "client"


@pytest.mark.django_db
def test_successful_single_sign_ons_do_not_use_up_the_limit(client):
    with (
        StandInProvider("rp", "secret", PERSON) as provider,
        override_settings(**provider.settings(), OIDC_CALLBACK_FAILURE_LIMIT=1),
    ):
        for _ in range(3):
            assert sso_log_in(client, provider, "198.51.100.7").status_code == 302
            client.logout()
        # The one failure allowed is still there to spend; the next callback is refused.
        failed = client.get("/oidc/callback/?code=g&state=forged", REMOTE_ADDR="198.51.100.7")
        assert failed.status_code == 302 and failed["Location"] == "/accounts/login/"
        assert client.get("/oidc/callback/?code=g&state=forged", REMOTE_ADDR="198.51.100.7").status_code == 429
