"""The versioned REST API. Each domain has its module here; this file only mounts them."""

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from microcred.api.v1 import accounts, kpis, proposals, verification
from microcred.api.v1 import catalogue as catalogue_api
from microcred.api.v1 import credentials as credentials_api
from microcred.api.v1 import learning as learning_api
from microcred.api.v1 import reference as reference_api

app_name = "api-v1"


class OpenApiJsonView(SpectacularAPIView):
    renderer_classes = [OpenApiJsonRenderer]
    permission_classes = [AllowAny]


urlpatterns = [
    path("openapi.json", OpenApiJsonView.as_view(), name="openapi"),
    path("me", accounts.MeApi.as_view(), name="me"),
    path("verify", verification.VerifyApi.as_view(), name="verify"),
    path("offerings/<int:pk>/credentials", credentials_api.OfferingIssuanceApi.as_view(), name="offering-issuance"),
    path("issuance-jobs/<int:pk>", credentials_api.IssuanceJobApi.as_view(), name="issuance-job"),
    path("credentials/<uuid:uuid>", credentials_api.CredentialApi.as_view(), name="credential"),
    path("credentials/<uuid:uuid>/revocation", credentials_api.RevocationApi.as_view(), name="revocation"),
    path("proposals", proposals.ProposalListApi.as_view(), name="proposals"),
    path("proposals/<int:pk>", proposals.ProposalDetailApi.as_view(), name="proposal"),
    path("proposals/<int:pk>/actions", proposals.ProposalActionApi.as_view(), name="proposal-action"),
    path("agenda-items/<int:item_id>/decision", proposals.DecisionApi.as_view(), name="decision"),
    path("audit-events", accounts.AuditEventListApi.as_view(), name="audit-events"),
    path("kpis", kpis.KpisApi.as_view(), name="kpis"),
    path("kpis/breakdowns", kpis.KpiBreakdownApi.as_view(), name="kpi-breakdowns"),
    path("kpis/series", kpis.KpiSeriesApi.as_view(), name="kpi-series"),
    path("skills", reference_api.SkillSearchApi.as_view(), name="skills"),
    path("occupations", reference_api.OccupationSearchApi.as_view(), name="occupations"),
    path("occupations/<str:reference>/skills", reference_api.OccupationSkillsApi.as_view(), name="occupation-skills"),
    path("catalogue", catalogue_api.CatalogueListApi.as_view(), name="catalogue"),
    path("catalogue/<str:reference>", catalogue_api.CatalogueDetailApi.as_view(), name="catalogue-detail"),
    path("me/enrolments", learning_api.MyEnrolmentsApi.as_view(), name="my-enrolments"),
    path("offerings/<int:pk>/enrolment", learning_api.EnrolmentApi.as_view(), name="offering-enrolment"),
    path("offerings/<int:pk>/enrolments", learning_api.OfferingEnrolmentsApi.as_view(), name="offering-enrolments"),
    path("offerings/<int:pk>/results", learning_api.OfferingResultsApi.as_view(), name="offering-results"),
    path("offerings/<int:pk>", learning_api.OfferingApi.as_view(), name="offering"),
    path(
        "offerings/<int:pk>/enrolments/<int:enrolment_id>/cancellation",
        learning_api.EnrolmentCancellationApi.as_view(),
        name="enrolment-cancellation",
    ),
    path("offerings/<int:pk>/imports", learning_api.OfferingImportsApi.as_view(), name="offering-imports"),
]
