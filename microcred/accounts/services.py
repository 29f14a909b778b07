"""Writes about people: registration, e-mail verification, roles, and the throttles that guard log-in, password
reset, sign-up and single sign-on. Each records an audit event."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred import roles
from microcred.accounts import countries, notifications
from microcred.accounts.exceptions import (
    EmailAlreadyRegistered,
    InvalidBackground,
    InvalidRoleScope,
    TooManyAttempts,
    VerificationLinkInvalid,
)
from microcred.accounts.models import AgeBand, EmploymentStatus, LearnerGroup, RoleAssignment
from microcred.audit.services import record_audit_event
from microcred.core import ratelimit
from microcred.privacy import services as privacy_services
from microcred.roles import INSTITUTION_OPTIONAL, INSTITUTION_REQUIRED, Role


def _normalise_email(email: str) -> str:
    return email.strip().lower()


# -- The learner's background (issue #15): who the learner is, for the alliance's reporting only ---------------


@dataclass(frozen=True)
class LearnerBackground:
    """The learner group the strategic plan counts, and the optional country (ISO 3166-1 alpha-2), age band and
    employment status. Kept on the account for reporting in totals; never put in a credential."""

    learner_group: str
    country: str = ""
    age_band: str = ""
    employment_status: str = ""

    def checked(self, *, group_required: bool = True) -> LearnerBackground:
        """The same values, each checked against its choices; raises InvalidBackground naming the first wrong one.
        The group is required (a staff member's own details may leave it blank); the others may be blank
        ("prefer not to say")."""
        if self.learner_group not in LearnerGroup.values and (group_required or self.learner_group):
            raise InvalidBackground("learner_group", _("Choose the group you belong to."))
        if self.country and not countries.is_country(self.country):
            raise InvalidBackground("country", _("Choose a country from the list, or leave it blank."))
        if self.age_band and self.age_band not in AgeBand.values:
            raise InvalidBackground("age_band", _("Choose an age band from the list, or leave it blank."))
        if self.employment_status and self.employment_status not in EmploymentStatus.values:
            raise InvalidBackground(
                "employment_status", _("Choose an employment status from the list, or leave it blank.")
            )
        return self

    def as_fields(self) -> dict[str, str]:
        return asdict(self)


BACKGROUND_FIELDS = ("learner_group", "country", "age_band", "employment_status")
# What the learner changes on "My account" (the e-mail address is the login and is not changed there).
PROFILE_FIELDS = ("full_name", "preferred_language", "did", *BACKGROUND_FIELDS)


@transaction.atomic
def update_profile(*, user, changes: dict, where: str = "profile") -> list[str]:
    """Save the learner's own details: the names of the fields that changed (none: nothing written).

    `changes` maps fields of PROFILE_FIELDS to their new values; the background is checked first
    (InvalidBackground, nothing written; the group is required of learner accounts, roles.is_learner_account). Audited as account.details_changed with the names of the fields that
    changed and `where` ("profile", or "log-in" for the question asked after logging in), never their values:
    the audit log is kept after the account is erased, the background is not (GDPR Art. 5(1)(c), 17).
    """
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise ValueError(f"Not profile fields: {unknown}")
    if any(name in changes for name in BACKGROUND_FIELDS):
        current = get_user_model().objects.filter(pk=user.pk).values(*BACKGROUND_FIELDS).get()
        LearnerBackground(**{**current, **{k: v for k, v in changes.items() if k in BACKGROUND_FIELDS}}).checked(
            group_required=roles.is_learner_account(user)
        )
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    changed = sorted(name for name, value in changes.items() if getattr(locked, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, changes[name])
        setattr(user, name, changes[name])  # the caller's object (request.user) shows the saved values
    locked.save(update_fields=changed)
    record_audit_event(
        actor=user,
        action="account.details_changed",
        target=locked,
        summary="Details changed on My account" if where == "profile" else "Learner group given after log-in",
        changes={"fields": changed, "where": where},
    )
    return changed


def give_background(*, user, background: LearnerBackground) -> list[str]:
    """The learner answers the question asked after logging in (permissions.is_asked_for_background)."""
    return update_profile(user=user, changes=background.checked().as_fields(), where="log-in")


@transaction.atomic
def register_learner(*, email: str, full_name: str, password: str, language: str = "en", privacy=None, background=None):
    """Create an unverified learner account and send the verification e-mail.

    `privacy` (a privacy.services.NoticeShown): the version of the privacy notice the registration page showed,
    recorded with the account (GDPR Art. 13: the information is given when the data are obtained; Art. 5(2)).
    `background` (a LearnerBackground): the learner group and the optional details, saved with the account.
    Raises EmailAlreadyRegistered (also under a concurrent duplicate), Django's ValidationError
    for a weak password and InvalidBackground; nothing is written in any case.
    """
    User = get_user_model()
    if background is not None:
        background.checked()
    email = _normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered()
    candidate = User(email=email, full_name=full_name.strip())
    validate_password(password, user=candidate)
    try:
        user = create_learner_account(
            email=email,
            full_name=full_name.strip(),
            password=password,
            language=language,
            how="Learner self-registration",
            privacy_notice_version=privacy.notice.version if privacy is not None else None,
            background=background,
        )
    except IntegrityError as exc:
        raise EmailAlreadyRegistered() from exc
    if privacy is not None:
        privacy_services.record_at_registration(user=user, shown=privacy)
    notifications.announce_verification(user=user, reason="sign-up")
    return user


@transaction.atomic
def create_learner_account(
    *,
    email: str,
    full_name: str,
    how: str,
    password: str | None = None,
    language: str | None = None,
    email_verified_at=None,
    privacy_notice_version=None,
    background: LearnerBackground | None = None,
):
    """A new active learner account, however it is made (self-registration, single sign-on): the learner role is
    given through the audited `assign_role` (role.granted) and the account's creation is audited
    (account.registered, `how` as its summary, with the version of the privacy notice shown, if any).

    Raises IntegrityError when the address already has an account (nothing is written).
    """
    extra = {"preferred_language": language} if language else {}
    if background is not None:
        extra.update(background.checked().as_fields())
    with transaction.atomic():  # a duplicate address rolls back to here, not the caller's transaction
        user = get_user_model().objects.create_user(
            _normalise_email(email),
            password,
            full_name=full_name,
            email_verified_at=email_verified_at,
            is_active=True,
            **extra,
        )
    assign_role(user=user, role=Role.LEARNER)
    record_audit_event(
        actor=None,
        action="account.registered",
        target=user,
        summary=how,
        changes={"privacy_notice_version": privacy_notice_version},
    )
    return user


def sign_up(
    *,
    request,
    email: str,
    full_name: str,
    password: str,
    language: str = "en",
    privacy=None,
    background: LearnerBackground | None = None,
) -> None:
    """The public sign-up: answers the same whether or not `email` already has an account.

    A new address gets an unverified learner account and the confirmation e-mail. An address that has an
    account gets nothing new; its owner is sent an e-mail saying that someone tried to sign up with it (and how
    to log in or choose a new password), so the page and the e-mail traffic never tell a stranger which
    addresses have accounts (OWASP WSTG-IDNT-04, account enumeration; OWASP Authentication Cheat Sheet).
    Throttled per address and per client (TooManyAttempts); a weak password raises Django's ValidationError.
    A new account records the privacy notice version the page showed (`privacy`, see register_learner) and the
    learner's background (`background`; checked before anything is spent or written: InvalidBackground).
    """
    if background is not None:
        background.checked()
    spend_registration_attempt(request=request, email=email)  # audited when refused: outside the transaction
    _sign_up(
        email=email,
        full_name=full_name,
        password=password,
        language=language,
        privacy=privacy,
        background=background,
    )


@transaction.atomic
def _sign_up(*, email: str, full_name: str, password: str, language: str, privacy, background=None) -> None:
    try:
        register_learner(
            email=email,
            full_name=full_name,
            password=password,
            language=language,
            privacy=privacy,
            background=background,
        )
    except EmailAlreadyRegistered:
        make_password(password)  # the work of creating an account: no timing difference either
        owner = get_user_model().objects.filter(email__iexact=_normalise_email(email)).first()
        if owner is None:  # pragma: no cover - only if the account went between the two queries
            return
        record_audit_event(
            actor=None,
            action="account.sign_up_with_existing_address",
            target=owner,
            summary="Sign-up with the address of an existing account: no account made, its owner told",
        )
        notifications.announce_sign_up_with_existing_address(user=owner)


def resend_verification(*, request, email: str) -> None:
    """Send a new confirmation link if `email` has an unconfirmed account; the caller says the same either way.

    Throttled with sign-up (each sends an e-mail): raises TooManyAttempts.
    """
    spend_registration_attempt(request=request, email=email)
    user = get_user_model().objects.filter(email__iexact=_normalise_email(email)).first()
    if user is not None and not user.email_verified:
        notifications.announce_verification(user=user, reason="again")


@transaction.atomic
def verify_email(*, token: str):
    """Mark the e-mail in the signed token as verified. Raises VerificationLinkInvalid."""
    User = get_user_model()
    try:
        data = signing.loads(token, salt=notifications.VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
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
        raise InvalidRoleScope(_("The role %(role)s must name a member university.") % {"role": role.label})
    if role not in INSTITUTION_REQUIRED | INSTITUTION_OPTIONAL and institution is not None:
        raise InvalidRoleScope(_("The role %(role)s is alliance-wide and takes no university.") % {"role": role.label})
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


# -- Throttles (OWASP ASVS 4.0.3 V2.2.1: anti-automation against password guessing and e-mail flooding) ---------
#
# Each guarded action spends an attempt from two budgets, the e-mail address typed and the client address
# (microcred.core.ratelimit), *before* the work is done, so parallel requests cannot exceed them. Over a budget
# the action is refused for a whole window and TooManyAttempts says how long to wait. The budgets of an address
# are the same whether or not it has an account. The start of each block is audited (once per block); the log
# names the account by number when there is one, and the address and client only by a keyed hash.

LOGIN_ACCOUNT, LOGIN_CLIENT = "login-account", "login-client"
RESET_ADDRESS, RESET_CLIENT = "reset-address", "reset-client"
SIGNUP_ADDRESS, SIGNUP_CLIENT = "signup-address", "signup-client"
OIDC_CLIENT = "oidc-callback-client"
HOUR = 60 * 60


def _address_key(email: str) -> str:
    return ratelimit.hashed("email", _normalise_email(email))


def _client_key(request) -> str | None:
    return ratelimit.client_key(request) if request is not None else None


def _spend(kind: str, scope: str, key: str, *, limit: int, window: int, email: str | None = None) -> None:
    attempt = ratelimit.take(scope, key, limit=limit, window=window)
    if attempt.allowed:
        return
    if attempt.block_started:
        owner = get_user_model().objects.filter(email__iexact=_normalise_email(email)).first() if email else None
        by = "e-mail address" if email else "client"
        record_audit_event(
            actor=None,
            action=f"account.{kind}_throttled",
            target=owner,
            summary=f"Too many attempts from one {by}: refused for {attempt.retry_after} s"
            + ("" if owner or not email else " (no account has this address)"),
            changes={"by": "address" if email else "client", "key": key, "seconds": attempt.retry_after},
        )
    raise TooManyAttempts(kind, attempt.retry_after)


def begin_login(*, request, email: str) -> None:
    """Spend a log-in attempt of the client and of the address typed, before the password is checked.

    Raises TooManyAttempts while either is blocked. A failed log-in keeps its attempts spent;
    `login_succeeded` gives them back.
    """
    window = settings.LOGIN_LOCKOUT_SECONDS
    client = _client_key(request)
    if client is not None:
        _spend("login", LOGIN_CLIENT, client, limit=settings.LOGIN_FAILURE_LIMIT_PER_CLIENT, window=window)
    try:
        _spend(
            "login",
            LOGIN_ACCOUNT,
            _address_key(email),
            limit=settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
            window=window,
            email=email,
        )
    except TooManyAttempts:
        if client is not None:  # no password was tried: not held against the client
            ratelimit.refund(LOGIN_CLIENT, client)
        raise


def login_succeeded(*, request, email: str) -> None:
    """The right password: the client's attempt is given back and the account's failures are forgotten.

    (Only the client's one attempt is given back: logging in to one's own account must not buy guesses at others.)
    """
    client = _client_key(request)
    if client is not None:
        ratelimit.refund(LOGIN_CLIENT, client)
    ratelimit.reset(LOGIN_ACCOUNT, _address_key(email))


def login_retry_after(*, request, email: str) -> int:
    """Seconds until logging in as `email` from this client is possible again (0: now)."""
    waits = [ratelimit.blocked_for(LOGIN_ACCOUNT, _address_key(email))] if email else []
    client = _client_key(request)
    if client is not None:
        waits.append(ratelimit.blocked_for(LOGIN_CLIENT, client))
    return max(waits, default=0)


def spend_password_reset_attempt(*, request, email: str) -> None:
    """Count a password reset request per client and per address (raises TooManyAttempts when over)."""
    client = _client_key(request)
    if client is not None:
        _spend("password_reset", RESET_CLIENT, client, limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT, window=HOUR)
    _spend(
        "password_reset",
        RESET_ADDRESS,
        _address_key(email),
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window=HOUR,
        email=email,
    )


def spend_registration_attempt(*, request, email: str) -> None:
    """Count a sign-up or confirmation-link request per client and per address (raises TooManyAttempts)."""
    client = _client_key(request)
    if client is not None:
        _spend("registration", SIGNUP_CLIENT, client, limit=settings.REGISTRATION_LIMIT_PER_CLIENT, window=HOUR)
    _spend(
        "registration",
        SIGNUP_ADDRESS,
        _address_key(email),
        limit=settings.REGISTRATION_LIMIT_PER_ADDRESS,
        window=HOUR,
        email=email,
    )


@transaction.atomic
def password_reset_completed(*, user) -> None:
    """A new password chosen through an e-mailed reset link: audited, and its log-in block lifted (the owner of
    the mailbox proved who they are; a guesser gains nothing from the new password)."""
    ratelimit.reset(LOGIN_ACCOUNT, _address_key(user.email))
    record_audit_event(actor=user, action="account.password_reset", target=user)


def begin_oidc_callback(*, request) -> None:
    """Spend one of the client's single sign-on callback attempts (each costs a call to the provider)."""
    _spend(
        "oidc_callback",
        OIDC_CLIENT,
        _client_key(request),
        limit=settings.OIDC_CALLBACK_FAILURE_LIMIT,
        window=settings.LOGIN_LOCKOUT_SECONDS,
    )


def oidc_callback_succeeded(*, request) -> None:
    ratelimit.refund(OIDC_CLIENT, _client_key(request))
