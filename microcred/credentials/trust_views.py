"""The alliance's issuer registry, published (issue #18 item 5): plain at /trust/registry.json (the Digital
Credentials Consortium's issuer-registry shape), signed at /trust/registry.vc.json, and the JSON-LD context of
the signed form. Anonymous GETs with an ETag and a short cache lifetime, like the status lists (views.py)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.keys import KeyEncryptionKeyError
from microcred.credentials.services.trust_registry import (
    RegistryNotReady,
    published_registry,
    published_signed_registry,
)
from microcred.credentials.signers import SignerUnavailable
from microcred.credentials.views import JSONLD_MEDIA_TYPE, VC_MEDIA_TYPE, _document_response, _static_document
from microcred.credentials.vocabulary import registry_context_bytes


@require_safe
def registry_context(request):
    return _document_response(request, _static_document(registry_context_bytes(), 86400), JSONLD_MEDIA_TYPE)


@require_safe
def trust_registry(request):
    """The alliance's issuer registry (DCC issuer-registry shape, with each issuer's country and keys)."""
    return _document_response(request, published_registry(), "application/json")


@require_safe
def trust_registry_credential(request):
    """The same registry as an IssuerRegistryCredential signed by the alliance's issuer."""
    try:
        document = published_signed_registry()
    except (RegistryNotReady, IssuerNotReady, KeyEncryptionKeyError, SignerUnavailable):
        response = JsonResponse({"error": "The registry cannot be signed yet: the alliance has no usable signing key."})
        response.status_code = 503
        response["Retry-After"] = "300"
        return response
    return _document_response(request, document, VC_MEDIA_TYPE)
