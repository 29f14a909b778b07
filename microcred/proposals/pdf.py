"""Meeting agendas and minutes as PDF (ReportLab, no system libraries needed), in the DejaVu fonts every PDF of
the platform uses: names and decisions in Hungarian, Polish or Catalan keep their letters (ő, ł, l·l), which the
PDF standard fonts cannot draw."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from microcred.core.pdf import BOLD, FONT, register_fonts
from microcred.core.text import drawable, one_line


def _paragraph(text: str, style, *, line_breaks: bool = False) -> Paragraph:
    """``text`` drawn as text: markup characters escaped, characters that are not text made spaces."""
    markup = escape(drawable(text))
    return Paragraph(markup.replace("\n", "<br/>") if line_breaks else markup, style)


def _styles() -> dict:
    """The sample styles the agenda uses, drawn in the platform's fonts."""
    register_fonts()
    base = getSampleStyleSheet()
    return {
        name: ParagraphStyle(f"meeting-{name}", parent=base[name], fontName=BOLD if bold else FONT)
        for name, bold in (("Title", True), ("Heading2", True), ("Normal", False))
    }


# The tables' plain cells (numbers, column heads) in the same fonts as their paragraphs
_TABLE_FONTS = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTNAME", (0, 0), (-1, 0), BOLD)]


def meeting_pdf(meeting, *, minutes: bool) -> bytes:
    buffer = io.BytesIO()
    title = (
        _("Minutes") if minutes else _("Agenda")
    ) + f" — {meeting.get_body_display()}, {timezone.localtime(meeting.date):%Y-%m-%d %H:%M}"  # as the page shows it
    styles = _styles()  # (registers the fonts)
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=one_line(title), leftMargin=2 * cm, rightMargin=2 * cm, initialFontName=FONT
    )
    story = [_paragraph(title, styles["Title"])]
    if meeting.location:
        story.append(_paragraph(_("Place") + ": " + meeting.location, styles["Normal"]))
    if minutes:
        present = ", ".join(str(u) for u in meeting.attendees.all()) or _("not recorded")
        story.append(_paragraph(_("Present") + ": " + present, styles["Normal"]))
    story.append(Spacer(1, 0.5 * cm))
    rows = [[_("#"), _("Proposal"), _("Version"), _("Decision") if minutes else _("University")]]
    for n, item in enumerate(meeting.items.select_related("proposal", "proposal__institution"), start=1):
        version = item.proposal.versions.get(number=item.version_number)
        if minutes:
            decision = getattr(item, "decision", None)
            last = (
                f"{decision.get_outcome_display()}: {decision.rationale}"
                + (f" ({_('Conditions')}: {decision.conditions})" if decision.conditions else "")
                if decision
                else _("No decision recorded")
            )
        else:
            last = item.proposal.institution.name
        rows.append(
            [
                str(n),
                _paragraph(f"{item.proposal.reference} {version.title}", styles["Normal"]),
                str(item.version_number),
                _paragraph(last, styles["Normal"]),
            ]
        )
    # splitInRow: a long rationale runs onto the next page instead of making the PDF fail
    table = Table(rows, colWidths=[1 * cm, 7.5 * cm, 1.7 * cm, 6.8 * cm], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                *_TABLE_FONTS,
            ]
        )
    )
    story.append(table)
    story.extend(_papers(meeting, styles, minutes=minutes, first=len(rows)))
    if minutes and meeting.minutes:
        story.append(Spacer(1, 0.5 * cm))
        for para in meeting.minutes.split("\n\n"):
            story.append(_paragraph(para, styles["Normal"], line_breaks=True))
    doc.build(story)
    return buffer.getvalue()


def _papers(meeting, styles, *, minutes: bool, first: int) -> list:
    """The papers the meeting notes (not decides), numbered after the proposals: kind, presenter, and in the
    minutes whether and how each was noted."""
    papers = list(meeting.papers.select_related("presenter", "noted_by").order_by("order", "id"))
    if not papers:
        return []
    rows = [[_("#"), _("Paper to note"), _("Kind"), _("Noted") if minutes else _("Presented by")]]
    for n, paper in enumerate(papers, start=first):
        if minutes:
            last = (
                _("Noted") + (f": {paper.noted_minutes}" if paper.noted_minutes else "")
                if paper.noted_at
                else _("Not noted")
            )
        else:
            last = str(paper.presenter)
        rows.append(
            [
                str(n),
                _paragraph(paper.title, styles["Normal"]),
                _paragraph(paper.get_kind_display(), styles["Normal"]),
                _paragraph(last, styles["Normal"], line_breaks=True),
            ]
        )
    table = Table(rows, colWidths=[1 * cm, 7.5 * cm, 3 * cm, 5.5 * cm], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                *_TABLE_FONTS,
            ]
        )
    )
    return [Spacer(1, 0.5 * cm), _paragraph(_("Papers to note"), styles["Heading2"]), table]
