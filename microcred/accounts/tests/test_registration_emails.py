"""Registration's e-mails go through the outbox: a mail server that refuses does not fail the sign-up, the message
is tried again until it goes, once; nothing is sent to an erased account or a confirmation to a confirmed one."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.accounts import notifications
from microcred.accounts.tests.test_registration import GOOD
from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import deliver_pending

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def _due_now():
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_a_mail_server_down_at_sign_up_does_not_fail_it_and_the_link_goes_when_it_is_back(
    client, django_capture_on_commit_callbacks
):
    with mock.patch(SEND, side_effect=OSError("mail server down")), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), GOOD)
    assert response.status_code == 302  # the page says "check your e-mail", not a server error
    user = get_user_model().objects.get(email="katrin@example.org")
    row = OutboxMessage.objects.get()
    assert (row.key, row.status, row.attempts) == (f"account-verification:{user.pk}:sign-up", "pending", 1)
    assert mail.outbox == []

    _due_now()
    assert deliver_pending() == 1
    assert deliver_pending() == 0  # sent once
    assert [m.to for m in mail.outbox] == [["katrin@example.org"]]
    assert "/accounts/verify/" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_sign_up_link_is_written_once_per_account_and_each_request_for_a_new_one_sends_one(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(email="katrin@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.announce_verification(user=user, reason="sign-up")
        notifications.announce_verification(user=user, reason="sign-up")  # a retried registration
    assert len(mail.outbox) == 1
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:resend-verification"), {"email": "katrin@example.org"})
    assert len(mail.outbox) == 3 and OutboxMessage.objects.count() == 3


@pytest.mark.django_db
def test_the_owner_of_a_used_address_is_told_through_the_outbox(client, make_user, django_capture_on_commit_callbacks):
    owner = make_user(email="katrin@example.org")
    with mock.patch(SEND, side_effect=OSError("mail server down")), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), GOOD)
    assert response.status_code == 302
    row = OutboxMessage.objects.get()
    assert row.key.startswith(f"account-existing-sign-up:{owner.pk}:") and row.status == "pending"
    _due_now()
    deliver_pending()
    assert "no new account was made" in mail.outbox[-1].body


@pytest.mark.django_db
def test_nothing_goes_to_an_erased_account_nor_a_link_to_an_address_confirmed_meanwhile(make_user):
    confirmed = make_user(email="ann@example.org", verified=True)
    assert notifications.verification_email(confirmed.pk) is None
    assert notifications.existing_account_email(confirmed.pk) is not None
    erased = make_user(email="bob@example.org", verified=False)
    get_user_model().objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    assert notifications.verification_email(erased.pk) is None
    assert notifications.existing_account_email(erased.pk) is None
    assert notifications.verification_email(10**9) is None  # an account deleted meanwhile


@pytest.mark.django_db
def test_a_password_reset_goes_through_the_outbox_in_the_accounts_language_and_its_link_works(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(email="ana@example.org", password="old-password-long-1")
    get_user_model().objects.filter(pk=user.pk).update(preferred_language="es")
    with mock.patch(SEND, side_effect=OSError("mail server down")), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "ANA@example.org"})
    assert response.status_code == 302  # "if the address has an account, a link is on its way"
    row = OutboxMessage.objects.get()
    assert row.key.startswith(f"password-reset:{user.pk}:") and row.status == "pending" and mail.outbox == []

    _due_now()
    assert deliver_pending() == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"] and message.subject == "Restablezca su contraseña"
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "brand-new-password-7", "new_password2": "brand-new-password-7"})
    assert client.login(username="ana@example.org", password="brand-new-password-7")


@pytest.mark.django_db
def test_a_reset_for_an_address_without_an_account_writes_nothing_and_an_erased_account_gets_nothing(
    client, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"}).status_code == 302
    assert not OutboxMessage.objects.exists() and mail.outbox == []
    erased = make_user(email="bob@example.org")
    get_user_model().objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    assert notifications.password_reset_email(erased.pk) is None
    sso_only = make_user(email="carla@example.org")
    sso_only.set_unusable_password()
    sso_only.save()
    assert notifications.password_reset_email(sso_only.pk) is None
