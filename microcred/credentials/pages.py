"""Pages about issued credentials for people: the public verification page of one credential, the
learner's list with downloads. (The machine-readable documents are in views.py.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from microcred.credentials import formats, permissions, selectors
from microcred.credentials.services.verification import verify_credential_document

DOWNLOADS = {
    "json": ("application/vc+ld+json", "json"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
    "pdf": ("application/pdf", "pdf"),
}


def public_credential(request, uuid):
    """What a QR code or a link opens: the credential's live verification and its content, no log-in."""
    credential = selectors.credential_by_uuid(uuid)
    if credential is None:
        raise Http404(_("There is no such credential."))
    report = verify_credential_document(credential.document)
    return render(
        request,
        "credentials/public.html",
        {
            "credential": credential,
            "report": report,
            "rows": formats.annex1_rows(credential),
            "outcomes": credential.micro_credential_version.annex1.get("learning_outcomes", []),
            "can_download": permissions.can_download(request.user, credential),
        },
    )


@login_required
def my_credentials(request):
    credentials = list(selectors.credentials_of(request.user))
    return render(request, "credentials/mine.html", {"credentials": credentials})


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
    else:
        body = formats.certificate_pdf(credential)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.uuid}.{extension}"'
    return response
