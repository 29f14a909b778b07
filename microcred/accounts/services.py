"""Writes about people: registration, e-mail verification, roles. Each records an audit event."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from microcred.accounts.exceptions import EmailAlreadyRegistered, InvalidRoleScope, VerificationLinkInvalid
from microcred.accounts.models import RoleAssignment
from microcred.accounts.roles import INSTITUTION_OPTIONAL, INSTITUTION_REQUIRED, Role
from microcred.audit.services import record_audit_event

VERIFY_SALT = "microcred.accounts.verify-email"


def _normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def register_learner(*, email: str, full_name: str, password: str, language: str = "en"):
    """Create an unverified learner account and send the verification e-mail.

    Raises EmailAlreadyRegistered (also under a concurrent duplicate) and Django's ValidationError
    for a weak password; nothing is written in either case.
    """
    User = get_user_model()
    email = _normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered()
    candidate = User(email=email, full_name=full_name.strip())
    validate_password(password, user=candidate)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, full_name=full_name.strip(), preferred_language=language, is_active=True
            )
    except IntegrityError as exc:
        raise EmailAlreadyRegistered() from exc
    RoleAssignment.objects.create(user=user, role=Role.LEARNER)
    record_audit_event(actor=None, action="account.registered", target=user, summary="Learner self-registration")
    transaction.on_commit(lambda: send_verification_email(user=user))
    return user


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def verification_url(user) -> str:
    return settings.PUBLIC_BASE_URL + reverse("accounts:verify-email", args=[make_verification_token(user)])


def send_verification_email(*, user) -> None:
    with translation.override(user.preferred_language or "en"):
        body = render_to_string(
            "accounts/email/verify.txt", {"user": user, "url": verification_url(user), "site": settings.SITE_NAME}
        )
        subject = render_to_string("accounts/email/verify_subject.txt", {"site": settings.SITE_NAME}).strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def verify_email(*, token: str):
    """Mark the e-mail in the signed token as verified. Raises VerificationLinkInvalid."""
    User = get_user_model()
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise VerificationLinkInvalid(expired=True) from exc
    except signing.BadSignature as exc:
        raise VerificationLinkInvalid() from exc
    user = User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise VerificationLinkInvalid()
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_audit_event(actor=user, action="account.email_verified", target=user)
    return user


@transaction.atomic
def assign_role(*, user, role: Role | str, institution=None, granted_by=None) -> RoleAssignment:
    """Give `user` a role, scoped as the role requires. Idempotent."""
    role = Role(role)
    if role in INSTITUTION_REQUIRED and institution is None:
        raise InvalidRoleScope(f"The role {role.label} must name a member university.")
    if role not in INSTITUTION_REQUIRED | INSTITUTION_OPTIONAL and institution is not None:
        raise InvalidRoleScope(f"The role {role.label} is alliance-wide and takes no university.")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, institution=institution)
    if created:
        record_audit_event(
            actor=granted_by,
            action="role.granted",
            target=user,
            summary=f"{role.label}" + (f" at {institution.short_name}" if institution else ""),
            changes={"role": role.value, "institution": institution.slug if institution else None},
        )
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, revoked_by=None) -> None:
    record_audit_event(
        actor=revoked_by,
        action="role.revoked",
        target=assignment.user,
        summary=str(assignment),
        changes={"role": assignment.role, "institution": assignment.institution_id},
    )
    assignment.delete()
