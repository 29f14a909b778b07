"""Public, machine-readable documents: DID documents, issuer profiles, status lists, our context and schema.

All are anonymous GETs with CORS open (web verifiers fetch them from other origins) and an ETag.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from microcred.credentials import selectors
from microcred.credentials.services.issuers import issuer_profile
from microcred.credentials.services.published import (
    PublishedDocument,
    json_bytes,
    published_did_document,
    published_status_list,
    strong_etag,
)
from microcred.credentials.vocabulary import extension_context_bytes, extension_schema_bytes

DID_MEDIA_TYPE = "application/did+json"
VC_MEDIA_TYPE = "application/vc+ld+json"
JSONLD_MEDIA_TYPE = "application/ld+json"
SCHEMA_MEDIA_TYPE = "application/schema+json"


def _document_response(request, document: PublishedDocument, content_type: str):
    """200 with the document, or 304 with no body when ``If-None-Match`` names its ETag (weak comparison,
    RFC 9110 §13.1.2: ``W/"x"`` matches ``"x"``; a list of tags; ``*``). GET and HEAD alike."""
    response = HttpResponse(document.body, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = document.etag
    response["Cache-Control"] = f"public, max-age={document.max_age}"
    response = get_conditional_response(request, etag=document.etag, response=response)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    response.same_for_everyone = True  # no Vary: neither language nor cookie changes it (core.middleware)
    return response


def _static_document(body: bytes, max_age: int) -> PublishedDocument:
    return PublishedDocument(body, strong_etag(body), max_age)


@require_safe
def did_json(request, slug: str):
    document = published_did_document(slug)
    if document is None:
        raise Http404("No such issuer.")
    return _document_response(request, document, DID_MEDIA_TYPE)


@require_safe
def issuer_profile_json(request, slug: str):
    issuer = selectors.issuer_by_slug(slug)
    if issuer is None:
        raise Http404("No such issuer.")
    body = json_bytes(issuer_profile(issuer, with_context=True))
    return _document_response(request, _static_document(body, 3600), JSONLD_MEDIA_TYPE)


@require_safe
def status_list(request, slug: str, number: int):
    document = published_status_list(slug, number)
    if document is None:
        raise Http404("No such status list.")
    # Short cache: a revocation must reach verifiers within STATUS_LIST_MAX_AGE (at most the list's ttl).
    return _document_response(request, document, VC_MEDIA_TYPE)


@require_safe
def extension_context(request):
    return _document_response(request, _static_document(extension_context_bytes(), 86400), JSONLD_MEDIA_TYPE)


@require_safe
def extension_schema(request):
    return _document_response(request, _static_document(extension_schema_bytes(), 86400), SCHEMA_MEDIA_TYPE)
