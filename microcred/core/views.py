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
def healthz(request):
    """200 {"status": "ok"} when the database answers, 503 otherwise, within HEALTHZ_DB_TIMEOUT seconds."""
    if not health.database_answers():
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    return JsonResponse({"status": "ok"})


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"sections": navigation_for(request.user)})
