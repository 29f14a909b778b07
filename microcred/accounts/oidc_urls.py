"""OpenID Connect log-in routes, answering 404 unless OIDC_ENABLED is set."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from microcred.accounts.oidc import ThrottledCallbackView


def _only_when_enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not enabled.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("callback/", _only_when_enabled(ThrottledCallbackView.as_view()), name="oidc_authentication_callback"),
    path("authenticate/", _only_when_enabled(OIDCAuthenticationRequestView.as_view()), name="oidc_authentication_init"),
]
