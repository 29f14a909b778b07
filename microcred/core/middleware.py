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


# Content-Security-Policy (CSP Level 3): everything from our own origin, no inline script or style, no
# plugins, no framing. The pages need nothing else: scripts and styles are files under /static/, the QR code
# is inline SVG markup (not script), images are ours or data: (baked badge previews). The Django admin
# keeps a few inline style attributes of its own, so only there may styles be inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# Permissions Policy: no page uses a powerful feature.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (others come from Django's
    SecurityMiddleware: nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS in production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:  # a view may set a stricter one (e.g. sandbox)
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_CONTENT_SECURITY_POLICY if admin else CONTENT_SECURITY_POLICY
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SameForEveryoneMiddleware:
    """First in MIDDLEWARE, so it sees the response last: a response its view marked ``same_for_everyone`` (a
    status list, a DID document: the same bytes whatever the language or cookies) loses the ``Vary`` the locale
    and session middleware add, so a CDN keeps one copy of it for everyone (RFC 9111 §4.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "same_for_everyone", False) and response.has_header("Vary"):
            del response["Vary"]
        return response
