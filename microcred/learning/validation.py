"""Rules for offerings and results, as pure functions returning every problem (field → messages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from microcred.learning.grading import parse_scale

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


MAX_CAPACITY = 100_000
MAX_FEE = Decimal("999999.99")  # the column holds 8 digits, 2 after the point


def offering_problems(values: dict, micro_credential=None) -> dict[str, list[str]]:
    """Every rule an offering breaks. `values` holds model-ready values (dates, datetimes, Decimal, int).

    With `micro_credential`, also that it can be offered (a new offering); without, the rules of an existing
    offering's own values (an edit: a retired micro-credential's running offerings still need correct dates).
    """
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    if micro_credential is not None and micro_credential.status != "published":
        add("micro_credential", _("This micro-credential is retired: it cannot be offered any more."))
    starts, ends = values.get("starts_on"), values.get("ends_on")
    opens, closes = values.get("enrolment_opens"), values.get("enrolment_closes")
    if starts is None:
        add("starts_on", _("Give the first day of the offering."))
    if ends is None:
        add("ends_on", _("Give the last day of the offering."))
    if starts and ends and ends < starts:
        add("ends_on", _("The offering cannot end before it starts."))
    if opens is None:
        add("enrolment_opens", _("Say when enrolment opens."))
    if closes is None:
        add("enrolment_closes", _("Say when enrolment closes."))
    if opens and closes and closes <= opens:
        add("enrolment_closes", _("Enrolment must close after it opens."))
    if closes and starts:
        start_of_first_day = timezone.make_aware(dt.datetime.combine(starts, dt.time.min))
        if closes > start_of_first_day:
            add(
                "enrolment_closes",
                _("Enrolment must close before the offering starts (on %(date)s).") % {"date": starts.isoformat()},
            )
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        add("capacity", _("An offering needs at least one place."))
    elif capacity > MAX_CAPACITY:
        add(
            "capacity",
            _("An offering has at most %(n)s places.") % {"n": number_format(MAX_CAPACITY, force_grouping=True)},
        )
    fee = values.get("fee")
    if fee is not None and Decimal(fee) < 0:
        add("fee", _("The fee cannot be negative."))
    elif fee is not None and Decimal(fee) > MAX_FEE:
        add("fee", _("The fee is at most %(n)s EUR.") % {"n": number_format(MAX_FEE, 2, force_grouping=True)})
    if values.get("mode") in ("on_site", "blended") and not (values.get("location") or "").strip():
        add("location", _("Give the place of an on-site or blended offering."))
    if parse_scale(values.get("grade_scale") or "") is None:
        add(
            "grade_scale",
            _("Write the grade scale as a range such as 0-10, or as a list of grades such as A,B,C,D,E,F."),
        )
    return problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value)) if len(_text(value)) == 10 else None
    except ValueError:
        return None


def result_problems(offering, raw: dict) -> tuple[dict, dict[str, str]]:
    """Clean one result (columns result, grade, evidence_url, assessed_on, participated).

    Returns (values, problems): model-ready values and one message per column that is wrong.
    """
    problems: dict[str, str] = {}
    values: dict = {}

    participated = raw.get("participated")
    if isinstance(participated, bool):
        values["participated"] = participated
    else:
        text = _text(participated).lower()
        if text in YES:
            values["participated"] = True
        elif text in NO:
            values["participated"] = False
        else:
            problems["participated"] = _("Write yes or no (found “%(value)s”).") % {"value": _text(participated)}

    outcome = _text(raw.get("result")).lower()
    if outcome in ("pass", "fail"):
        values["outcome"] = outcome
    elif not outcome and offering.is_participation_badge:
        values["outcome"] = ""
    elif not outcome:
        problems["result"] = _("Write pass or fail.")
    else:
        problems["result"] = _("Write pass or fail (found “%(value)s”).") % {"value": _text(raw.get("result"))}
    if values.get("outcome") == "pass" and values.get("participated") is False:
        problems["result"] = _("A learner who did not participate cannot pass.")

    scale = parse_scale(offering.grade_scale)
    grade = _text(raw.get("grade"))
    normalised = scale.normalise(grade) if scale else grade
    if normalised is None:
        problems["grade"] = _("“%(grade)s” is outside this offering's grade scale (%(scale)s).") % {
            "grade": grade,
            "scale": scale.describe(),
        }
    else:
        values["grade"] = normalised

    url = _text(raw.get("evidence_url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            problems["evidence_url"] = _("The evidence link must be a web address starting with http:// or https://.")
        else:
            if len(url) > 500:
                problems["evidence_url"] = _("The evidence link is longer than 500 characters.")
    values["evidence_url"] = url

    assessed = raw.get("assessed_on")
    date = parse_date(assessed)
    if date is None:
        if _text(assessed):
            problems["assessed_on"] = _("Write the date as YYYY-MM-DD (found “%(value)s”).") % {
                "value": _text(assessed)
            }
        else:
            problems["assessed_on"] = _("Give the assessment date (YYYY-MM-DD).")
    elif date > timezone.localdate():
        problems["assessed_on"] = _("The assessment date %(date)s is in the future.") % {"date": date.isoformat()}
    elif date < offering.starts_on:
        problems["assessed_on"] = _("The assessment date %(date)s is before the offering starts (%(start)s).") % {
            "date": date.isoformat(),
            "start": offering.starts_on.isoformat(),
        }
    else:
        values["assessed_on"] = date
    return values, problems
