"""Privacy pages: the notice in force (/privacy/), past versions (/privacy/v<N>/), a draft's preview for the
alliance admin, agreeing to a notice that asks for consent, and the record of processing activities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from microcred.core.exceptions import ValidationFailed
from microcred.privacy import permissions, presenting, ropa, selectors, services
from microcred.privacy.middleware import SESSION_KEY
from microcred.privacy.models import PrivacyNotice


def _notice_page(request, notice, *, current, preview=False):
    shown = selectors.text_for(notice, get_language())
    if shown is None:  # a draft with no text yet
        raise Http404("This privacy notice has no text.")
    if not preview and current is not None and notice.pk == current.pk and request.user.is_authenticated:
        services.record_read(user=request.user, notice=notice, language=shown.language)
    context = presenting.page_context(shown, current=current, preview=preview)
    context["may_view_record"] = permissions.can_view_processing_record(request.user)
    return render(request, "privacy/notice.html", context)


@require_GET
def notice(request):
    current = selectors.current_notice()
    if current is None:
        return render(request, "privacy/no_notice.html")
    return _notice_page(request, current, current=current)


@require_GET
def notice_version(request, version: int):
    found = selectors.notice_by_version(version)
    if found is None:
        raise Http404("No such version of the privacy notice.")
    return _notice_page(request, found, current=selectors.current_notice())


@login_required
@require_GET
def preview(request, pk: int):
    if not permissions.can_edit_notices(request.user):
        raise PermissionDenied
    draft = get_object_or_404(PrivacyNotice, pk=pk)
    return _notice_page(request, draft, current=selectors.current_notice(), preview=True)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def agree(request):
    """The notice in force asks for consent: show what for, and record the person's agreement."""
    current = selectors.current_notice()
    next_url = _safe_next(request, reverse("core:dashboard"))
    if current is None or not current.requires_consent or selectors.has_agreed(request.user, current.pk):
        return redirect(next_url)
    shown = selectors.text_for(current, get_language())
    if request.method == "POST":
        try:
            services.agree(user=request.user, notice=current, language=shown.language)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            request.session[SESSION_KEY] = current.pk
            messages.success(request, _("Thank you. Your agreement to the privacy notice is recorded."))
            return redirect(next_url)
    context = presenting.page_context(shown, current=current)
    context["next"] = next_url
    context["consent_purposes"] = presenting.consent_purposes(shown.text.content)
    return render(request, "privacy/agree.html", context)


@login_required
@require_GET
def processing_record(request):
    if not permissions.can_view_processing_record(request.user):
        raise PermissionDenied
    return render(request, "privacy/record.html", {"record": ropa.build(get_language()), "formats": ropa.FORMATS})


@login_required
@require_GET
def processing_record_download(request, fmt: str):
    if not permissions.can_view_processing_record(request.user):
        raise PermissionDenied
    if fmt not in ropa.FORMATS:
        raise Http404("Unknown format.")
    body = ropa.render(ropa.build(get_language()), fmt)
    response = HttpResponse(body, content_type=f"{ropa.FORMATS[fmt]}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"record-of-processing-activities.{fmt}")
    return response
