"""Every error under /api/ answers with the API's JSON error body, never an HTML page.

Django and its middleware answer some errors themselves with HTML (an unknown path, a request too large,
a refused host or CSRF token, a server error in production). For paths under ``/api/`` those answers are
replaced by ``{"error": {"code", "message"}}`` with the same status, and an unhandled exception becomes a
JSON 500 (logged as Django would log it).
"""

from django.http import JsonResponse

from microcred.api.errors import error_body, json_not_found
from microcred.core.errors import log_server_error

CODES = {
    400: ("bad_request", "The request is malformed."),
    403: ("forbidden", "You may not do this."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request is too large."),
    415: ("unsupported_media_type", "The request's media type is not supported."),
    429: ("rate_limited", "Too many requests; wait a minute."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
    503: ("unavailable", "The service is unavailable; try again shortly."),
}


def is_api(request) -> bool:
    return request.path.startswith("/api/")


class JsonErrorsForApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            if response.status_code == 404:
                return json_not_found(request)
            code, message = CODES.get(response.status_code, ("error", "The request could not be handled."))
            replaced = JsonResponse(error_body(code, message), status=response.status_code)
            if response.has_header("Retry-After"):
                replaced["Retry-After"] = response["Retry-After"]
            return replaced
        return response

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        from django.conf import settings

        if settings.DEBUG:
            return None  # the developer's traceback page
        log_server_error(request, exception)
        code, message = CODES[500]
        return JsonResponse(error_body(code, message), status=500)
