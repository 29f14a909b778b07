"""One way of writing dates and times on the public pages, in every language (issue #16, defect 9).

"30 November 2026" in English, "30 novembre 2026" in French, "30 de noviembre de 2026"-style month names come
from Django's translations; the numbers stay in the same order everywhere, so a page never shows
"Nov. 30, 2026" next to "2026-12-02T17:57:16Z". Times are shown in the platform's time zone (TIME_ZONE) and
name it. Machine-readable values (JSON-LD, the signed credential, downloads) keep ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

PUBLIC_DATE = "j F Y"
# Languages whose grammar wants more than day, month name, year: "3. Dezember 2026"; Finnish month names take the
# partitive after a day number (E: "3. joulukuuta 2026"); Catalan is written by _catalan ("3 de desembre de 2026",
# "1 d’abril de 2026").
PUBLIC_DATE_IN = {"de": "j. F Y", "nb": "j. F Y", "fi": "j. E Y"}


def _catalan(value) -> str:
    month = date_format(value, "F")
    return f"{value.day} {'d’' if month[:1].lower() in 'aeiou' else 'de '}{month} de {value.year}"


def _written(value, *, with_time: bool = False) -> str:
    language = (get_language() or "en").split("-")[0]
    if not with_time and type(value) is dt.date:
        return _written_day(language, value)
    text = _catalan(value) if language == "ca" else date_format(value, PUBLIC_DATE_IN.get(language, PUBLIC_DATE))
    return text + date_format(value, ", H:i T") if with_time else text


@lru_cache(maxsize=4096)
def _written_day(language: str, value: dt.date) -> str:
    """A day in ``language`` (the active one: the month names come from its translations), remembered: a results
    page writes forty dates, and date_format costs tens of microseconds each."""
    return _catalan(value) if language == "ca" else date_format(value, PUBLIC_DATE_IN.get(language, PUBLIC_DATE))


def public_date(value: dt.date | dt.datetime | None) -> str:
    """A date (or the day of a moment, in the platform's time zone) as the public pages write it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return _written(value)


def public_datetime(value: dt.datetime | None) -> str:
    """A moment, in the platform's time zone, named: "2 December 2026, 18:57 CET"."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return _written(timezone.localtime(value), with_time=True)
