"""Errors of the exchange endpoint, answered as Problem Details (RFC 9457), the error form of the VC-API and
of VC Data Model 2.0 ("Problem Details"), with the types those specifications name where one fits:

* VC Data Integrity 1.0, "Processing Errors": PROOF_VERIFICATION_ERROR (-17), INVALID_DOMAIN_ERROR (-19),
  INVALID_CHALLENGE_ERROR (-20);
* VC Data Model 2.0, "Problem Details": PARSING_ERROR (-64), MALFORMED_VALUE_ERROR (-66);
* our own, about the exchange itself (unknown, expired, already complete…), under
  ``https://w3id.org/microcred/exchanges#``, with no number.

Every error leaves the exchange as it was.
"""

from __future__ import annotations

from django.http import JsonResponse

SECURITY = "https://w3id.org/security#"
VC = "https://www.w3.org/TR/vc-data-model#"
OURS = "https://w3id.org/microcred/exchanges#"

#: name → (type URL, code or None)
PROBLEM_TYPES: dict[str, tuple[str, int | None]] = {
    "PROOF_VERIFICATION_ERROR": (SECURITY + "PROOF_VERIFICATION_ERROR", -17),
    "INVALID_DOMAIN_ERROR": (SECURITY + "INVALID_DOMAIN_ERROR", -19),
    "INVALID_CHALLENGE_ERROR": (SECURITY + "INVALID_CHALLENGE_ERROR", -20),
    "PARSING_ERROR": (VC + "PARSING_ERROR", -64),
    "MALFORMED_VALUE_ERROR": (VC + "MALFORMED_VALUE_ERROR", -66),
    "UNKNOWN_EXCHANGE": (OURS + "UNKNOWN_EXCHANGE", None),
    "EXCHANGE_EXPIRED": (OURS + "EXCHANGE_EXPIRED", None),
    "EXCHANGE_COMPLETE": (OURS + "EXCHANGE_COMPLETE", None),
    "EXCHANGE_NOT_STARTED": (OURS + "EXCHANGE_NOT_STARTED", None),
    "UNSUPPORTED_DID_METHOD": (OURS + "UNSUPPORTED_DID_METHOD", None),
    "CREDENTIAL_UNAVAILABLE": (OURS + "CREDENTIAL_UNAVAILABLE", None),
    "RATE_LIMITED": (OURS + "RATE_LIMITED", None),
    "METHOD_NOT_ALLOWED": (OURS + "METHOD_NOT_ALLOWED", None),
    "SERVER_ERROR": (OURS + "SERVER_ERROR", None),
}


class ExchangeError(Exception):
    """A refused exchange request: ``name`` (a key of PROBLEM_TYPES), a plain English ``detail``, the HTTP
    status. Messages are for wallet developers and shown by wallets as they are, so they say what to do."""

    def __init__(self, name: str, detail: str, *, status: int = 400):
        if name not in PROBLEM_TYPES:
            raise ValueError(f"unknown problem type {name}")
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail
        self.status = status

    def body(self) -> dict:
        type_url, code = PROBLEM_TYPES[self.name]
        body: dict = {"type": type_url, "title": self.name, "detail": self.detail, "status": self.status}
        if code is not None:
            body["code"] = code
        return body


def problem_response(error: ExchangeError) -> JsonResponse:
    response = JsonResponse(error.body(), status=error.status, content_type="application/problem+json")
    response["Cache-Control"] = "no-store"
    return response
