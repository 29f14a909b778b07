"""One way of writing dates and times on the public pages, in every language (issue #16, defect 9).

"30 November 2026" in English, "30 novembre 2026" in French, "30 de noviembre de 2026"-style month names come
from Django's translations; the numbers stay in the same order everywhere, so a page never shows
"Nov. 30, 2026" next to "2026-12-02T17:57:16Z". Times are shown in the platform's time zone (TIME_ZONE) and
name it. Machine-readable values (JSON-LD, the signed credential, downloads) keep ISO 8601.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format

PUBLIC_DATE = "j F Y"
PUBLIC_DATETIME = "j F Y, H:i T"


def public_date(value: dt.date | dt.datetime | None) -> str:
    """A date (or the day of a moment, in the platform's time zone) as the public pages write it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, PUBLIC_DATE)


def public_datetime(value: dt.datetime | None) -> str:
    """A moment, in the platform's time zone, named: "2 December 2026, 18:57 CET"."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return date_format(timezone.localtime(value), PUBLIC_DATETIME)
