"""The alliance's indicators, computed from the data (never typed in), each with its definition, its target
where the plans set one (reference.StrategicTarget rows, which the alliance edits) and a status against a
linear trajectory to the target date.

This module is the contract between the figures and what shows them (dashboard, exports, impact page, API):
the value types below, and these functions (implemented here):

* ``headline_indicators(filters) -> list[Indicator]``
* ``breakdown(code, by, filters) -> list[Row]``   (by: "university", "content_area", "kind", "eqf_level",
  "learner_group", "issuer")
* ``time_series(code, period, filters) -> list[Row]``   (period: "month" or "academic_year")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class Status:
    ON_TRACK = "on_track"
    BEHIND = "behind"
    REACHED = "reached"


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the figures to. Every field optional; dates inclusive."""

    start: dt.date | None = None
    end: dt.date | None = None
    university_id: int | None = None
    kind: str | None = None  # catalogue.kinds credential kind code
    content_area_id: int | None = None


@dataclass(frozen=True)
class Indicator:
    code: str  # stable: "ects_prepared", "micro_credentials_approved", "learners_certified", "lifelong_learners", …
    label: str  # in the active language
    definition: str  # how it is computed, in plain words, in the active language
    value: int | Decimal
    unit: str  # "ECTS", "micro-credentials", "learners", "%", "days", …
    target: int | None = None
    target_max: int | None = None
    target_date: dt.date | None = None
    status: str | None = None  # Status.*, or None when no target applies
    expected_now: Decimal | None = None  # where the linear trajectory says the value should be today


@dataclass(frozen=True)
class Row:
    """One line of a breakdown or a time series: a label for people, a stable key, a value."""

    key: str
    label: str
    value: int | Decimal
    extra: dict = field(default_factory=dict)
