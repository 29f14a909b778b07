"""A privacy notice whose purposes rely on consent (GDPR Art. 6(1)(a)) must be agreed to before a logged-in
person goes on: they are sent to the page that shows it and asks. Every other notice is only announced at
log-in (signals.py). The pages needed to read, agree, log out or change language stay open, and so does the API
(its clients are programs, not the person)."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from microcred.privacy import selectors

SESSION_KEY = "_privacy_agreed_notice"
OPEN_PREFIXES = ("/privacy/", "/static/", "/media/", "/i18n/", "/healthz", "/api/", "/oidc/")


class PrivacyConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request.path):
            current = selectors.current_version()
            if current is not None and current.requires_consent and request.session.get(SESSION_KEY) != current.pk:
                if not selectors.has_agreed(user, current.pk):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('privacy:agree')}?{query}")
                request.session[SESSION_KEY] = current.pk
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path.startswith((*OPEN_PREFIXES, static)) or path == reverse("accounts:logout")
