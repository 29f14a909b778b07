"""The versioned REST API. Each domain has its module here; this file only mounts them."""

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from microcred.api.v1 import accounts

app_name = "api-v1"


class OpenApiJsonView(SpectacularAPIView):
    renderer_classes = [OpenApiJsonRenderer]
    permission_classes = [AllowAny]


urlpatterns = [
    path("openapi.json", OpenApiJsonView.as_view(), name="openapi"),
    path("me", accounts.MeApi.as_view(), name="me"),
    path("audit-events", accounts.AuditEventListApi.as_view(), name="audit-events"),
]
