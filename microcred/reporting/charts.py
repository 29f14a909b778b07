"""Charts of the indicators drawn on the server as SVG markup: no script, no chart library, nothing from a CDN.

Three drawings: horizontal bars for a breakdown (per university, content area, learner group, …), columns for
a time series (by month, by academic year), and a bar against the target for a headline figure (value, target,
where the linear trajectory says the value should be today).

Each chart is an image with a name and a description (WCAG 2.1 SC 1.1.1: ``role="img"``, ``<title>`` and
``<desc>`` named by ``aria-labelledby``); its description is the one-sentence summary shown beside it, and the
page shows its data as a table too. Colour is never the only cue (SC 1.4.1): every bar carries its label and
its value in words and figures, the target is an outlined track and the expected-now mark a dashed line with a
text label. Bars and marks have at least 3:1 contrast with the white background (SC 1.4.11), text at least
4.5:1 (SC 1.4.3). Numbers and dates are written in the reader's language (Django's localisation).

The markup has no ``style`` attribute (the Content-Security-Policy forbids inline styles): colours are SVG
presentation attributes, and classes let the stylesheet adjust them (e.g. for print). Every label is escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from microcred.core.text import drawable
from microcred.reporting.indicators import Indicator, Row, Status

# Colours (contrast with white): bars 11.6:1, text 16:1, muted text 7.9:1, expected-now mark 5.2:1.
BAR = "#003d7a"
INK = "#1b1f24"
MUTED = "#4a5360"
TRACK = "#e8edf3"
MARK = "#c2410c"

WIDTH = 640
TARGET_WIDTH = 360  # a headline's bar sits in a card
FONT = 13


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # one sentence: the chart's description, shown beside it
    svg: SafeString
    drawn: bool = True  # False when there was nothing to draw and the markup only repeats the summary


def format_number(value) -> str:
    """``value`` in the active language's number format (grouping and decimal separator): whole numbers
    without decimals, others with one."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float) and value != int(value):
        return formats.number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return formats.number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


def format_date(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT", use_l10n=True) if value else "—"


def with_unit(value, unit: str) -> str:
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def status_words(status: str | None) -> str:
    return {
        Status.ON_TRACK: _("On track"),
        Status.BEHIND: _("Behind the trajectory"),
        Status.REACHED: _("Target reached"),
    }.get(status or "", _("No target"))


def scaled(values: Sequence, length: float) -> list[float]:
    """Each value's length on a scale where the largest value is ``length`` (negative values count as 0)."""
    numbers = [max(float(v or 0), 0.0) for v in values]
    top = max(numbers, default=0.0)
    return [0.0 if top == 0 else n / top * length for n in numbers]


def shown(row: Row) -> str | None:
    """The text a row shows instead of its number (e.g. "fewer than 5" for a count of people too small to show),
    or None."""
    return row.extra.get("shown") if row.extra else None


def _text(value) -> str:
    return escape(drawable(value))


def _safe_id(chart_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id).strip("-") or "chart"
    return cleaned if cleaned[0].isalpha() else f"chart-{cleaned}"


def _svg(chart_id: str, title: str, summary: str, height: float, body: list[str], width: float = WIDTH) -> SafeString:
    cid = _safe_id(chart_id)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT}">'
        f'<title id="{cid}-title">{_text(title)}</title><desc id="{cid}-desc">{_text(summary)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _empty(chart_id: str, title: str) -> Chart:
    summary = _("There are no figures for this selection.")
    body = [f'<text class="chart-label" x="0" y="24" fill="{MUTED}">{_text(summary)}</text>']
    return Chart(_safe_id(chart_id), title, summary, _svg(chart_id, title, summary, 40, body))


# Summaries --------------------------------------------------------------------------------------------------


def breakdown_summary(rows: Sequence[Row], what: str, unit: str) -> str:
    """ "University of Barcelona has the highest figure for “ECTS prepared” (24 ECTS), of 3 in all", or who share it."""
    figures = [r for r in rows if shown(r) is None]
    if rows and not figures:
        return _("Every figure here is too small to be shown.")
    if not figures or all(not r.value for r in figures):
        return _("There are no figures for this selection.")
    top = max(r.value for r in figures)
    leaders = [r.label for r in figures if r.value == top]
    if len(leaders) == 1:
        return _("%(label)s has the highest figure for “%(what)s” (%(value)s), of %(count)s in all.") % {
            "label": leaders[0],
            "what": what,
            "value": with_unit(top, unit),
            "count": format_number(len(rows)),
        }
    return _("%(labels)s share the highest figure for “%(what)s” (%(value)s each), of %(count)s in all.") % {
        "labels": ", ".join(leaders),
        "what": what,
        "value": with_unit(top, unit),
        "count": format_number(len(rows)),
    }


