"""The learner's own writes: share links, exporting their data, erasing their account."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from microcred.audit.services import record_audit_event
from microcred.core import ratelimit
from microcred.core.exceptions import NotFound, ValidationFailed
from microcred.credentials import permissions as credential_permissions
from microcred.credentials import selectors as credential_selectors
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
        "name": credential.micro_credential_version.title,
        "organizationName": credential.issuer.name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certId": str(credential.uuid),
        "certUrl": certificate_url,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def export_my_data(*, user) -> bytes:
    """Everything the platform holds about the user, as one ZIP archive of JSON files and credentials."""
    from microcred.audit.models import AuditEvent

    account = {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "did": user.did,
        "date_joined": user.date_joined.isoformat(),
        "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        "roles": [
            {"role": a.role, "institution": a.institution.name if a.institution_id else None}
            for a in user.role_assignments.select_related("institution")
        ],
    }
    credentials = list(credential_selectors.credentials_of(user))
    links = ShareLink.objects.filter(created_by=user)
    events = AuditEvent.objects.filter(actor=user).order_by("at")
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
        archive.writestr("account.json", json.dumps(account, ensure_ascii=False, indent=2))
        for credential in credentials:
            archive.writestr(
                f"credentials/{credential.uuid}.json", json.dumps(credential.document, ensure_ascii=False, indent=2)
            )
            for copy in credential.bound_copies.order_by("issued_at", "pk"):  # the copies sent to wallet apps
                archive.writestr(
                    f"credentials/wallet-copies/{copy.uuid}.json",
                    json.dumps(copy.document, ensure_ascii=False, indent=2),
                )
        archive.writestr(
            "share-links.json",
            json.dumps(
                [
                    {
                        "credential": str(link.credential.uuid),
                        "label": link.label,
                        "created_at": link.created_at.isoformat(),
                        "expires_at": link.expires_at.isoformat() if link.expires_at else None,
                        "withdrawn_at": link.withdrawn_at.isoformat() if link.withdrawn_at else None,
                        "views": link.views,
                    }
                    for link in links.select_related("credential")
                ],
                ensure_ascii=False,
                indent=2,
            ),
        )
        archive.writestr(
            "activity.json",
            json.dumps(
                [
                    {"at": e.at.isoformat(), "action": e.action, "object": e.object_repr, "summary": e.summary}
                    for e in events
                ],
                ensure_ascii=False,
                indent=2,
            ),
        )
        for name, rows in _other_apps_data(user).items():
            archive.writestr(name, json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    record_audit_event(actor=user, action="account.data_exported", target=user)
    return buffer.getvalue()


def _other_apps_data(user) -> dict[str, list]:
    """Enrolments, results (grades included) and the privacy notices shown, read (never written) here
    (GDPR Art. 15: a copy of the personal data)."""
    from microcred.learning.models import Enrolment, Result
    from microcred.privacy.models import NoticeReceipt

    def rows(model, owner: str):
        fields = [f.name for f in model._meta.concrete_fields if f.name != owner]
        return list(model.objects.filter(**{owner: user}).order_by("pk").values(*fields))

    return {
        "enrolments.json": rows(Enrolment, "learner"),
        "results.json": rows(Result, "learner"),
        "privacy-notices-shown.json": rows(NoticeReceipt, "user"),
    }


ERASE_PASSWORD_TRIES = 5


@transaction.atomic
def erase_my_account(*, user, password: str) -> None:
    """GDPR erasure: personal data removed, share links withdrawn, the account closed.

    Issued credentials stay verifiable by whoever holds them (issuer keys and status lists are kept), but
    the platform keeps no copy with the learner's name or e-mail. The audit log keeps the facts, which
    name people by number only.
    """
    from microcred.credentials.models import HolderBoundCredential, IssuedCredential

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
    now = timezone.now()
    ShareLink.objects.filter(created_by=user, withdrawn_at__isnull=True).update(withdrawn_at=now)
    for credential in IssuedCredential.objects.select_for_update().filter(learner_email__iexact=user.email):
        credential.learner_name = ""
        credential.learner_email = f"erased-{user.pk}@invalid"
        credential.learner_did = ""
        credential.document = {"id": credential.document.get("id"), "erased": True}
        credential.save(update_fields=["learner_name", "learner_email", "learner_did", "document"])
        # The copies sent to wallet apps carry the same data and the wallet's DID. Their rows (and status
        # entries) stay, so revoking the original still revokes them.
        for copy in HolderBoundCredential.objects.select_for_update().filter(original=credential):
            copy.holder_did = ""
            copy.document = {"id": copy.document.get("id"), "erased": True}
            copy.save(update_fields=["holder_did", "document"])
    user.role_assignments.all().delete()
    user.email = f"erased-{user.pk}@invalid"
    user.full_name = _("Erased account")
    user.did = ""
    user.set_unusable_password()
    user.is_active = False
    user.erased_at = now
    user.save()
    Token.objects.filter(user=user).delete()
    _erase_wallet_deliveries(user)
    record_audit_event(actor=None, action="account.erased", target=user)


def _erase_wallet_deliveries(user) -> None:
    """OpenID4VCI offers and their deliveries hold the holder's wallet key or DID: remove them with the account."""
    from microcred.oid4vci.models import CredentialOffer

    CredentialOffer.objects.filter(created_by=user).delete()  # cascades to access tokens and deliveries
