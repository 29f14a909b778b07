"""Our error pages (403, 404, 500: templates/403.html, 404.html, 500.html), also with DEBUG on.

With DEBUG off (production, the tests), Django's own handlers render those templates. With DEBUG on (`make run`,
the embedded default, which needs DEBUG for its development key and static files), Django would show its debug
pages instead: the URL patterns on a 404, the traceback and settings on a 500. A demo is seen by people who are
not developers, so DebugErrorPagesMiddleware shows our pages there too, unless DEBUG_ERROR_PAGES is on (a
developer who wants Django's pages). A 500 is still logged with its traceback, as Django logs it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("django.request")


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page with the site's name, and nothing else read: the error may be the database's."""
    template = loader.get_template(template_name)
    return defaults.HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME}))


def log_server_error(request, exception) -> None:
    """What Django's own handler does with an unhandled exception, for middleware that answers it instead: log it
    with its traceback on django.request, and send got_request_exception (error reporters see it, the test client
    re-raises it)."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exception,
        extra={"status_code": 500, "request": request},
    )
    signals.got_request_exception.send(sender=None, request=request)


def _ours(request) -> bool:
    """Whether our pages replace Django's debug pages for this request (never under /api/: JSON errors there)."""
    return settings.DEBUG and not settings.DEBUG_ERROR_PAGES and not request.path.startswith("/api/")


class DebugErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and _ours(request) and getattr(request, "resolver_match", None) is None:
            # No URL matched: Django answered with its debug page listing the URL patterns.
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not _ours(request):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django renders 403.html itself, with DEBUG on too; a bad request is a 400, not ours
        log_server_error(request, exception)
        return server_error(request)
