"""The accounts' request middleware: staff sessions end after a time without activity."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import ngettext

from microcred.roles import is_staff_member


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (OWASP ASVS 3.3.2: idle
    timeout for accounts with privileges). Learners keep the normal session lifetime."""

    SESSION_KEY = "_last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.STAFF_SESSION_IDLE_SECONDS
        user = getattr(request, "user", None)
        if limit and user is not None and user.is_authenticated and is_staff_member(user):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - int(last) > limit:
                logout(request)
                minutes = max(1, limit // 60)
                messages.info(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity. Log in again to go on.",
                        "You were logged out after %(minutes)d minutes without activity. Log in again to go on.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
            elif last is None or now - int(last) >= 60:  # a session write at most once a minute
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)
