"""Pages of the reporting app: the staff dashboard, its tables as CSV and XLSX, and the board report PDF.

Downloading figures is not audited: the files hold aggregate counts, no personal data (GDPR Art. 4(1)); the
audit log is for decisions, issuance and access to personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.core.exceptions import DomainError
from microcred.reporting import board_report, exports, permissions, services
from microcred.reporting.forms import AgendaForm
from microcred.reporting.reading import read_dashboard


def _allowed(request) -> None:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _refused(reading) -> HttpResponseBadRequest:
    problems = " ".join(str(e) for errors in reading.form.errors.values() for e in errors)
    return HttpResponseBadRequest(
        _("These filters cannot be used: %(problems)s") % {"problems": problems},
        content_type="text/plain; charset=utf-8",
    )


@login_required
def dashboard(request):
    _allowed(request)
    reading = read_dashboard(request.GET, request.user)
    agenda_form = AgendaForm(user=request.user, query=reading.query)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "reading": reading,
            "dashboard": reading.dashboard,
            "form": reading.form,
            "query": reading.query,
            "agenda_form": agenda_form if agenda_form.offered else None,
        },
    )


@login_required
def export_table(request, table, fmt):
    _allowed(request)
    if fmt not in exports.FORMATS:
        raise Http404(_("Tables are available as CSV or XLSX."))
    reading = read_dashboard(request.GET, request.user)
    if reading.form.errors:
        return _refused(reading)
    found = reading.dashboard.table(table)
    if found is None:
        raise Http404(_("There is no such table."))
    name = exports.file_name(found.slug, reading.file_name_parts, fmt)
    return _download(exports.table_bytes(found, fmt), exports.FORMATS[fmt], name)


@login_required
def board_report_pdf(request):
    _allowed(request)
    reading = read_dashboard(request.GET, request.user)
    if reading.form.errors:
        return _refused(reading)
    body = board_report.board_report_pdf(
        reading.dashboard, filter_lines=reading.filter_lines, site_name=getattr(settings, "SITE_NAME", "")
    )
    name = exports.file_name("board-report", reading.file_name_parts, "pdf")
    return _download(body, "application/pdf", name)


@login_required
@require_POST
def board_report_to_agenda(request):
    """Put the board report, for the filters the reader chose, on an Academic Council meeting's agenda."""
    _allowed(request)
    form = AgendaForm(request.POST, user=request.user)
    back = reverse("reporting:dashboard") + (f"?{form.data.get('query', '')}" if form.data.get("query") else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    query = QueryDict(form.cleaned_data["query"])
    try:
        paper = services.put_board_report_on_agenda(
            user=request.user, query=query, meeting_id=form.cleaned_data["meeting"].pk
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("The board report is on the agenda of %(meeting)s.") % {"meeting": paper.meeting})
    return redirect("proposals:meeting", pk=paper.meeting_id)
