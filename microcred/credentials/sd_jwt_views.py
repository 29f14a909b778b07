"""Public documents of the SD-JWT VC: its type metadata (at the ``vct`` URL) and the Token Status Lists.

Anonymous GETs with an ETag, Cache-Control and CORS open, like the other published documents (views.py).
"""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_safe

from microcred.credentials.services.published import PublishedDocument, json_bytes, strong_etag
from microcred.credentials.services.sd_jwt_vc import published_status_list_token, type_metadata
from microcred.credentials.views import _document_response

STATUS_LIST_JWT_MEDIA_TYPE = "application/statuslist+jwt"  # Token Status List §14.7
TYPE_METADATA_MEDIA_TYPE = "application/json"
TYPE_METADATA_MAX_AGE = 3600


@require_safe
def vct_type_metadata(request):
    body = json_bytes(type_metadata())
    return _document_response(
        request, PublishedDocument(body, strong_etag(body), TYPE_METADATA_MAX_AGE), TYPE_METADATA_MEDIA_TYPE
    )


@require_safe
def status_list_token(request, slug: str, number: int):
    document = published_status_list_token(slug, number)
    if document is None:
        raise Http404("No such status list.")
    # Short cache, as for the Bitstring list it is made from: a revocation must reach verifiers quickly.
    return _document_response(request, document, STATUS_LIST_JWT_MEDIA_TYPE)
