"""Mounts each app's URLs and the versioned API. No views live here."""

from django.contrib import admin
from django.urls import include, path

from microcred.core import views as core_views
from microcred.operations import views as operations_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/live", core_views.healthz_live, name="healthz-live"),
    path("healthz/ready", core_views.healthz_ready, name="healthz-ready"),
    path("metrics", operations_views.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("microcred.api.v1.urls")),
    path("accounts/", include("microcred.accounts.urls")),
    path("audit/", include("microcred.audit.urls")),
    path("reference/", include("microcred.reference.urls")),
    path("proposals/", include("microcred.proposals.urls")),
    path("catalogue/", include("microcred.catalogue.urls")),
    path("pathways/", include("microcred.pathways.urls")),
    path("guide/", include("microcred.guide.urls")),
    path("handoffs/", include("microcred.handoffs.urls")),
    path("oidc/", include("microcred.accounts.oidc_urls")),
    path("", include("microcred.credentials.urls")),
    path("learning/", include("microcred.learning.urls")),
    path("", include("microcred.wallet.urls")),
    path("recognition/", include("microcred.recognition.urls")),
    path("privacy/", include("microcred.privacy.urls")),
    path("reporting/", include("microcred.reporting.urls")),
    path("quality/", include("microcred.quality.urls")),
    path("surveys/", include("microcred.surveys.urls")),
    path("", include("microcred.oid4vci.urls")),
    path("", include("microcred.exchanges.urls")),
    path("", include("microcred.seals.urls")),
    path("", include("microcred.core.urls")),
]

# The 500 page names the site without reading the database (microcred/core/errors.py); 403 and 404 are Django's
# handlers rendering templates/403.html and 404.html.
handler500 = "microcred.core.errors.server_error"
