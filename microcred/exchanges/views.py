"""The exchange endpoint a wallet calls (JSON in, JSON out) and the learner's page that starts an exchange.

The endpoint answers errors as Problem Details (errors.py), never HTML; it is CSRF-exempt (the wallet is not a
browser with our cookies) and rate limited per client address like the OpenID4VCI endpoints.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from microcred.core.qr import qr_svg
from microcred.core.ratelimit import hit, rate_limited
from microcred.credentials import selectors
from microcred.credentials.permissions import is_holder
from microcred.exchanges import services
from microcred.exchanges.errors import ExchangeError, problem_response

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024


def _body(request) -> object:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()) or int(declared) > MAX_REQUEST_BYTES:
        raise ExchangeError("PARSING_ERROR", "The request is too large.", status=413)
    if len(request.body) > MAX_REQUEST_BYTES:
        raise ExchangeError("PARSING_ERROR", "The request is too large.", status=413)
    if not request.body.strip():
        return {}  # an empty body starts the exchange, as {} does (with or without a content type)
    if request.content_type != "application/json":
        raise ExchangeError("PARSING_ERROR", "Send the request as application/json.", status=415)
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExchangeError("PARSING_ERROR", "The request body is not JSON.") from exc


@csrf_exempt
def participate(request, exchange_id):
    """VC-API "Participate in an exchange": POST /exchanges/{exchangeId}."""
    try:
        if request.method != "POST":
            response = problem_response(ExchangeError("METHOD_NOT_ALLOWED", "Use POST.", status=405))
            response["Allow"] = "POST"
            return response
        limit = getattr(settings, "EXCHANGE_RATE_LIMIT", 20)
        if not hit("exchanges-participate", request, limit=limit, window=60):
            response = problem_response(
                ExchangeError("RATE_LIMITED", "Too many requests. Wait a minute and try again.", status=429)
            )
            response["Retry-After"] = "60"
            return response
        answer = services.participate(exchange_id, _body(request))
    except ExchangeError as exc:
        return problem_response(exc)
    except Exception:
        logger.exception("VC-API exchange endpoint failed")  # no request data is logged
        return problem_response(ExchangeError("SERVER_ERROR", "Something went wrong on our side.", status=500))
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("exchanges-start", limit_setting="EXCHANGE_START_RATE_LIMIT", default=10)
def send_to_lcw(request, uuid):
    """The learner's page: POST starts an exchange and shows its deep link as a QR code and as links."""
    credential = selectors.credential_by_uuid(uuid)
    if credential is None or not is_holder(request.user, credential):
        raise Http404(_("There is no such credential, or it is not yours."))
    context = {
        "credential": credential,
        "deliverable": services.deliverable(credential),
        "minutes": services.exchange_ttl() // 60,
    }
    if request.method == "POST" and context["deliverable"]:
        started = services.start_exchange(request.user, credential)
        context.update(
            started=started,
            qr=qr_svg(
                started.universal_link,
                title=_("QR code to receive %(title)s in the Learner Credential Wallet") % {"title": credential.title},
                element_id="lcw-qr",
            ),
        )
    response = render(request, "exchanges/send.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a live exchange link
    return response
