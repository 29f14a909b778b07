"""Reading privacy notices and what people were shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language

from microcred.privacy.content import DEFAULT_LANGUAGE
from microcred.privacy.models import NoticeReceipt, PrivacyNotice, PrivacyNoticeText

CURRENT_CACHE_KEY = "privacy:current-notice"
CURRENT_CACHE_SECONDS = 300


def published():
    return PrivacyNotice.objects.filter(status=PrivacyNotice.Status.PUBLISHED).order_by("-version")


def current_notice() -> PrivacyNotice | None:
    """The version in force: the latest published one (None before the first is published)."""
    return published().first()


@dataclass(frozen=True)
class CurrentVersion:
    pk: int
    version: int
    requires_consent: bool


def current_version() -> CurrentVersion | None:
    """The version in force, from the cache (every request of a logged-in person asks; publishing clears it)."""
    found = cache.get(CURRENT_CACHE_KEY)
    if found is None:
        notice = current_notice()
        found = (notice.pk, notice.version, notice.requires_consent) if notice else ()
        cache.set(CURRENT_CACHE_KEY, found, CURRENT_CACHE_SECONDS)
    return CurrentVersion(*found) if found else None


def forget_current_version() -> None:
    cache.delete(CURRENT_CACHE_KEY)


def notice_by_version(version: int) -> PrivacyNotice | None:
    return published().filter(version=version).first()


@dataclass(frozen=True)
class ShownText:
    notice: PrivacyNotice
    text: PrivacyNoticeText
    language: str  # the language of the text shown
    requested: str  # the language asked for
    is_fallback: bool  # the English text stands in for a language the notice has no text in


def text_for(notice: PrivacyNotice, language: str | None = None) -> ShownText | None:
    """The notice in `language` (the active one by default), or in English when it has no text in it."""
    requested = (language or get_language() or DEFAULT_LANGUAGE).split("-")[0]
    texts = {t.language: t for t in notice.texts.all()}
    if requested in texts:
        return ShownText(notice, texts[requested], requested, requested, False)
    if DEFAULT_LANGUAGE in texts:
        return ShownText(notice, texts[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE, requested, True)
    return None


def last_receipt(user) -> NoticeReceipt | None:
    """The latest notice the person was shown (or agreed to)."""
    if user is None or not user.is_authenticated:
        return None
    return NoticeReceipt.objects.filter(user=user).select_related("notice").order_by("-notice__version", "-at").first()


def has_seen(user, notice_pk: int) -> bool:
    return NoticeReceipt.objects.filter(user=user, notice_id=notice_pk).exists()


def has_agreed(user, notice_pk: int) -> bool:
    return NoticeReceipt.objects.filter(
        user=user, notice_id=notice_pk, occasion=NoticeReceipt.Occasion.CONSENT
    ).exists()


def receipts_of(user):
    return NoticeReceipt.objects.filter(user=user).select_related("notice").order_by("-at", "-id")
