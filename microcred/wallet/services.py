"""The learner's own writes: share links, exporting their data, erasing their account."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred.audit.services import record_audit_event
from microcred.core import ratelimit
from microcred.core.exceptions import NotFound, ValidationFailed
from microcred.credentials import permissions as credential_permissions
from microcred.credentials import selectors as credential_selectors
from microcred.privacy import registry
from microcred.wallet.models import ShareLink

MAX_SHARE_DAYS = 3650


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_share_link(
    *, user, credential_uuid, expires_in_days: int | None = None, label: str = ""
) -> tuple[ShareLink, str]:
    """A new link for one of the user's own credentials. Returns the link and its token (shown once)."""
    credential = credential_selectors.credential_by_uuid(credential_uuid)
    if credential is None or not credential_permissions.is_holder(user, credential):
        raise NotFound(_("There is no such credential in your wallet."))
    if credential.is_revoked:
        raise ValidationFailed(
            _("This credential was revoked: a share link would only show that it is not valid, so none is made.")
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_SHARE_DAYS:
        raise ValidationFailed(_("A link expires after 1 to 3650 days, or never."))
    token = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        credential=credential,
        token_hash=token_hash(token),
        label=label.strip()[:100],
        created_by=user,
        expires_at=timezone.now() + timezone.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    record_audit_event(
        actor=user, action="share_link.created", target=link, changes={"credential": str(credential.uuid)}
    )
    return link, token


@transaction.atomic
def withdraw_share_link(*, user, link_id: int) -> ShareLink:
    link = ShareLink.objects.select_for_update().filter(pk=link_id, created_by=user).first()
    if link is None:
        raise NotFound(_("There is no such share link."))
    if link.withdrawn_at is None:
        link.withdrawn_at = timezone.now()
        link.save(update_fields=["withdrawn_at"])
        record_audit_event(actor=user, action="share_link.withdrawn", target=link)
    return link


class LinkGone(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "withdrawn" | "expired"


def open_share_link(token: str) -> ShareLink:
    """The link for `token`, counting the view. NotFound for an unknown token, LinkGone for a dead one."""
    link = ShareLink.objects.select_related("credential").filter(token_hash=token_hash(token)).first()
    if link is None:
        raise NotFound(_("There is no such link."))
    if link.withdrawn_at is not None:
        raise LinkGone("withdrawn")
    if link.expires_at is not None and link.expires_at <= timezone.now():
        raise LinkGone("expired")
    ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1)
    return link


def linkedin_add_to_profile_url(credential, certificate_url: str) -> str:
    """LinkedIn's documented "Add to profile" link for a certification, prefilled."""
    from urllib.parse import urlencode

    issued = credential.awarded_on
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.title,
        "organizationName": credential.issuer.name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certId": str(credential.uuid),
        "certUrl": certificate_url,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def export_my_data(*, user) -> bytes:
    """Everything the platform holds about the user, as one ZIP archive of JSON files and credentials: each app's
    part (account, credentials, share links, wallet offers, activity, enrolments, results with grades, privacy
    notices shown), from the personal-data registry (GDPR Art. 15 and 20)."""
    files = registry.personal_data_files(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            _(
                "Your data from the micro-credentials platform: account.json (your account and roles), "
                "credentials/ (each credential you received, signed), share-links.json, activity.json (what you did "
                "on the platform), and the other files listed here.\n"
            ),
        )
        for name, content in files.items():
            archive.writestr(name, content)
    record_audit_event(actor=user, action="account.data_exported", target=user)
    return buffer.getvalue()


ERASE_PASSWORD_TRIES = 5


@transaction.atomic
def erase_my_account(*, user, password: str) -> None:
    """GDPR erasure (Art. 17): every app removes its part of the user's personal data (the personal-data
    registry runs them: share links withdrawn, wallet offers removed, credentials blanked, the account closed).

    Issued credentials stay verifiable by whoever holds them (issuer keys and status lists are kept), but
    the platform keeps no copy with the learner's name or e-mail. The audit log keeps the facts, which
    name people by number only.
    """
    # A stolen session must not be able to guess the password here (and erase the account): the same few
    # tries per account as at log-in, spent before the password is checked (OWASP ASVS 2.2.1).
    attempt = ratelimit.take(
        "account-erase", ratelimit.hashed("account", str(user.pk)), limit=ERASE_PASSWORD_TRIES, window=15 * 60
    )
    if not attempt.allowed:
        minutes = max(1, -(-attempt.retry_after // 60))
        raise ValidationFailed(
            ngettext(
                "Too many wrong passwords; nothing was deleted. Please wait %(minutes)d minute and try again.",
                "Too many wrong passwords; nothing was deleted. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes}
        )
    if not user.check_password(password):
        raise ValidationFailed(_("The password is not right; nothing was deleted."))
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    registry.erase_personal_data(user)  # each app's part; the account itself last
    record_audit_event(actor=None, action="account.erased", target=user)
