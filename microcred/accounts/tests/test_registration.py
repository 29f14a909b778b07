import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.roles import Role

GOOD = {
    "full_name": "Katrin Weber",
    "email": "Katrin@Example.org",
    "password": "circular-economy-42",
    "password_again": "circular-economy-42",
    "language": "en",
    "learner_group": "member_student",  # asked at registration (issue #15)
}


def _link_from_last_mail() -> str:
    match = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("127.0.0.1:8000", 1)[1]


def _without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)  # masked afresh on every page


@pytest.mark.django_db
def test_register_verify_then_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), GOOD)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="katrin@example.org")
    assert user.role_assignments.filter(role=Role.LEARNER).exists()
    assert user.email_verified_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["katrin@example.org"]

    # Not verified yet: logging in is refused with a specific message.
    response = client.post(reverse("accounts:login"), {"username": GOOD["email"], "password": GOOD["password"]})
    assert response.status_code == 200
    assert "confirm your e-mail address first" in response.content.decode()

    response = client.get(_link_from_last_mail())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None

    response = client.post(reverse("accounts:login"), {"username": "katrin@example.org", "password": GOOD["password"]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.email_verified", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_signing_up_with_a_used_address_looks_the_same_and_tells_its_owner(
    client, make_user, django_capture_on_commit_callbacks
):
    owner = make_user(email="katrin@example.org", password="owners-own-password-1")
    answers = []
    for email in ["Katrin@Example.org", "someone.new@example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:register"), {**GOOD, "email": email})
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"], _without_csrf_token(page)))
    assert answers[0] == answers[1]  # the same answer and the same next page
    assert [m.to for m in mail.outbox] == [["katrin@example.org"], ["someone.new@example.org"]]

    notice = mail.outbox[0]
    assert "Someone tried to create an account with your address" in notice.subject
    assert "no new account was made" in notice.body
    assert "/accounts/login/" in notice.body and "/accounts/password-reset/" in notice.body
    assert "/accounts/verify/" not in notice.body  # her address is confirmed already
    # Nothing about her account changed.
    assert get_user_model().objects.filter(email__iexact="katrin@example.org").count() == 1
    assert client.login(username="katrin@example.org", password="owners-own-password-1")
    assert AuditEvent.objects.filter(action="account.sign_up_with_existing_address", object_id=str(owner.pk)).exists()


@pytest.mark.django_db
def test_the_owner_of_an_unconfirmed_account_gets_a_working_confirmation_link(
    client, make_user, django_capture_on_commit_callbacks
):
    owner = make_user(email="katrin@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), GOOD)
    assert "no new account was made" in mail.outbox[-1].body
    assert client.get(_link_from_last_mail()).status_code == 302
    owner.refresh_from_db()
    assert owner.email_verified_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short1", "password123", "12345678901234", "katrin@example.org"])
def test_weak_password_is_refused_with_message_next_to_field(client, password):
    data = {**GOOD, "password": password, "password_again": password}
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_mismatched_passwords(client):
    response = client.post(reverse("accounts:register"), {**GOOD, "password_again": "something-else-42"})
    assert "not the same" in str(response.context["form"].errors["password_again"])
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_expired_verification_link_says_expired_and_offers_a_new_one(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), GOOD)
    link = _link_from_last_mail()
    with override_settings(EMAIL_VERIFICATION_MAX_AGE=-1):
        response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert get_user_model().objects.get().email_verified_at is None


@pytest.mark.django_db
def test_tampered_verification_link_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), GOOD)
    link = _link_from_last_mail()
    response = client.get(link[:-6] + "xxxxx/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


@pytest.mark.django_db
def test_resend_does_not_reveal_whether_an_address_exists(client, make_user, django_capture_on_commit_callbacks):
    make_user(email="known@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        r1 = client.post(reverse("accounts:resend-verification"), {"email": "known@example.org"}, follow=True)
        r2 = client.post(reverse("accounts:resend-verification"), {"email": "unknown@example.org"}, follow=True)
    assert [str(m) for m in r1.context["messages"]] == [str(m) for m in r2.context["messages"]]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_password_reset_flow(client, make_user, django_capture_on_commit_callbacks):
    make_user(email="staff@example.org", password="old-password-long-1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "staff@example.org"})
    assert len(mail.outbox) == 1
    path = re.search(r"http://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "brand-new-password-7", "new_password2": "brand-new-password-7"})
    assert response.status_code == 302
    assert client.login(username="staff@example.org", password="brand-new-password-7")


@pytest.mark.django_db
def test_login_is_case_insensitive_on_email(client, make_user):
    make_user(email="mixed@example.org", password="a-long-test-password")
    assert client.login(username="MIXED@example.org", password="a-long-test-password")


@pytest.mark.django_db
def test_the_verification_mail_is_plain_text_not_html_escaped(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"), {**GOOD, "full_name": "Seán O'Brien & Co"})
    body = mail.outbox[-1].body
    assert "Seán O'Brien & Co" in body
    assert "&#x27;" not in body and "&amp;" not in body


@pytest.mark.django_db
def test_the_confirmation_email_says_how_long_the_link_works(settings, make_user):
    from microcred.accounts.notifications import verification_email

    settings.EMAIL_VERIFICATION_MAX_AGE = 6 * 3600
    message = verification_email(make_user(verified=False).pk)
    assert "The link works for 6 hours." in message.body


@pytest.mark.django_db
def test_a_297_character_address_is_a_form_message_not_a_server_error(client):
    """Issue #11: PostgreSQL refused the 297-character address at insert time (a server error)."""
    address = "a" * 285 + "@example.org"
    assert len(address) == 297
    response = client.post(reverse("accounts:register"), {**GOOD, "full_name": "Long Address", "email": address})
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not get_user_model().objects.filter(full_name="Long Address").exists()
