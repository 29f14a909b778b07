"""The OpenID4VCI endpoints a wallet calls: metadata, token, nonce, credential. JSON in, JSON out.

Errors are OAuth/OpenID4VCI error bodies ({"error", "error_description"}), never HTML or a stack trace.
The token, nonce and credential endpoints are rate limited per client address.
"""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from microcred.core.ratelimit import hit
from microcred.oid4vci import metadata, services
from microcred.oid4vci.errors import OAuthError, error_response, no_store

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024


def protocol_endpoint(scope: str, *, limit_setting: str, default: int, methods=("POST",)):
    """CSRF-exempt (wallets are not browsers with our cookies), method check, rate limit, JSON errors."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error_response(
                    OAuthError("invalid_request", "Use " + " or ".join(methods) + ".", status=405)
                )
                response["Allow"] = ", ".join(methods)
                return response
            if not hit(f"oid4vci-{scope}", request, limit=getattr(settings, limit_setting, default), window=60):
                response = error_response(
                    OAuthError("rate_limited", "Too many requests. Wait a minute and try again.", status=429)
                )
                response["Retry-After"] = "60"
                return response
            try:
                return view(request, *args, **kwargs)
            except OAuthError as exc:
                return error_response(exc)
            except Exception:
                logger.exception("OpenID4VCI %s endpoint failed", scope)  # no request data is logged
                return error_response(OAuthError("server_error", "Something went wrong on our side.", status=500))

        return wrapper

    return decorator


def _metadata_response(document: dict) -> JsonResponse:
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # public metadata; web wallets read it cross-origin
    return response


@require_GET
def issuer_metadata(request):
    return _metadata_response(metadata.issuer_metadata())


@require_GET
def authorization_server_metadata(request):
    return _metadata_response(metadata.authorization_server_metadata())


@protocol_endpoint("token", limit_setting="OID4VCI_TOKEN_RATE_LIMIT", default=20)
def token(request):
    if request.content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "Send the token request as application/x-www-form-urlencoded.")
    for name in ("grant_type", "pre-authorized_code", "tx_code", "authorization_details"):
        if len(request.POST.getlist(name)) > 1:
            raise OAuthError("invalid_request", f"{name} is repeated.")
    grant_type = request.POST.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type != metadata.PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", "Only the pre-authorized code grant is supported.")
    body = services.exchange_pre_authorized_code(
        pre_authorized_code=request.POST.get("pre-authorized_code"),
        tx_code=request.POST.get("tx_code"),
        authorization_details=request.POST.get("authorization_details"),
    )
    return no_store(JsonResponse(body))


@protocol_endpoint("offer", limit_setting="OID4VCI_OFFER_URI_RATE_LIMIT", default=30, methods=("GET",))
def credential_offer(request, handle):
    """credential_offer_uri: the offer as unsigned application/json (OpenID4VCI §4.1.3), while it is open."""
    document = services.credential_offer(handle)
    if document is None:
        raise OAuthError("invalid_request", "There is no open credential offer here.", status=404)
    return no_store(JsonResponse(document))


@protocol_endpoint("nonce", limit_setting="OID4VCI_NONCE_RATE_LIMIT", default=30)
def nonce(request):
    return no_store(JsonResponse({"c_nonce": services.new_c_nonce()}))


@protocol_endpoint("credential", limit_setting="OID4VCI_CREDENTIAL_RATE_LIMIT", default=20)
def credential(request):
    access_token = services.authenticate(request.headers.get("Authorization"))
    if request.content_type != "application/json":
        raise OAuthError(
            "invalid_credential_request", "Send the credential request as application/json (it is not encrypted)."
        )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (
        not (declared.isascii() and declared.isdigit())
        or int(declared) > MAX_REQUEST_BYTES
        or len(request.body) > MAX_REQUEST_BYTES
    ):
        raise OAuthError("invalid_credential_request", "The credential request is too large.")
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise OAuthError("invalid_credential_request", "The credential request is not JSON.") from exc
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "The credential request must be a JSON object.")
    return no_store(JsonResponse(services.deliver_credential(access_token=access_token, request=body)))
