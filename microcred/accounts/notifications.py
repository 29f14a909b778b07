"""The e-mails about accounts (registration and password reset), sent through the outbox (microcred.outbox) like
every other e-mail: written in the transaction that creates the account (or answers a sign-up or a reset request),
delivered after it commits, and retried with back-off when the mail server is down. Before, they were sent in the
request: a mail server that refused made the sign-up page fail with the account already created, nothing tried
again, and the time a reset request took told whether the address had an account (an e-mail was sent or not);
with a Celery worker delivering, the request now only writes a row.

Each builder reads the account when the message is delivered: the confirmation or reset link is made then (its
validity runs from the moment it is sent), nothing goes to an erased account, and a confirmation is not sent to an
address confirmed meanwhile."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler

VERIFY_SALT = "microcred.accounts.verify-email"


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def verification_url(user) -> str:
    return settings.PUBLIC_BASE_URL + reverse("accounts:verify-email", args=[make_verification_token(user)])


def _reachable(user_id: int):
    """The account to write to, or None (gone, erased, or without an address)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.may_be_emailed:
        return None
    return user


def announce_verification(*, user, reason: str) -> None:
    """In the caller's transaction: send `user` a link to confirm their address. `reason` is "sign-up" (once per
    account: a retried registration does not send a second) or "again" (each request for a new link sends one;
    the request is throttled)."""
    suffix = "sign-up" if reason == "sign-up" else uuid.uuid4().hex
    enqueue(key=f"account-verification:{user.pk}:{suffix}", handler=verification_email, payload={"user_id": user.pk})


def announce_sign_up_with_existing_address(*, user) -> None:
    """In the caller's transaction: tell an account's owner that someone tried to sign up with their address.
    Each attempt is its own message (the attempts are throttled)."""
    enqueue(
        key=f"account-existing-sign-up:{user.pk}:{uuid.uuid4().hex}",
        handler=existing_account_email,
        payload={"user_id": user.pk},
    )


def announce_password_reset(*, user) -> None:
    """In the caller's transaction: send `user` a link to choose a new password. Each request is its own message
    (the requests are throttled, accounts.services.spend_password_reset_attempt)."""
    enqueue(
        key=f"password-reset:{user.pk}:{uuid.uuid4().hex}", handler=password_reset_email, payload={"user_id": user.pk}
    )


@outbox_handler
def verification_email(user_id: int) -> EmailMessage | None:
    """The link to confirm the account's address, in the account's language; None once it is confirmed."""
    user = _reachable(user_id)
    if user is None or user.email_verified:
        return None
    with translation.override(user.preferred_language or "en"):
        body = render_to_string(
            "accounts/email/verify.txt",
            {
                "user": user,
                "url": verification_url(user),
                "site": settings.SITE_NAME,
                "hours": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 3600),
            },
        )
        subject = render_to_string("accounts/email/verify_subject.txt", {"site": settings.SITE_NAME})
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])


@outbox_handler
def existing_account_email(user_id: int) -> EmailMessage | None:
    """To the owner of an address someone tried to sign up with (perhaps they themselves): how to log in or reset
    the password, and the confirmation link if the address is not confirmed yet."""
    user = _reachable(user_id)
    if user is None:
        return None
    base = settings.PUBLIC_BASE_URL
    context = {
        "user": user,
        "site": settings.SITE_NAME,
        "login_url": base + reverse("accounts:login"),
        "reset_url": base + reverse("accounts:password-reset"),
        "verify_url": "" if user.email_verified else verification_url(user),
    }
    with translation.override(user.preferred_language or "en"):
        body = render_to_string("accounts/email/existing_account.txt", context)
        subject = render_to_string("accounts/email/existing_account_subject.txt", context)
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])


@outbox_handler
def password_reset_email(user_id: int) -> EmailMessage | None:
    """The link to choose a new password (Django's token, made now: it works for PASSWORD_RESET_TIMEOUT from the
    moment it is sent), in the account's language; None for an account that cannot log in with a password."""
    user = _reachable(user_id)
    if user is None or not user.is_active or not user.has_usable_password():
        return None
    context = {
        "public_base_url": settings.PUBLIC_BASE_URL,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(user.preferred_language or "en"):
        body = render_to_string("accounts/email/password_reset.txt", context)
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])
