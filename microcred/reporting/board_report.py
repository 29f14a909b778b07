"""The board report: the dashboard's figures, charts and definitions for a chosen period as a PDF that can be
put on an Academic Council agenda (strategic plan: monitoring against the targets, reported to the boards).

ReportLab draws it (no system library); the text is set in DejaVu Sans, shipped with the platform, which
draws every script of the interface languages (Hungarian ő and ű among them). The charts are re-drawn with
ReportLab's vector shapes on the same scale as the page's SVG (``charts.scaled``), and every chart is
followed by its table, as on the page.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from microcred.core.pdf import BOLD, FONT, paragraph, register_fonts
from microcred.core.text import drawable, one_line
from microcred.reporting import charts
from microcred.reporting.dashboard import Dashboard, Table


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=17, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=12, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=2),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=charts.MUTED),
    }


def _table(table: Table, styles: dict, width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    first = width * (0.34 if len(table.columns) > 3 else 0.5)
    rest = (width - first) / max(len(table.columns) - 1, 1)
    data = [[paragraph(c, styles["head"]) for c in table.columns]]
    data += [[paragraph(cell, styles["cell"]) for cell in row] for row in table.display_rows()]
    pdf_table = PdfTable(data, colWidths=[first] + [rest] * (len(table.columns) - 1), repeatRows=1, splitInRow=1)
    pdf_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(charts.MUTED)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(charts.TRACK)),
            ]
        )
    )
    return pdf_table


def _bars(rows, width: float):
    """The page's bars (``charts.bar_chart``) in ReportLab shapes: each row's name, its bar, its value."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    row_height, value_room = 26, 80
    drawing = Drawing(width, max(len(rows), 1) * row_height)
    lengths = charts.scaled([r.value for r in rows], width - value_room)
    for n, (row, length) in enumerate(zip(rows, lengths, strict=True)):
        y = (len(rows) - n - 1) * row_height
        drawing.add(String(0, y + 15, drawable(row.label)[:90], fontName=FONT, fontSize=8, fillColor=colors.black))
        drawing.add(Rect(0, y + 2, length, 10, fillColor=colors.HexColor(charts.BAR), strokeColor=None))
        value = charts.shown(row) or charts.format_number(row.value)
        drawing.add(String(length + 4, y + 3, value, fontName=FONT, fontSize=8))
    return drawing


def _target(headline, width: float):
    """The page's target bar (``charts.target_bar``) in ReportLab shapes; None when there is nothing to measure
    the value against."""
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.lib import colors

    i = headline.indicator
    goal = i.target_max or i.target or (100 if i.unit == "%" else None)
    if not goal:
        return None
    top = max(float(goal), float(i.value or 0), float(i.expected_now or 0))
    value_len, expected_len, target_len = charts.scaled([i.value, i.expected_now or 0, i.target or 0, top], width)[:3]
    drawing = Drawing(width, 18)
    drawing.add(
        Rect(0, 2, width, 14, fillColor=colors.HexColor(charts.TRACK), strokeColor=colors.HexColor(charts.MUTED))
    )
    drawing.add(Rect(0, 4, value_len, 10, fillColor=colors.HexColor(charts.BAR), strokeColor=None))
    if i.target is not None:
        drawing.add(Line(target_len, 0, target_len, 18, strokeColor=colors.black, strokeWidth=2))
    if i.expected_now is not None:
        drawing.add(
            Line(
                expected_len,
                0,
                expected_len,
                18,
                strokeColor=colors.HexColor(charts.MARK),
                strokeWidth=1.5,
                strokeDashArray=[3, 2],
            )
        )
    return drawing


def board_report_pdf(dashboard: Dashboard, *, filter_lines: list[str], site_name: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

    styles = _styles()
    buffer = io.BytesIO()
    title = _("Micro-credentials: figures against the targets — report to the Academic Council")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=one_line(title),
        author=one_line(site_name),
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        initialFontName=FONT,
    )
    width = A4[0] - 4 * cm
    story = [paragraph(title, styles["title"])]
    story.append(
        paragraph(
            _("Prepared on %(date)s from the platform's data.") % {"date": charts.format_date(timezone.localdate())},
            styles["body"],
        )
    )
    if dashboard.as_of is not None:
        as_of = formats.date_format(timezone.localtime(dashboard.as_of), "DATETIME_FORMAT")
        story.append(paragraph(_("Figures as of %(date)s.") % {"date": as_of}, styles["body"]))
    for line in filter_lines or [_("All dates, all universities, all kinds, all content areas.")]:
        story.append(paragraph(line, styles["body"]))

    story.append(paragraph(dashboard.headline_table.title, styles["h2"]))
    for headline in dashboard.headlines:
        block = [paragraph(headline.indicator.label, styles["h3"]), paragraph(headline.chart.summary, styles["body"])]
        drawing = _target(headline, width)
        if drawing is not None:
            block += [Spacer(1, 3), drawing]
        story.append(KeepTogether(block))
    story.append(Spacer(1, 0.3 * cm))
    story.append(
        paragraph(
            _(
                "Bar: the value; black line: the target; dashed line: where the trajectory to the target says the value should be today."
            ),
            styles["small"],
        )
    )
    story.append(Spacer(1, 0.2 * cm))
    story.append(_table(dashboard.headline_table, styles, width))

    for panel in dashboard.trends + dashboard.breakdowns:
        block = [
            paragraph(panel.table.title, styles["h2"]),
            paragraph(panel.chart.summary, styles["body"]),
            Spacer(1, 4),
        ]
        if panel.rows:
            block.append(_bars(panel.rows, width))
        story.append(KeepTogether(block))
        if panel.table.rows:
            story.append(Spacer(1, 4))
            story.append(_table(panel.table, styles, width))

    story.append(paragraph(_("Definitions"), styles["h2"]))
    for headline in dashboard.headlines:
        story.append(paragraph(headline.indicator.label, styles["h3"]))
        story.append(paragraph(headline.indicator.definition, styles["body"]))
    doc.build(story)
    return buffer.getvalue()
