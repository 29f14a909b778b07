"""The Prometheus scrape (/metrics): thin; what is measured is in metrics.py."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from microcred.operations import metrics


@require_GET
@never_cache
def metrics_view(request):
    """The metrics, to a scraper that sends "Authorization: Bearer <METRICS_TOKEN>".

    No METRICS_TOKEN: the endpoint does not exist (404). A missing or wrong token: 401.
    """
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not metrics.token_matches(request.headers.get("Authorization", ""), token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