def series_summary(rows: Sequence[Row], what: str, unit: str) -> str:
    """ "“ECTS prepared” was highest in 2026-03 (24 ECTS); in the latest period, 2026-06, it was 6 ECTS"."""
    figures = [r for r in rows if shown(r) is None]
    if rows and not figures:
        return _("Every figure here is too small to be shown.")
    if not figures:
        return _("There are no figures for this selection.")
    top = max(figures, key=lambda r: r.value)
    last = rows[-1]
    return _(
        "“%(what)s” was highest in %(top_label)s (%(top)s); in the latest period, %(last_label)s, it was %(last)s."
    ) % {
        "what": what,
        "top_label": top.label,
        "top": with_unit(top.value, unit),
        "last_label": last.label,
        "last": shown(last) or with_unit(last.value, unit),
    }


def target_summary(indicator: Indicator, shown_value: str | None = None) -> str:
    """The figure against its target in one sentence; ``shown_value`` stands for a value that is not shown."""
    value = with_unit_text(shown_value, indicator.unit) if shown_value else with_unit(indicator.value, indicator.unit)
    if indicator.target is None:
        return _("%(label)s: %(value)s (no target is set).") % {"label": indicator.label, "value": value}
    target = format_number(indicator.target)
    if indicator.target_max is not None and indicator.target_max != indicator.target:
        target = _("%(low)s to %(high)s") % {"low": target, "high": format_number(indicator.target_max)}
    return _("%(label)s: %(value)s against a target of %(target)s by %(date)s; %(status)s.") % {
        "label": indicator.label,
        "value": value,
        "target": with_unit_text(target, indicator.unit),
        "date": format_date(indicator.target_date),
        "status": status_words(indicator.status).lower(),
    }


def with_unit_text(number_text: str, unit: str) -> str:
    if not unit:
        return number_text
    return f"{number_text}{unit}" if unit == "%" else f"{number_text} {unit}"


# Drawings ---------------------------------------------------------------------------------------------------


def bar_chart(rows: Sequence[Row], *, chart_id: str, title: str, what: str, unit: str = "") -> Chart:
    """Horizontal bars, one per row, largest value the full length; the label above each bar, the value after it."""
    if not rows:
        return _empty(chart_id, title)
    summary = breakdown_summary(rows, what, unit)
    left, value_room, row_height = 4, 110, 42
    lengths = scaled([r.value for r in rows], WIDTH - left - value_room)
    body = []
    for n, (row, length) in enumerate(zip(rows, lengths, strict=True)):
        y = n * row_height
        body.append(
            f'<g class="chart-row"><text class="chart-label" x="{left}" y="{y + 14}" fill="{INK}">{_text(row.label)}</text>'
            f'<rect class="chart-bar" x="{left}" y="{y + 20}" width="{length:.2f}" height="16" fill="{BAR}" '
            f'data-value="{_text(row.value)}"/>'
            f'<text class="chart-value" x="{left + length + 6:.2f}" y="{y + 33}" fill="{INK}">'
            f"{_text(shown(row) or with_unit(row.value, unit))}</text></g>"
        )
    height = len(rows) * row_height + 4
    return Chart(_safe_id(chart_id), title, summary, _svg(chart_id, title, summary, height, body))


