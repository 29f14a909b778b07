"""The alliance's headline figures as the public sees them: the impact page and GET /api/v1/kpis.

No personal data: only aggregate counts, and a count of people below ``SMALL_NUMBER`` is never published, not
even in the page's structured data or the API; "fewer than 5" is said instead (GDPR Art. 4(1) and recital 26:
a very small count can single a person out, so it is suppressed as statistical offices do).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from microcred.reporting.indicators import Indicator, Status, public_indicators

SMALL_NUMBER = 5  # counts of people below this are suppressed


def is_suppressed(indicator: Indicator) -> bool:
    """Is the value a count of people too small to publish?"""
    return indicator.counts_people and indicator.value < SMALL_NUMBER


def fewer_than_small_number() -> str:
    return _("fewer than %(number)s") % {"number": SMALL_NUMBER}


def plain_number(value) -> int | float:
    """A value as JSON writes a number: whole numbers as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def status_sentence(indicator: Indicator) -> str:
    if indicator.status == Status.REACHED:
        return _("The target is reached.")
    if indicator.status == Status.ON_TRACK:
        return _("This is on track to reach the target.")
    if indicator.status == Status.BEHIND:
        return _("This is behind the path to the target.")
    return ""


def status_label(status: str | None) -> str:
    return {
        Status.REACHED: _("Reached"),
        Status.ON_TRACK: _("On track"),
        Status.BEHIND: _("Behind"),
    }.get(status, _("No target"))


def _sentence(indicator: Indicator, shown: str) -> str:
    """One plain sentence for the figure (its value as shown: a number or "fewer than 5")."""
    target_date = formats.date_format(indicator.target_date, "YEAR_MONTH_FORMAT") if indicator.target_date else ""
    target = formats.number_format(indicator.target, force_grouping=True) if indicator.target is not None else ""
    code = indicator.code
    if code == "ects_prepared":
        if indicator.target is not None:
            return _(
                "The member universities have prepared micro-credentials worth %(value)s ECTS credits; the target "
                "is %(target)s ECTS by %(date)s."
            ) % {"value": shown, "target": target, "date": target_date}
        return _("The member universities have prepared micro-credentials worth %(value)s ECTS credits.") % {
            "value": shown
        }
    if code == "micro_credentials_approved":
        return _("%(value)s micro-credentials are approved and listed in the catalogue.") % {"value": shown}
    if code == "universities_involved":
        return _("%(value)s member universities award or co-lead at least one of them.") % {"value": shown}
    if code == "learners_certified":
        return _("So far, %(value)s learners hold at least one valid credential.") % {"value": shown}
    if code == "lifelong_learners":
        if indicator.target is not None:
            return _(
                "%(value)s lifelong learners and professionals have registered; the target is %(target)s by %(date)s."
            ) % {"value": shown, "target": target, "date": target_date}
        return _("%(value)s lifelong learners and professionals have registered.") % {"value": shown}
    return f"{indicator.label}: {shown}"


@dataclass(frozen=True)
class PublicFigure:
    indicator: Indicator
    suppressed: bool
    shown: str  # the value for people: a formatted number, or "fewer than 5"
    sentence: str
    status_sentence: str
    status_label: str

    @property
    def value(self):
        """The value as published: None when suppressed."""
        return None if self.suppressed else plain_number(self.indicator.value)


def public_figures(*, today: dt.date | None = None) -> list[PublicFigure]:
    figures = []
    for indicator in public_indicators(today=today):
        suppressed = is_suppressed(indicator)
        shown = (
            fewer_than_small_number()
            if suppressed
            else formats.number_format(plain_number(indicator.value), force_grouping=True)
        )
        figures.append(
            PublicFigure(
                indicator,
                suppressed,
                shown,
                capfirst(_sentence(indicator, shown)),
                status_sentence(indicator),
                status_label(indicator.status),
            )
        )
    return figures


def structured_data(figures: list[PublicFigure], *, name: str, description: str, today: dt.date) -> dict:
    """schema.org ``Dataset`` of the headline figures: each a ``PropertyValue``; a suppressed one says "fewer than
    5" and carries no number."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    url = base + reverse("reporting:impact")
    measured = []
    for figure in figures:
        item = {
            "@type": "PropertyValue",
            "propertyID": figure.indicator.code,
            "name": figure.indicator.label,
            "description": figure.indicator.definition,
            "unitText": figure.indicator.unit,
        }
        if figure.suppressed:
            item["value"] = figure.shown
        else:
            item["value"] = plain_number(figure.indicator.value)
        if figure.indicator.target is not None:
            item["valueReference"] = {
                "@type": "QuantitativeValue",
                "name": _("Target"),
                "minValue": figure.indicator.target,
                "maxValue": figure.indicator.target_max or figure.indicator.target,
                "unitText": figure.indicator.unit,
                "validThrough": figure.indicator.target_date.isoformat() if figure.indicator.target_date else None,
            }
        measured.append(item)
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": name,
        "description": description,
        "creator": {"@type": "Organization", "name": settings.SITE_NAME},
        "dateModified": today.isoformat(),
        "isAccessibleForFree": True,
        "variableMeasured": measured,
        "distribution": {
            "@type": "DataDownload",
            "encodingFormat": "application/json",
            "contentUrl": base + reverse("api-v1:kpis"),
        },
    }
