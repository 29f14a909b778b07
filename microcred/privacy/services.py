"""Writes about privacy notices: drafting and publishing a version (audited), and recording what a person was
shown or agreed to (GDPR Art. 13: information at the time the data are obtained; Art. 7(1): proof of consent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.privacy import registry, selectors
from microcred.privacy.content import (
    CONFIRMABLE,
    DEFAULT_LANGUAGE,
    NoticeContentError,
    check_languages,
    check_text,
    language_name,
    requires_consent,
)
from microcred.privacy.models import NoticeReceipt, PrivacyNotice, PrivacyNoticeText


def activity_names() -> dict[str, str]:
    return {key: str(activity.name) for key, activity in registry.activities().items()}


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def check_texts(texts: dict[str, dict]) -> dict[str, dict]:
    """Every language's text checked and normalised, then checked together. Raises NoticeContentError."""
    activities = activity_names()
    checked = {}
    for language, content in texts.items():
        try:
            checked[language] = check_text(content, activities)
        except NoticeContentError as exc:
            raise NoticeContentError(
                _("The text in %(language)s: %(problem)s") % {"language": language_name(language), "problem": exc}
            ) from exc
    check_languages(checked, activities, interface_languages())
    return checked


def check_to_confirm(keys) -> list[str]:
    if not isinstance(keys, list) or any(key not in CONFIRMABLE for key in keys):
        raise NoticeContentError(
            _("“Still to confirm” lists sections of the notice; choose from %(choices)s.")
            % {"choices": ", ".join(CONFIRMABLE)}
        )
    return [key for key in CONFIRMABLE if key in keys]


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@transaction.atomic
def create_draft(*, by, based_on: PrivacyNotice | None = None, note: str = "") -> PrivacyNotice:
    """A new draft with the texts of `based_on` (by default the version in force), to edit and publish."""
    based_on = based_on or selectors.current_notice()
    notice = PrivacyNotice.objects.create(
        origin=PrivacyNotice.Origin.ADMIN,
        to_confirm=list(based_on.to_confirm) if based_on else [],
        based_on=based_on,
        created_by=_actor(by),
        note=note[:200],
    )
    if based_on is not None:
        PrivacyNoticeText.objects.bulk_create(
            PrivacyNoticeText(notice=notice, language=t.language, content=t.content) for t in based_on.texts.all()
        )
    record_audit_event(
        actor=by,
        action="privacy.notice_draft_created",
        target=notice,
        changes={"based_on": based_on.version if based_on else None},
    )
    return notice


@transaction.atomic
def publish_notice(*, notice: PrivacyNotice, by=None) -> PrivacyNotice:
    """Give the draft the next version number and put it in force. Its texts are checked first; a published
    version is never changed again. Raises ValidationFailed, with nothing written, when the draft is not complete."""
    notice = PrivacyNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_published:
        raise ValidationFailed(
            _("Version %(version)d is published already; make a new draft to change it.") % {"version": notice.version}
        )
    texts = {t.language: t for t in notice.texts.all()}
    try:
        checked = check_texts({language: t.content for language, t in texts.items()})
        to_confirm = check_to_confirm(notice.to_confirm)
    except NoticeContentError as exc:
        raise ValidationFailed(str(exc)) from exc
    for language, text in texts.items():  # stored as checked (stripped, in order), while still a draft
        if text.content != checked[language]:
            text.content = checked[language]
            text.save(update_fields=["content"])
    latest = (
        PrivacyNotice.objects.select_for_update().filter(status=PrivacyNotice.Status.PUBLISHED).order_by("-version")
    )
    latest = latest.first()
    version = (latest.version if latest else 0) + 1
    consent = requires_consent(checked[DEFAULT_LANGUAGE])
    try:
        with transaction.atomic():
            PrivacyNotice.objects.filter(pk=notice.pk, status=PrivacyNotice.Status.DRAFT).update(
                status=PrivacyNotice.Status.PUBLISHED,
                version=version,
                published_at=timezone.now(),
                published_by=_actor(by),
                requires_consent=consent,
                to_confirm=to_confirm,
            )
    except IntegrityError as exc:
        raise ValidationFailed(_("Another version was published at the same moment. Please try again.")) from exc
    notice.refresh_from_db()
    record_audit_event(
        actor=by,
        action="privacy.notice_published",
        target=notice,
        summary=f"Privacy notice version {version} published",
        changes={
            "version": version,
            "languages": sorted(texts),
            "requires_consent": consent,
            "to_confirm": to_confirm,
            "based_on": notice.based_on.version if notice.based_on_id else None,
            "origin": notice.origin,
        },
    )
    selectors.forget_current_version()
    transaction.on_commit(selectors.forget_current_version)  # again: a request may have cached it meanwhile
    return notice


def record_shown(*, user, notice: PrivacyNotice | int, occasion: str, language: str) -> NoticeReceipt:
    """That `user` was shown `notice` (a published version) on `occasion`, in `language`."""
    notice_pk = notice.pk if isinstance(notice, PrivacyNotice) else notice
    return NoticeReceipt.objects.create(user=user, notice_id=notice_pk, occasion=occasion, language=language[:10])


@dataclass(frozen=True)
class NoticeShown:
    """What a registration page showed: a published version, in a language, and whether the box was ticked
    (only for a version whose purposes rely on consent)."""

    notice: PrivacyNotice
    language: str
    agreed: bool = False


def record_at_registration(*, user, shown: NoticeShown) -> None:
    record_shown(user=user, notice=shown.notice, occasion=NoticeReceipt.Occasion.REGISTRATION, language=shown.language)
    if shown.agreed and shown.notice.requires_consent:
        agree(user=user, notice=shown.notice, language=shown.language)


def record_read(*, user, notice: PrivacyNotice, language: str) -> NoticeReceipt | None:
    """A logged-in person opened the version in force: recorded once per version (the log-in banner then stops)."""
    if not user.is_authenticated or selectors.has_seen(user, notice.pk):
        return None
    return record_shown(user=user, notice=notice, occasion=NoticeReceipt.Occasion.READ, language=language)


@transaction.atomic
def agree(*, user, notice: PrivacyNotice, language: str) -> NoticeReceipt:
    """The person agrees to a version whose purposes rely on consent (Art. 6(1)(a)); the controller can show it."""
    if not notice.is_published:
        raise ValidationFailed(_("Only a published privacy notice can be agreed to."))
    receipt = record_shown(user=user, notice=notice, occasion=NoticeReceipt.Occasion.CONSENT, language=language)
    record_audit_event(
        actor=user,
        action="privacy.notice_agreed",
        target=notice,
        changes={"version": notice.version, "language": receipt.language},
    )
    return receipt


def version_shown_at_registration(value) -> PrivacyNotice | None:
    """The published version a registration form says it showed (None: none was published when it was shown).

    Raises ValidationFailed for a number that is not a published version (a tampered or stale form)."""
    if value in (None, ""):
        if selectors.current_notice() is not None:
            raise ValidationFailed(_("Please read the privacy notice shown on the page (reload the page to see it)."))
        return None
    try:
        version = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("The privacy notice version on the page is not known. Please reload the page.")
        ) from exc
    notice = selectors.notice_by_version(version)
    if notice is None:
        raise ValidationFailed(_("The privacy notice version on the page is not known. Please reload the page."))
    return notice