def column_chart(rows: Sequence[Row], *, chart_id: str, title: str, what: str, unit: str = "") -> Chart:
    """Columns for a time series, oldest first: the period under each column (turned when there are many),
    the value above it, and a baseline."""
    if not rows:
        return _empty(chart_id, title)
    summary = series_summary(rows, what, unit)
    many = len(rows) > 8
    slot = max(34.0, min(90.0, (WIDTH - 20) / len(rows)))
    width = max(WIDTH, 10 + slot * len(rows) + 10)
    top, plot, bottom = 22, 180, (70 if many else 30)
    heights = scaled([r.value for r in rows], plot)
    base = top + plot
    body = [f'<line class="chart-axis" x1="4" y1="{base}" x2="{width - 4:g}" y2="{base}" stroke="{MUTED}"/>']
    for n, (row, h) in enumerate(zip(rows, heights, strict=True)):
        x = 10 + n * slot
        centre = x + slot / 2
        column = slot * 0.6
        label = (
            f'<text class="chart-label" x="{centre:.2f}" y="{base + 14}" fill="{INK}" text-anchor="end" '
            f'transform="rotate(-45 {centre:.2f} {base + 14})">{_text(row.label)}</text>'
            if many
            else f'<text class="chart-label" x="{centre:.2f}" y="{base + 18}" fill="{INK}" text-anchor="middle">'
            f"{_text(row.label)}</text>"
        )
        body.append(
            f'<g class="chart-row"><rect class="chart-bar" x="{centre - column / 2:.2f}" y="{base - h:.2f}" '
            f'width="{column:.2f}" height="{h:.2f}" fill="{BAR}" data-value="{_text(row.value)}"/>'
            f'<text class="chart-value" x="{centre:.2f}" y="{base - h - 5:.2f}" fill="{INK}" text-anchor="middle">'
            f"{_text(shown(row) or format_number(row.value))}</text>{label}</g>"
        )
    return Chart(_safe_id(chart_id), title, summary, _svg(chart_id, title, summary, base + bottom, body, width))


def target_bar(indicator: Indicator, *, chart_id: str, shown_value: str | None = None) -> Chart:
    """The value as a solid bar on an outlined track that is the target (or the value, if past it), with a dashed
    mark where the trajectory says the value should be today. ``shown_value`` stands for a value not shown (a
    count of people too small to show): then the figure is told in words only."""
    summary = target_summary(indicator, shown_value)
    width = TARGET_WIDTH
    left, length, y = 4, width - 8, 8
    goal = indicator.target_max or indicator.target
    if shown_value or (not goal and indicator.unit != "%"):  # nothing to draw: the figure in words only
        body = [f'<text class="chart-label" x="{left}" y="{y + 14}" fill="{INK}">{_text(summary)}</text>']
        svg = _svg(chart_id, indicator.label, summary, y + 24, body, width)
        return Chart(_safe_id(chart_id), indicator.label, summary, svg, drawn=False)
    if not goal:  # a percentage without a target: on the scale 0-100 %
        goal = 100
    scale_top = max(float(goal), float(indicator.value or 0), float(indicator.expected_now or 0))
    value_len, expected_len = scaled([indicator.value, indicator.expected_now or 0, scale_top], length)[:2]
    body = [
        f'<rect class="chart-track" x="{left}" y="{y}" width="{length}" height="22" fill="{TRACK}" stroke="{MUTED}"/>',
        f'<rect class="chart-bar" x="{left}" y="{y + 3}" width="{value_len:.2f}" height="16" fill="{BAR}" '
        f'data-value="{_text(indicator.value)}"/>',
    ]
    label_parts = [_("Value: %(value)s") % {"value": with_unit(indicator.value, indicator.unit)}]
    if indicator.target is not None:
        target_len = scaled([indicator.target, scale_top], length)[0]
        body.append(
            f'<line class="chart-target" x1="{left + target_len:.2f}" y1="{y - 4}" x2="{left + target_len:.2f}" '
            f'y2="{y + 26}" stroke="{INK}" stroke-width="3"/>'
        )
        label_parts.append(
            _("Target (solid line): %(target)s") % {"target": with_unit(indicator.target, indicator.unit)}
        )
    if indicator.expected_now is not None:
        body.append(
            f'<line class="chart-expected" x1="{left + expected_len:.2f}" y1="{y - 4}" x2="{left + expected_len:.2f}" '
            f'y2="{y + 26}" stroke="{MARK}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        label_parts.append(
            _("Expected now (dashed line): %(expected)s")
            % {"expected": with_unit(indicator.expected_now, indicator.unit)}
        )
    for n, part in enumerate(label_parts):  # one per line: the chart is narrow enough for a card
        body.append(f'<text class="chart-label" x="{left}" y="{y + 46 + 17 * n}" fill="{INK}">{_text(part)}</text>')
    height = y + 52 + 17 * (len(label_parts) - 1)
    return Chart(
        _safe_id(chart_id), indicator.label, summary, _svg(chart_id, indicator.label, summary, height, body, width)
    )
