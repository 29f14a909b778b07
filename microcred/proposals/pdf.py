"""Meeting agendas and minutes as PDF (ReportLab, no system libraries needed)."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from microcred.core.text import drawable, one_line


def _paragraph(text: str, style, *, line_breaks: bool = False) -> Paragraph:
    """``text`` drawn as text: markup characters escaped, characters that are not text made spaces."""
    markup = escape(drawable(text))
    return Paragraph(markup.replace("\n", "<br/>") if line_breaks else markup, style)


def meeting_pdf(meeting, *, minutes: bool) -> bytes:
    buffer = io.BytesIO()
    title = (
        _("Minutes") if minutes else _("Agenda")
    ) + f" — {meeting.get_body_display()}, {meeting.date:%Y-%m-%d %H:%M}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=one_line(title), leftMargin=2 * cm, rightMargin=2 * cm)
    styles = getSampleStyleSheet()
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
            ]
        )
    )
    story.append(table)
    if minutes and meeting.minutes:
        story.append(Spacer(1, 0.5 * cm))
        for para in meeting.minutes.split("\n\n"):
            story.append(_paragraph(para, styles["Normal"], line_breaks=True))
    doc.build(story)
    return buffer.getvalue()
