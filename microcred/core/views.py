"""Site-wide pages: home, the signed-in dashboard, health."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from microcred.core import health
from microcred.core.navigation import navigation_for


@require_GET
@never_cache
def healthz_live(request):
    """Liveness: the process answers (nothing else is asked, so a slow database never restarts the web)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def healthz_ready(request):
    """Readiness: 200 when the database, the cache and the broker each answer within HEALTHZ_DB_TIMEOUT
    seconds, 503 otherwise; the body names each component's state. /healthz is the same (older monitors)."""
    ready, states = health.readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", **states}, status=200 if ready else 503)


healthz = healthz_ready


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"sections": navigation_for(request.user)})
