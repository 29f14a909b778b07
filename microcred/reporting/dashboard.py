"""What the staff dashboard shows, as data: the headline figures against their targets, the trends (by month and
by academic year) and the breakdowns (per university, content area, learner group, kind, EQF level, issuer) of
one indicator, each as a table with its chart and its one-sentence summary (strategic plan: targets and
monitoring; policy 7.1: balanced engagement of the member universities).

The page, the CSV and XLSX downloads and the board report PDF all read these tables, so a download holds
exactly the rows the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.reporting import charts, indicators, kept, public
from microcred.reporting.indicators import Filters, Indicator, Row

# (by, title of the table, heading of its first column); the order of the page
BREAKDOWNS = [
    ("university", gettext_lazy("Balance between the universities"), gettext_lazy("University")),
    ("content_area", gettext_lazy("By content area"), gettext_lazy("Content area")),
    ("learner_group", gettext_lazy("By learner group"), gettext_lazy("Learner group")),
    ("kind", gettext_lazy("By kind"), gettext_lazy("Kind")),
    ("eqf_level", gettext_lazy("By EQF level"), gettext_lazy("EQF level")),
    ("issuer", gettext_lazy("By issuer"), gettext_lazy("Issuer")),
]
SERIES = [
    ("month", gettext_lazy("By month"), gettext_lazy("Month")),
    ("academic_year", gettext_lazy("By academic year"), gettext_lazy("Academic year")),
]
HEADLINE = "headline"


def table_slug(name: str) -> str:
    return name if name == HEADLINE else "by-" + name.replace("_", "-")


TABLE_SLUGS = [HEADLINE] + [table_slug(by) for by, _t, _h in SERIES + BREAKDOWNS]


@dataclass(frozen=True)
class Table:
    """A table of figures: its caption, column headings and rows of raw values (numbers stay numbers, dates
    dates), which the page formats for the reader and the downloads write as they are."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list]

    def display_rows(self) -> list[list[str]]:
        return [[display(value) for value in row] for row in self.rows]


@dataclass(frozen=True)
class Panel:
    table: Table
    chart: charts.Chart
    rows: list[Row] = field(default_factory=list)  # what the chart draws


@dataclass(frozen=True)
class Headline:
    indicator: Indicator
    chart: charts.Chart
    own: list[tuple[str, Indicator]] = field(default_factory=list)  # (university name, its figure)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(term, value) pairs for the page, in the reader's language."""
        i = self.indicator
        facts = [(_("Value"), value_text(i))]
        facts += [(name, value_text(own)) for name, own in self.own]
        if i.target is not None:
            target = charts.format_number(i.target)
            if i.target_max is not None and i.target_max != i.target:
                target = f"{target}–{charts.format_number(i.target_max)}"
            facts.append((_("Target"), charts.with_unit_text(target, i.unit)))
            facts.append((_("Target date"), charts.format_date(i.target_date)))
        if i.expected_now is not None:
            facts.append((_("Expected by now"), charts.with_unit(i.expected_now, i.unit)))
        facts.append((_("Status"), charts.status_words(i.status)))
        return facts


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    indicator: Indicator | None  # the one the trends and breakdowns show
    headlines: list[Headline]
    headline_table: Table
    trends: list[Panel]
    breakdowns: list[Panel]
    detailed: list[Indicator] = field(default_factory=list)  # those with trends or breakdowns, to choose from
    as_of: dt.datetime | None = None  # when the oldest figure shown was computed (kept.py)

    @property
    def tables(self) -> list[Table]:
        return [self.headline_table] + [p.table for p in self.trends + self.breakdowns]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def display(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | Decimal | float):
        return charts.format_number(value)
    if isinstance(value, dt.date):
        return charts.format_date(value)
    return "" if value is None else str(value)


