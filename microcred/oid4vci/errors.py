"""Protocol errors of the OpenID4VCI endpoints, answered as RFC 6749 §5.2 / OpenID4VCI §8.3.1 JSON bodies."""

from __future__ import annotations

import re

from django.http import JsonResponse

from microcred.core.exceptions import DomainError

# error_description: ASCII without '"' and '\' (OpenID4VCI §8.3.1.2, RFC 6749 §5.2).
_UNSAFE_DESCRIPTION = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")


class OAuthError(Exception):
    def __init__(self, error: str, description: str = "", *, status: int = 400, www_authenticate: str = ""):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        self.www_authenticate = www_authenticate


def invalid_token(description: str) -> OAuthError:
    return OAuthError(
        "invalid_token",
        description,
        status=401,
        www_authenticate=f'Bearer error="invalid_token", error_description="{_UNSAFE_DESCRIPTION.sub("", description)}"',
    )


def no_store(response):
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def error_response(error: OAuthError) -> JsonResponse:
    body = {"error": error.error}
    if error.description:
        body["error_description"] = _UNSAFE_DESCRIPTION.sub("", error.description)
    response = JsonResponse(body, status=error.status)
    if error.www_authenticate:
        response["WWW-Authenticate"] = error.www_authenticate
    return no_store(response)


class OfferNotPossible(DomainError):
    """This credential cannot be offered to a wallet."""

    code = "offer_not_possible"
    status = 409
