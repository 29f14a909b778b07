"""Hand-made figures standing in for the indicators, so the dashboard, its files and the report can be
checked against known rows."""

import datetime as dt
from decimal import Decimal

from microcred.reporting.indicators import Filters, Indicator, Row, Status

HOSTILE = '=HYPERLINK("http://x") & <b>Ő</b>'


def headline(filters: Filters) -> list[Indicator]:
    narrowed = filters.university_id is not None
    return [
        Indicator(
            "ects_prepared",
            "ECTS prepared",
            "The ECTS of every approved micro-credential.",
            12 if narrowed else 36,
            "ECTS",
            target=100,
            target_date=dt.date(2027, 6, 30),
            status=Status.BEHIND,
            expected_now=Decimal("50"),
        ),
        Indicator("lifelong_learners", "Lifelong learners", "Learners who are not students.", Decimal("42.5"), "%"),
        Indicator(
            "learners_certified",
            "Learners certified",
            "Learners with a credential.",
            3,
            "learners",
            counts_people=True,
        ),
    ]


def breakdown(code, by, filters):
    return [
        Row("ub", "University of Barcelona", 24),
        Row("elte", "Eötvös Loránd University (Szeged-ű)", 12),
        Row("x", HOSTILE, 0),
    ]


def time_series(code, period, filters):
    if period == "month":
        return [Row("2026-01", "2026-01", 6), Row("2026-02", "2026-02", 30)]
    return [Row("2025-26", "2025/26", 36)]


def use(monkeypatch):
    from microcred.reporting import indicators

    monkeypatch.setattr(indicators, "headline_indicators", headline, raising=False)
    monkeypatch.setattr(indicators, "breakdown", breakdown, raising=False)
    monkeypatch.setattr(indicators, "time_series", time_series, raising=False)
    monkeypatch.setattr(indicators, "dimensions", lambda code: indicators.BREAKDOWN_DIMENSIONS, raising=False)
