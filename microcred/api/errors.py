"""One error body for the whole API: {"error": {"code": ..., "message": ..., "details": ...}}."""

from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from microcred.core.exceptions import DomainError


def error_body(code: str, message: str, details=None) -> dict:
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


class ErrorDetailOut(serializers.Serializer):
    code = serializers.CharField(help_text="Stable and machine-readable.")
    message = serializers.CharField(help_text="For people.")
    details = serializers.DictField(
        required=False, help_text="More about the error; for invalid fields, `fields`: field → messages."
    )


class ErrorOut(serializers.Serializer):
    """The body of every error answer (for the OpenAPI document)."""

    error = ErrorDetailOut()


def documented_error(description: str) -> OpenApiResponse:
    """An error answer in the OpenAPI document: the one error body, and when this operation gives it (codes first)."""
    return OpenApiResponse(ErrorOut, description=description)


# What the common error answers mean, for the operations' documented errors.
NOT_AUTHENTICATED = (
    "`not_authenticated`: no credentials were sent. `authentication_failed`: the token sent is not valid."
)
REJECTED_CREDENTIALS = (
    "`authentication_failed`: a token was sent and is not valid (without one, the operation is public)."
)
CSRF_FAILED = (
    "`permission_denied`: with session (browser) authentication, the CSRF token is missing or wrong. "
    "Token authentication needs no CSRF token."
)
INVALID_BODY = (
    "`invalid`: the body is not valid, `details` maps each field to its messages. "
    "`parse_error`: the body is not well-formed JSON."
)


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.details or None), status=exc.status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "The request is not valid.", response.data)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = error_body(exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code, detail)
    else:  # pragma: no cover - DRF only maps APIException and Http404/PermissionDenied
        body = error_body("error", str(exc))
    response.data = body
    return response


def json_not_found(request, exception=None):
    return JsonResponse(
        error_body("not_found", f"There is no API endpoint at {request.path}."), status=status.HTTP_404_NOT_FOUND
    )
