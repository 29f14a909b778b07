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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.reporting import charts, indicators
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


@dataclass(frozen=True)
class Headline:
    indicator: Indicator
    chart: charts.Chart
    own: list[tuple[str, Indicator]] = field(default_factory=list)  # (university name, its figure)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(term, value) pairs for the page, in the reader's language."""
        i = self.indicator
        facts = [(_("Value"), charts.with_unit(i.value, i.unit))]
        facts += [(name, charts.with_unit(own.value, own.unit)) for name, own in self.own]
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
            target = f"{display(i.target)}–{display(i.target_max)}"
        rows.append(
            [
                i.label,
                i.value,
                *[own.value for _n, own in h.own],
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


def _breakdown_panel(by: str, title: str, heading: str, rows: Sequence[Row], indicator: Indicator) -> Panel:
    total = sum((r.value for r in rows), 0)
    table = Table(
        table_slug(by),
        f"{title}: {indicator.label}",
        [str(heading), _value_heading(indicator), _("Share of the total (%)")],
        [[r.label, r.value, share(r.value, total)] for r in rows],
    )
    chart = charts.bar_chart(
        rows, chart_id=f"chart-{table.slug}", title=table.title, what=indicator.label, unit=indicator.unit
    )
    return Panel(table, chart)


def _series_panel(period: str, title: str, heading: str, rows: Sequence[Row], indicator: Indicator) -> Panel:
    table = Table(
        table_slug(period),
        f"{title}: {indicator.label}",
        [str(heading), _value_heading(indicator)],
        [[r.label, r.value] for r in rows],
    )
    chart = charts.column_chart(
        rows, chart_id=f"chart-{table.slug}", title=table.title, what=indicator.label, unit=indicator.unit
    )
    return Panel(table, chart)


def only_own_universities(rows: Sequence[Row], own_universities) -> list[Row]:
    """The per-university rows a manager may read: their own universities, and the others added up in one row
    (a manager reads the alliance's figures and their own university's, not another university's)."""
    keys = {str(key) for i in own_universities for key in (i.pk, i.slug)}
    own = [r for r in rows if str(r.key) in keys]
    others = [r for r in rows if str(r.key) not in keys]
    if others:
        own.append(Row("others", _("The other universities together"), sum((r.value for r in others), 0)))
    return own


def build_dashboard(
    filters: Filters, *, indicator_code: str | None = None, own_universities=(), every_university: bool = True
) -> Dashboard:
    """Every figure of the dashboard for ``filters``; ``own_universities`` (institutions) get their own column
    beside the alliance's headline figures (an institutional manager's university). Without
    ``every_university``, the balance between the universities shows only ``own_universities`` and the others
    together."""
    alliance = indicators.headline_indicators(filters)
    own = [
        (institution.name, indicators.headline_indicators(_for_university(filters, institution.pk)))
        for institution in own_universities
    ]
    headlines = []
    for n, indicator in enumerate(alliance):
        theirs = [(name, figures[n]) for name, figures in own if n < len(figures)]
        chart = charts.target_bar(indicator, chart_id=f"chart-headline-{indicator.code}")
        headlines.append(Headline(indicator, chart, theirs))
    chosen = next((i for i in alliance if i.code == indicator_code), alliance[0] if alliance else None)
    trends, breakdowns = [], []
    if chosen is not None:
        for period, title, heading in SERIES:
            rows = indicators.time_series(chosen.code, period, filters)
            trends.append(_series_panel(period, str(title), heading, rows, chosen))
        for by, title, heading in BREAKDOWNS:
            rows = indicators.breakdown(chosen.code, by, filters)
            if by == "university" and not every_university:
                rows = only_own_universities(rows, own_universities)
            breakdowns.append(_breakdown_panel(by, str(title), heading, rows, chosen))
    return Dashboard(filters, chosen, headlines, _headline_table(headlines), trends, breakdowns)


def _for_university(filters: Filters, university_id: int) -> Filters:
    from dataclasses import replace

    return replace(filters, university_id=university_id)
