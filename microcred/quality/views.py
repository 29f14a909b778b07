"""Council report and recommendation pages under /quality/. Thin: parse the request, call one service or
selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from microcred.core.exceptions import DomainError, NotFound
from microcred.proposals import papers
from microcred.quality import permissions, selectors, services
from microcred.quality.forms import CloseForm, LinkForm, RecommendationForm, ReportForm
from microcred.quality.models import CouncilReport
from microcred.reference.models import Institution


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def home(request):
    """The recommendations the reader may see (open, closed, flagged or all) and, for the quality office and the
    council, the council reports."""
    if not permissions.can_view_quality_pages(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "open")
    if state not in selectors.STATES:
        state = "open"
    return render(
        request,
        "quality/home.html",
        {
            "state": state,
            "states": [
                ("open", _("Open")),
                ("flagged", _("Open, micro-credential retired")),
                ("closed", _("Closed")),
                ("all", _("All")),
            ],
            "recommendations": selectors.recommendations_seen_by(request.user, state)[:500],
            "reports": selectors.reports()[:100] if permissions.can_view_reports(request.user) else None,
            "can_manage": permissions.can_manage_reports(request.user),
            "sees_all": permissions.sees_every_recommendation(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    if not permissions.can_manage_reports(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None, meetings=selectors.upcoming_council_meetings())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.create_report(
                user=request.user,
                meeting_id=data["meeting"].pk,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                micro_credential_ids=[mc.pk for mc in data["micro_credentials"]],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The report is started: add its recommendations, then put it on the agenda."))
            return redirect("quality:report", pk=report.pk)
    return render(request, "quality/report_form.html", {"form": form})


def _report(request, pk) -> CouncilReport:
    try:
        return services.get_report(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = _report(request, pk)
    can_manage = permissions.can_manage_reports(request.user)
    form = RecommendationForm(
        request.POST or None, micro_credentials=report.micro_credentials.order_by("slug"), prefix="rec"
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_recommendation(
                    user=request.user,
                    micro_credential_id=form.cleaned_data["micro_credential"].pk,
                    text=form.cleaned_data["text"],
                    report_id=report.pk,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Recommendation recorded."))
                return redirect("quality:report", pk=report.pk)
    return render(
        request,
        "quality/report.html",
        {
            "report": report,
            "sections": selectors.report_sections(report),
            "recommendations": report.recommendations.select_related("micro_credential", "change_proposal"),
            "form": form if can_manage and report.status == CouncilReport.Status.DRAFT else None,
            "can_manage": can_manage,
        },
    )


@login_required
def report_pdf(request, pk):
    """The report as the meeting reads it once on the agenda; while being prepared, drawn now."""
    report = _report(request, pk)
    if report.paper_id:
        return papers.paper_response(report.paper)
    response = HttpResponse(services.report_pdf_bytes(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"council-report-{report.pk}-draft.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def report_put_on_agenda(request, pk):
    report = _report(request, pk)
    try:
        services.put_report_on_agenda(user=request.user, report_id=report.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is on the agenda of %(meeting)s.") % {"meeting": report.meeting})
    return redirect("quality:report", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request):
    if not permissions.can_record_recommendation(request.user):
        raise PermissionDenied
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = form.cleaned_data["meeting"]
            rec = services.record_recommendation(
                user=request.user,
                micro_credential_id=form.cleaned_data["micro_credential"].pk,
                text=form.cleaned_data["text"],
                meeting_id=meeting.pk if meeting else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recommendation recorded."))
            return redirect("quality:recommendation", pk=rec.pk)
    return render(request, "quality/recommendation_form.html", {"form": form})


def _recommendation(request, pk):
    try:
        return services.get_recommendation(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def recommendation_detail(request, pk):
    rec = _recommendation(request, pk)
    follow_up_open = rec.is_open and not rec.followed_by_open_proposal
    return render(
        request,
        "quality/recommendation.html",
        {
            "rec": rec,
            "close_form": CloseForm(prefix="close")
            if rec.is_open and permissions.can_close_recommendation(request.user)
            else None,
            "link_form": LinkForm(prefix="link") if follow_up_open else None,
            "start_institutions": Institution.objects.filter(
                pk__in=permissions.change_institution_ids(request.user, rec)
            ).order_by("name")
            if follow_up_open and rec.micro_credential.status == "published"
            else [],
        },
    )


@login_required
@require_POST
def recommendation_close(request, pk):
    rec = _recommendation(request, pk)
    form = CloseForm(request.POST, prefix="close")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("quality:recommendation", pk=rec.pk)
    try:
        services.close_recommendation(user=request.user, recommendation_id=rec.pk, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The recommendation is closed."))
    return redirect("quality:recommendation", pk=rec.pk)


@login_required
@require_POST
def recommendation_link(request, pk):
    rec = _recommendation(request, pk)
    form = LinkForm(request.POST, prefix="link")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("quality:recommendation", pk=rec.pk)
    try:
        services.link_change_proposal(
            user=request.user, recommendation_id=rec.pk, proposal_reference=form.cleaned_data["reference"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The recommendation is followed by that change proposal."))
    return redirect("quality:recommendation", pk=rec.pk)


@login_required
@require_POST
def recommendation_start_change(request, pk):
    """Start a change proposal from the recommendation, for one of the proposer's universities."""
    rec = _recommendation(request, pk)
    raw = request.POST.get("institution", "")
    institution = Institution.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    try:
        proposal = services.start_change_proposal_from(
            user=request.user, recommendation_id=rec.pk, institution=institution
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quality:recommendation", pk=rec.pk)
    messages.success(request, _("Your change proposal starts from the published version. Edit what changes."))
    return redirect("proposals:edit", pk=proposal.pk)
