"""Calendar periods for the reporting figures (each app's `aggregates` module): one way to cut dates and times
into months, quarters or years, and to name each period ("2026-07", "2026-Q3", "2026"), in the platform's time
zone (TIME_ZONE)."""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def truncate(field: str, period: str):
    """The database expression that cuts `field` (a date or a date and time) to the start of its period."""
    try:
        return PERIODS[period](field)
    except KeyError:
        raise ValueError(f"Unknown period {period!r}: one of {', '.join(PERIODS)}") from None


def period_name(start: dt.date | dt.datetime, period: str) -> str:
    """The name of the period that begins at `start`: "2026-07", "2026-Q3" or "2026"."""
    if period == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return f"{start.year:04d}"
    raise ValueError(f"Unknown period {period!r}: one of {', '.join(PERIODS)}")


def counts_by_period(queryset, field: str, period: str) -> dict[str, int]:
    """{period name: number of rows of `queryset` whose `field` falls in it}; rows with no `field` are left out."""
    from django.db.models import Count

    rows = (
        queryset.filter(**{f"{field}__isnull": False})
        .annotate(_period=truncate(field, period))
        .values("_period")
        .annotate(_count=Count("pk"))
        .order_by("_period")
    )
    return {period_name(row["_period"], period): row["_count"] for row in rows}


def count_values_by_period(values, period: str) -> dict[str, int]:
    """As `counts_by_period`, for dates or times already read (times are taken in the platform's time zone)."""
    from django.utils import timezone

    if period not in PERIODS:
        raise ValueError(f"Unknown period {period!r}: one of {', '.join(PERIODS)}")
    counts: dict[str, int] = {}
    for value in values:
        if value is None:
            continue
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        name = period_name(value, period)
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))
