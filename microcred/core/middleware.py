"""Request hygiene shared by every page and the API."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string answers 400 before any view runs.

    No identifier, search text or filter value of ours contains one, and PostgreSQL refuses NUL in text
    ("text fields cannot contain NUL (0x00) bytes"), which made such requests server errors. (Form and
    API body fields refuse NUL through Django's and DRF's own validators.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query.replace("+", " ")):
            return HttpResponseBadRequest(
                _("The address contains a NUL character, which no page or search accepts."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
