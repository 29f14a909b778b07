"""The council report as a PDF (policy 7.25): for each micro-credential, the learners' survey results (response
rates, Likert means and distributions, hidden below 5 responses) and the recommendations proposed.

ReportLab draws it (no system library), in DejaVu Sans embedded, shipped with the platform, which draws every
script of the interface languages. Each distribution is drawn as a bar row and given as figures in its table.
"""

from __future__ import annotations

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from microcred.core.pdf import BOLD, FONT, paragraph, register_fonts
from microcred.core.text import one_line

GRID, HEAD, BAR = "#8a94a6", "#e8edf3", "#1f5fa8"


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("q-body", parent=base["Normal"], fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "cell": ParagraphStyle("q-cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("q-head", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("q-title", parent=body, fontName=BOLD, fontSize=17, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("q-h2", parent=body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=12),
        "h3": ParagraphStyle("q-h3", parent=body, fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=8),
    }


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def rate(value) -> str:
    """A response rate (0 to 1) as a percentage in the active language's format; — when nobody was invited."""
    return "—" if value is None else f"{number(value * 100, 0)} %"


def _table(rows, styles, widths):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[paragraph(c, styles["head"]) for c in rows[0]]] + [
        [paragraph(c, styles["cell"]) for c in row] for row in rows[1:]
    ]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD)),
            ]
        )
    )
    return table


def _distribution(bars, width: float):
    """A question's distribution as one stacked row of bars, each as long as its share of the answers."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    total = sum(b.count for b in bars) or 1
    drawing = Drawing(width, 14)
    x = 0.0
    shades = ["#c9d7ea", "#9db8dc", "#6f97cc", "#4476b8", BAR]
    for n, bar in enumerate(bars):
        length = width * bar.count / total
        if length > 0:
            drawing.add(Rect(x, 2, length, 10, fillColor=colors.HexColor(shades[n % 5]), strokeColor=None))
            if length > 12:
                drawing.add(String(x + 2, 4, str(bar.count), fontName=FONT, fontSize=7))
        x += length
    return drawing


def _results_block(results, styles, width) -> list:
    """Counts, then (when shown) each question's mean and distribution, else the 5-response sentence."""
    from reportlab.platypus import Spacer

    story = [
        paragraph(
            _("%(responses)s responses of %(invited)s invited (response rate %(rate)s).")
            % {
                "responses": number(results.responses),
                "invited": number(results.invited),
                "rate": rate(results.response_rate),
            },
            styles["body"],
        )
    ]
    if not results.shown:
        story.append(paragraph(results.hidden_reason, styles["body"]))
        return story
    likert = [q for q in results.questions if q.kind == "likert"]
    if likert:
        head = [_("Question"), _("Answers"), _("Mean (1–5)")] + [str(v) for v in range(1, 6)]
        rows = [head]
        for q in likert:
            rows.append([q.text, number(q.answered), number(q.mean, 2)] + [number(b.count) for b in q.distribution])
        widths = [width * 0.40, width * 0.10, width * 0.12] + [width * 0.076] * 5
        story.append(_table(rows, styles, widths))
        story.append(Spacer(1, 4))
        for q in likert:
            story.append(paragraph(q.text, styles["cell"]))
            story.append(_distribution(q.distribution, width))
    for q in results.questions:
        if q.kind in ("single", "multiple") and q.distribution:
            rows = [[q.text, _("Answers")]] + [[b.label, number(b.count)] for b in q.distribution]
            story.append(Spacer(1, 4))
            story.append(_table(rows, styles, [width * 0.8, width * 0.2]))
    return story


def council_report_pdf(report, sections) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import ListFlowable, ListItem, SimpleDocTemplate, Spacer

    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=one_line(report.title),
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        initialFontName=FONT,
    )
    width = A4[0] - 4 * cm
    meeting_date = formats.date_format(timezone.localtime(report.meeting.date).date(), "DATE_FORMAT")
    story = [
        paragraph(report.title, styles["title"]),
        paragraph(
            _("Report of the quality office to the Academic Council meeting of %(date)s (policy 7.25).")
            % {"date": meeting_date},
            styles["body"],
        ),
    ]
    if report.period_start or report.period_end:
        story.append(
            paragraph(
                _("Offerings that ended from %(start)s to %(end)s.")
                % {
                    "start": formats.date_format(report.period_start, "DATE_FORMAT") if report.period_start else "—",
                    "end": formats.date_format(report.period_end, "DATE_FORMAT") if report.period_end else "—",
                },
                styles["body"],
            )
        )
    story.append(
        paragraph(
            _(
                "Learners answer anonymously. Results are shown only where at least 5 learners answered; below that, "
                "only the counts."
            ),
            styles["body"],
        )
    )
    story.append(
        paragraph(
            _("Prepared on %(date)s.") % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")},
            styles["body"],
        )
    )
    for section in sections:
        story.append(
            paragraph(
                f"{section.title} ({section.universities})" if section.universities else section.title, styles["h2"]
            )
        )
        story.append(paragraph(_("All its offerings surveyed so far"), styles["h3"]))
        story.extend(_results_block(section.overall, styles, width))
        if section.offerings:
            story.append(paragraph(_("Offerings in the period"), styles["h3"]))
            rows = [[_("Offering"), _("Invited"), _("Responses"), _("Response rate"), _("Results")]]
            for result in section.offerings:
                rows.append(
                    [
                        result.label,
                        number(result.invited),
                        number(result.responses),
                        rate(result.response_rate),
                        _("Shown") if result.shown else _("Hidden (fewer than 5 responses)"),
                    ]
                )
            story.append(_table(rows, styles, [width * 0.44, width * 0.12, width * 0.14, width * 0.14, width * 0.16]))
        story.append(paragraph(_("Recommendations proposed"), styles["h3"]))
        if section.recommendations:
            story.append(
                ListFlowable(
                    [ListItem(paragraph(text, styles["body"])) for text in section.recommendations],
                    bulletType="bullet",
                    bulletFontName=FONT,
                )
            )
        else:
            story.append(paragraph(_("None."), styles["body"]))
        story.append(Spacer(1, 0.3 * cm))
    if not sections:
        story.append(paragraph(_("No micro-credential is covered."), styles["body"]))
    doc.build(story)
    return buffer.getvalue()
