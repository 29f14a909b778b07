"""The sealed ELM credential as a download (the wallet links to it next to the unsigned ELM export)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from microcred.credentials import selectors
from microcred.seals import permissions, services


def download_sealed_elm(request, uuid):
    credential = selectors.credential_by_uuid(uuid)
    if (
        credential is None
        or not request.user.is_authenticated
        or not permissions.can_download_sealed(request.user, credential)
    ):
        raise Http404(_("There is no such credential, or you may not download it."))
    try:
        body = services.seal_elm_credential(credential)
    except (services.SealNotAvailable, services.NotSealable) as exc:
        return render(request, "seals/not_sealed.html", {"credential": credential, "message": exc.message}, status=409)
    response = HttpResponse(body, content_type="application/jose+json")
    response["Content-Disposition"] = content_disposition_header(True, f"credential-{credential.uuid}.sealed-elm.json")
    response["X-Content-Type-Options"] = "nosniff"
    return response
