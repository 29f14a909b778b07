"""Pages about issued credentials for people: the public verification page of one credential, the
learner's list with downloads. (The machine-readable documents are in views.py.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from microcred.core.ratelimit import rate_limited
from microcred.credentials import formats, permissions, selectors, verdict
from microcred.credentials.elm import elm_json_bytes
from microcred.credentials.forms import VerifyForm
from microcred.credentials.services.document_readers import read_with_registered_readers
from microcred.credentials.services.sd_jwt_verification import (
    describe_sd_jwt_vc,
    sd_jwt_text,
    verify_sd_jwt_vc,
)
from microcred.credentials.services.verification import (
    UnreadableCredential,
    load_credential,
    verify_credential_document,
)
from microcred.credentials.uploads import MAX_UPLOAD_BYTES, recognise_upload

DOWNLOADS = {
    "json": ("application/vc+ld+json", "json"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
    "pdf": ("application/pdf", "pdf"),
    "elm": ("application/ld+json", "elm.jsonld"),
}


def public_credential(request, uuid):
    """What a QR code or a link opens: the credential's live verification and its content, no log-in."""
    credential = selectors.credential_by_uuid(uuid)
    if credential is None or credential.document.get("erased"):
        raise Http404(_("There is no such credential."))
    report = verify_credential_document(credential.document)
    return render(
        request,
        "credentials/public.html",
        {
            "credential": credential,
            "report": report,
            "verdict": verdict.present(report, credential=credential),
            "achievement": verdict.achievement_rows(credential),
            "rows": formats.annex1_rows(credential, with_identifiers=False),
            "outcomes": credential.learning_outcomes,
            "can_download": permissions.can_download(request.user, credential),
            "is_holder": permissions.is_holder(request.user, credential),
        },
    )


@login_required
def my_credentials(request):
    return redirect("wallet:home")


@login_required
def download(request, uuid, fmt):
    credential = selectors.credential_by_uuid(uuid)
    if credential is None or fmt not in DOWNLOADS or not permissions.can_download(request.user, credential):
        raise Http404(_("There is no such credential, or you may not download it."))
    content_type, extension = DOWNLOADS[fmt]
    if fmt == "json":
        body = formats.credential_json(credential)
    elif fmt == "png":
        body = formats.badge_png(credential)
    elif fmt == "svg":
        body = formats.badge_svg(credential).encode("utf-8")
    elif fmt == "elm":
        body = elm_json_bytes(credential)
    else:
        body = formats.certificate_pdf(credential)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"credential-{credential.uuid}.{extension}")
    # A second line of defence for the SVG (an image that could carry script if a title ever broke out): the
    # browser must not sniff it, and if opened it runs in a sandbox with nothing allowed.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return response


@rate_limited("verify-page", limit_setting="VERIFY_RATE_LIMIT", default=30)
def verify_page(request):
    """Anyone verifies a credential: paste JSON or an SD-JWT VC, or upload a JSON, PNG, SVG, SD-JWT or sealed ELM
    file."""
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    report = error = recognised = content = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        raw = upload.read(MAX_UPLOAD_BYTES + 1) if upload else form.cleaned_data["credential"].encode("utf-8")
        try:
            report, content, recognised = _verify_input(raw, form.cleaned_data)
        except UnreadableCredential as exc:
            error = str(exc)
    status = 400 if error or (posted and form.errors) else 200
    context = {"form": form, "report": report, "error": error, "recognised": recognised, "content": content}
    if report is not None:
        own = verdict.own_credential(report)
        context |= {
            "verdict": verdict.present(report, credential=own),
            "achievement": verdict.achievement_rows_from_report(report),
            "own_page_url": reverse("credentials:public", args=[own.uuid]) if own else "",
        }
    return render(request, "credentials/verify.html", context, status=status)


def _verify_input(raw: bytes, data: dict):
    """(report, content shown, recognised upload) for what the visitor gave; UnreadableCredential when it is
    no credential at all."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UnreadableCredential(_("The file is larger than 2 MB; a credential is much smaller."))
    compact = sd_jwt_text(raw)
    if compact is not None:
        report = verify_sd_jwt_vc(
            compact, audience=data["audience"].strip() or None, nonce=data["nonce"].strip() or None
        )
        return report, describe_sd_jwt_vc(report), None
    # A format another app verifies (a sealed ELM credential: microcred.seals).
    reading = read_with_registered_readers(raw)
    if reading is not None:
        return (*reading, None)
    # Our PDF certificate or ELM export: said what it is, and the signed credential it names verified.
    recognised = recognise_upload(raw)
    document = recognised.document if recognised else load_credential(raw)
    if document is None and recognised is None:
        raise UnreadableCredential(_("This image does not carry a credential."))
    report = verify_credential_document(document) if document is not None else None
    return report, (report.content if report else None), recognised
