"""Public, machine-readable documents: DID documents, issuer profiles, status lists, our context and schema.

All are anonymous GETs with CORS open (web verifiers fetch them from other origins) and an ETag.
"""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from microcred.credentials import selectors
from microcred.credentials.services.issuers import did_document, issuer_profile
from microcred.credentials.vocabulary import extension_context_bytes, extension_schema_bytes

DID_MEDIA_TYPE = "application/did+json"
VC_MEDIA_TYPE = "application/vc+ld+json"
JSONLD_MEDIA_TYPE = "application/ld+json"
SCHEMA_MEDIA_TYPE = "application/schema+json"


def _etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates


def _document_response(request, body: bytes, content_type: str, *, max_age: int, etag: str | None = None):
    etag = etag or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if _etag_matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


@require_safe
def did_json(request, slug: str):
    issuer = selectors.issuer_by_slug(slug)
    if issuer is None or not issuer.keys.exists():
        raise Http404("No such issuer.")
    return _document_response(request, _json_bytes(did_document(issuer)), DID_MEDIA_TYPE, max_age=300)


@require_safe
def issuer_profile_json(request, slug: str):
    issuer = selectors.issuer_by_slug(slug)
    if issuer is None:
        raise Http404("No such issuer.")
    body = _json_bytes(issuer_profile(issuer, with_context=True))
    return _document_response(request, body, JSONLD_MEDIA_TYPE, max_age=3600)


@require_safe
def status_list(request, slug: str, number: int):
    status = selectors.status_list_by_number(slug, number)
    if status is None or not status.credential:
        raise Http404("No such status list.")
    # Short cache: a revocation must show within minutes (matches the list's ttl).
    return _document_response(request, _json_bytes(status.credential), VC_MEDIA_TYPE, max_age=300, etag=status.etag)


@require_safe
def extension_context(request):
    return _document_response(request, extension_context_bytes(), JSONLD_MEDIA_TYPE, max_age=86400)


@require_safe
def extension_schema(request):
    return _document_response(request, extension_schema_bytes(), SCHEMA_MEDIA_TYPE, max_age=86400)
