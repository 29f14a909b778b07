"""The learner's own writes: share links, credentials from other issuers (received), exporting their data, erasing
their account."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred.audit.services import record_audit_event
from microcred.core import ratelimit
from microcred.core.exceptions import NotFound, ValidationFailed
from microcred.credentials import permissions as credential_permissions
from microcred.credentials import selectors as credential_selectors
from microcred.credentials.services.verification import record_verification
from microcred.privacy import registry
from microcred.wallet import receiving
from microcred.wallet.models import ReceivedCredential, ShareLink

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


# Credentials from other issuers (issue #18, receiving) ------------------------------------------------------------


class NeedsConfirmation(ValidationFailed):
    """The credential names neither an e-mail address, a DID nor a name to compare: she must confirm it is hers.
    ``text``: the credential as read (the page offers it again with the confirmation)."""

    code = "needs_confirmation"

    def __init__(self, message: str, *, text: str):
        super().__init__(message)
        self.text = text


def _result(report) -> str:
    if receiving.accepted(report):
        return ReceivedCredential.Result.VERIFIED
    return report.result


def _checks(report) -> list[dict]:
    return [
        {"check": c.check, "passed": c.passed, "message": str(c.message), "advisory": c.advisory} for c in report.checks
    ]


def _refusal(report) -> str:
    """The verifier's plain message for a credential it does not accept."""
    failed = [c for c in report.checks if not c.advisory and c.passed is not True and c.check != "issuer"]
    failed += [c for c in report.checks if c.check == "issuer" and c.passed is False]
    reason = " ".join(str(c.message) for c in failed) or report.reason
    return _("It cannot be added: %(reason)s") % {"reason": reason}


def receive_credential(*, user, raw: bytes, confirmed: bool = False) -> ReceivedCredential:
    """Add another issuer's credential (pasted or uploaded: Open Badges 3.0 JSON or badge image, SD-JWT VC, sealed
    ELM) to the learner's wallet, after our verifier accepted it and it was found to be hers (wallet.receiving's
    rule). Refused with a plain message, storing nothing (receiving.NotReceivable): unreadable, not accepted by the
    verifier (revoked, expired, altered, the issuer's key or status list unreachable), one of ours, issued to
    someone else. NeedsConfirmation when the credential does not say whom it was issued to and ``confirmed`` is
    false. Adding the same credential again returns the one already there. Audited
    (``wallet.credential_received``)."""
    reading = receiving.read(raw)
    report = reading.report
    if not reading.accepted:
        raise receiving.NotReceivable(_refusal(report), report)
    if receiving.is_ours(report):
        raise receiving.NotReceivable(
            _(
                "This credential was issued here, by %(issuer)s: the credentials issued here to you are in your wallet "
                "already."
            )
            % {"issuer": report.issuer_name or report.issuer_id},
            report,
        )
    match = receiving.holder_match(reading.holder, user)
    if match.refused:
        raise receiving.NotReceivable(match.refused, report)
    if match.basis == "confirmation" and not confirmed:
        raise NeedsConfirmation(
            _(
                "This credential does not say whom it was issued to (no e-mail address, DID or name we can compare "
                "with your account). Confirm that it was issued to you to add it."
            ),
            text=reading.document,
        )
    existing = ReceivedCredential.objects.filter(learner=user, digest=reading.digest).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            received = ReceivedCredential.objects.create(
                learner=user,
                kind=reading.kind,
                document=reading.document,
                digest=reading.digest,
                credential_id=report.credential_id[:500],
                issuer_id=report.issuer_id[:500],
                issuer_name=(report.issuer_name or "")[:300],
                title=(report.title or "")[:500],
                issued_on=reading.issued_on,
                subject_basis=match.basis
                if match.basis != "confirmation"
                else ReceivedCredential.SubjectBasis.CONFIRMED,
                result=_result(report),
                reason=report.reason,
                checks=_checks(report),
                checked_at=now,
            )
            record_audit_event(
                actor=user,
                action="wallet.credential_received",
                target=received,
                summary=received.title[:200],
                changes={
                    "kind": received.kind,
                    "credential": received.credential_id[:200],
                    "sha256": received.digest,
                    "issuer": received.issuer_id[:200],
                    "subject_basis": received.subject_basis,
                    "result": received.result,
                },
            )
    except IntegrityError:  # added at the same moment by a second request
        return ReceivedCredential.objects.get(learner=user, digest=reading.digest)
    return received


def _own_received(user, uuid) -> ReceivedCredential:
    received = ReceivedCredential.objects.filter(learner=user, uuid=uuid).first() if uuid else None
    if received is None:
        raise NotFound(_("There is no such credential in your wallet."))
    return received


def recheck_received_credential(*, user, uuid) -> ReceivedCredential:
    """Verify a received credential again (revoked or expired since?) and keep what was found: the result, the
    checks and when. A credential that no longer passes stays in the wallet, marked; the learner may remove it."""
    received = _own_received(user, uuid)
    report = receiving.verify_text(received.kind, received.document).report
    received.result = _result(report)
    received.reason = report.reason
    received.checks = _checks(report)
    received.checked_at = timezone.now()
    received.save(update_fields=["result", "reason", "checks", "checked_at"])
    return received


@transaction.atomic
def remove_received_credential(*, user, uuid) -> None:
    """The learner removes a received credential from her wallet. Recognition requests she made with it keep their
    own copy (the university decides on what it was sent). Audited (``wallet.received_credential_removed``)."""
    received = _own_received(user, uuid)
    record_audit_event(
        actor=user,
        action="wallet.received_credential_removed",
        target=received,
        summary=received.title[:200],
        changes={"kind": received.kind, "credential": received.credential_id[:200], "sha256": received.digest},
    )
    received.delete()


def verify_and_record_received(received: ReceivedCredential, *, user, purpose: str):
    """Verify a received credential now and keep what was found as a VerificationRecord (as
    credentials.services.verification.verify_and_record does for Open Badges, for any of the formats): for a
    recognition request, which cites it. Returns (report, record). Audited (``credential.verification_recorded``)."""
    report = receiving.verify_text(received.kind, received.document).report
    return report, record_verification(report, received.digest, user=user, purpose=purpose)