def share(value, total) -> Decimal | None:
    """``value`` as a percentage of ``total``, to one decimal place."""
    if not total:
        return None
    return (Decimal(value) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Small numbers: reports show totals only and leave out a count of people small enough to single someone out
# (GDPR Art. 4(1) and recital 26; the privacy notice says so). The dashboard, its files and the board report
# say "fewer than 5" as the public figures do.


def is_small(value, counts_people: bool) -> bool:
    return counts_people and value is not None and value < public.SMALL_NUMBER


def value_text(indicator: Indicator) -> str:
    if is_small(indicator.value, indicator.counts_people):
        return charts.with_unit_text(public.fewer_than_small_number(), indicator.unit)
    return charts.with_unit(indicator.value, indicator.unit)


def _value_cell(value, counts_people: bool):
    return public.fewer_than_small_number() if is_small(value, counts_people) else value


def _hide_small(rows: Sequence[Row], counts_people: bool) -> list[Row]:
    """The rows with each count of people too small to show as 0 and "fewer than 5" to show instead (running
    totals too)."""
    out = []
    for r in rows:
        extra = dict(r.extra)
        if "cumulative" in extra:
            extra["cumulative"] = _value_cell(extra["cumulative"], counts_people)
        if is_small(r.value, counts_people):
            out.append(Row(r.key, r.label, 0, {**extra, "shown": public.fewer_than_small_number()}))
        else:
            out.append(Row(r.key, r.label, r.value, extra))
    return out


def _headline_table(headlines: list[Headline]) -> Table:
    own_names = [name for name, _i in headlines[0].own] if headlines else []
    columns = [_("Indicator"), _("Value")]
    columns += [_("Value for %(university)s") % {"university": name} for name in own_names]
    columns += [_("Unit"), _("Target"), _("Target date"), _("Expected by now"), _("Status")]
    rows = []
    for h in headlines:
        i = h.indicator
        target = i.target
        if i.target is not None and i.target_max is not None and i.target_max != i.target:
            target = f"{i.target}–{i.target_max}"
        rows.append(
            [
                i.label,
                _value_cell(i.value, i.counts_people),
                *[_value_cell(own.value, own.counts_people) for _n, own in h.own],
                i.unit,
                target,
                i.target_date,
                i.expected_now,
                charts.status_words(i.status),
            ]
        )
    return Table(HEADLINE, _("Headline figures against the targets"), columns, rows)


def _value_heading(indicator: Indicator) -> str:
    return f"{indicator.label} ({indicator.unit})" if indicator.unit else str(indicator.label)


def _cell(row: Row):
    return charts.shown(row) or row.value


def _breakdown_panel(by, title, heading, rows: Sequence[Row], indicator: Indicator, *, additive: bool) -> Panel:
    columns = [str(heading), _value_heading(indicator)]
    if additive:  # parts of a sum or a count: each one's share of the whole
        total = sum((r.value for r in rows if charts.shown(r) is None), 0)
        columns.append(_("Share of the total (%)"))
        body = [[r.label, _cell(r), None if charts.shown(r) else share(r.value, total)] for r in rows]
    else:
        body = [[r.label, _cell(r)] for r in rows]
    table = Table(table_slug(by), f"{title}: {indicator.label}", columns, body)
    chart = charts.bar_chart(
        rows, chart_id=f"chart-{table.slug}", title=table.title, what=indicator.label, unit=indicator.unit
    )
    return Panel(table, chart, list(rows))


def _series_panel(period: str, title: str, heading: str, rows: Sequence[Row], indicator: Indicator) -> Panel:
    columns = [str(heading), _value_heading(indicator)]
    running = any("cumulative" in r.extra for r in rows)
    if running:
        columns.append(_("Running total"))
    body = [[r.label, _cell(r)] + ([r.extra.get("cumulative")] if running else []) for r in rows]
    table = Table(table_slug(period), f"{title}: {indicator.label}", columns, body)
    chart = charts.column_chart(
        rows, chart_id=f"chart-{table.slug}", title=table.title, what=indicator.label, unit=indicator.unit
    )
    return Panel(table, chart, list(rows))


def only_own_universities(rows: Sequence[Row], own_universities, *, additive: bool = True) -> list[Row]:
    """The per-university rows a manager may read: their own universities, and, for figures that add up, the
    others together in one row (a manager reads the alliance's figures and their own university's, not another
    university's)."""
    keys = {str(key) for i in own_universities for key in (i.pk, i.slug)}
    own = [r for r in rows if str(r.key) in keys]
    others = [r for r in rows if str(r.key) not in keys]
    if others and additive:
        own.append(Row("others", _("The other universities together"), sum((r.value for r in others), 0)))
    return own


def shown_in_detail(indicator: Indicator) -> bool:
    """Has the indicator trends or breakdowns to show?"""
    return bool(_dimensions(indicator.code)) or indicators.has_trend(indicator.code)


def _dimensions(code: str) -> tuple[str, ...]:
    dimensions = getattr(indicators, "dimensions", None)
    return dimensions(code) if dimensions else tuple(by for by, _t, _h in BREAKDOWNS)


def build_dashboard(
    filters: Filters, *, indicator_code: str | None = None, own_universities=(), every_university: bool = True
) -> Dashboard:
    """Every figure of the dashboard for ``filters``; ``own_universities`` (institutions) get their own column
    beside the alliance's headline figures (an institutional manager's university). Without
    ``every_university``, the balance between the universities shows only ``own_universities`` and the others
    together. Trends and breakdowns are those of the chosen indicator (``indicator_code``, or the first that has
    any), each only where it applies."""
    with kept.reading() as freshness:
        dashboard = _build_dashboard(filters, indicator_code, own_universities, every_university)
    return replace(dashboard, as_of=freshness.as_of)


def _build_dashboard(filters: Filters, indicator_code, own_universities, every_university: bool) -> Dashboard:
    alliance = indicators.headline_indicators(filters)
    own = [
        (institution.name, indicators.headline_indicators(_for_university(filters, institution.pk)))
        for institution in own_universities
    ]
    headlines = []
    for n, indicator in enumerate(alliance):
        theirs = [(name, figures[n]) for name, figures in own if n < len(figures)]
        small = is_small(indicator.value, indicator.counts_people)
        chart = charts.target_bar(
            indicator,
            chart_id=f"chart-headline-{indicator.code}",
            shown_value=public.fewer_than_small_number() if small else None,
        )
        headlines.append(Headline(indicator, chart, theirs))
    detailed = [i for i in alliance if shown_in_detail(i)]
    chosen = next((i for i in detailed if i.code == indicator_code), detailed[0] if detailed else None)
    trends, breakdowns = [], []
    if chosen is not None:
        people, additive = chosen.counts_people, indicators.adds_up(chosen.code)
        if indicators.has_trend(chosen.code):
            for period, title, heading in SERIES:
                rows = _hide_small(indicators.time_series(chosen.code, period, filters), people)
                trends.append(_series_panel(period, str(title), heading, rows, chosen))
        dimensions = _dimensions(chosen.code)
        for by, title, heading in BREAKDOWNS:
            if by not in dimensions:
                continue
            if by == "issuer" and not every_university:  # the issuers are mostly universities: not a manager's
                continue
            rows = indicators.breakdown(chosen.code, by, filters)
            if by == "university" and not every_university:
                rows = only_own_universities(rows, own_universities, additive=additive)
            breakdowns.append(
                _breakdown_panel(by, str(title), heading, _hide_small(rows, people), chosen, additive=additive)
            )
    return Dashboard(filters, chosen, headlines, _headline_table(headlines), trends, breakdowns, detailed)


def _for_university(filters: Filters, university_id: int) -> Filters:
    from dataclasses import replace

    return replace(filters, university_id=university_id)
