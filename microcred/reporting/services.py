"""Writes of the reporting app: the board report put on an Academic Council meeting's agenda as a paper.

The figures themselves are never written (they are computed, indicators.py); what is written is the paper, through
the meetings' own service (proposals/papers.py), which checks who may place it, keeps the PDF and leaves the audit
record.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from microcred.core.exceptions import ValidationFailed
from microcred.proposals import papers
from microcred.proposals.models import AgendaPaper
from microcred.reporting import board_report, exports
from microcred.reporting.reading import read_dashboard


def board_report_title(filter_lines: list[str]) -> str:
    title = _("Micro-credentials: figures against the targets")
    return f"{title} ({'; '.join(filter_lines)})"[:200] if filter_lines else title


def put_board_report_on_agenda(*, user, query, meeting_id: int) -> AgendaPaper:
    """The board report for the dashboard's ``query`` (its filters, as the reader chose them), placed on the
    agenda of the meeting as a KPI report presented by ``user``. Refused, with nothing written, when the filters
    cannot be used, the meeting has taken place, or ``user`` may not place a KPI report (papers.place_paper)."""
    reading = read_dashboard(query, user)
    if reading.form.errors:
        problems = " ".join(str(e) for errors in reading.form.errors.values() for e in errors)
        raise ValidationFailed(_("These filters cannot be used: %(problems)s") % {"problems": problems})
    body = board_report.board_report_pdf(
        reading.dashboard, filter_lines=reading.filter_lines, site_name=getattr(settings, "SITE_NAME", "")
    )
    return papers.place_paper(
        user=user,
        meeting_id=meeting_id,
        kind=AgendaPaper.Kind.KPI_REPORT,
        title=board_report_title(reading.filter_lines),
        presenter=user,
        name=exports.file_name("board-report", reading.file_name_parts, "pdf"),
        data=body,
    )
