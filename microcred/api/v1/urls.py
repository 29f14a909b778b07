"""The versioned REST API. Each domain has its module here; this file only mounts them."""

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from microcred.api.v1 import accounts, kpis, proposals, verification
from microcred.api.v1 import catalogue as catalogue_api
from microcred.api.v1 import conditions as conditions_api
from microcred.api.v1 import credentials as credentials_api
from microcred.api.v1 import guidance as guidance_api
from microcred.api.v1 import handoffs as handoffs_api
from microcred.api.v1 import learner_record as learner_record_api
from microcred.api.v1 import learning as learning_api
from microcred.api.v1 import my_pathways as my_pathways_api
from microcred.api.v1 import pathways as pathways_api
from microcred.api.v1 import quality as quality_api
from microcred.api.v1 import recognition as recognition_api
from microcred.api.v1 import reference as reference_api
from microcred.api.v1 import surveys as surveys_api

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
    path("proposals/<int:pk>/co-proposers", proposals.CoProposersApi.as_view(), name="proposal-co-proposers"),
    path(
        "proposals/<int:pk>/co-proposers/<int:person_id>",
        proposals.CoProposerApi.as_view(),
        name="proposal-co-proposer",
    ),
    path("agenda-items/<int:item_id>/decision", proposals.DecisionApi.as_view(), name="decision"),
    path("conditions", conditions_api.ConditionListApi.as_view(), name="conditions"),
    path("conditions/<int:pk>/report", conditions_api.ConditionReportApi.as_view(), name="condition-report"),
    path(
        "conditions/<int:pk>/confirmation",
        conditions_api.ConditionConfirmationApi.as_view(),
        name="condition-confirmation",
    ),
    path("conditions/<int:pk>/reopening", conditions_api.ConditionReopeningApi.as_view(), name="condition-reopening"),
    path("tasks", handoffs_api.TaskListApi.as_view(), name="tasks"),
    path("tasks/<int:pk>", handoffs_api.TaskApi.as_view(), name="task"),
    path("meetings/<int:pk>/papers", quality_api.MeetingPapersApi.as_view(), name="meeting-papers"),
    path("recommendations", quality_api.RecommendationListApi.as_view(), name="recommendations"),
    path("recommendations/<int:pk>", quality_api.RecommendationDetailApi.as_view(), name="recommendation"),
    path(
        "recommendations/<int:pk>/closure",
        quality_api.RecommendationClosureApi.as_view(),
        name="recommendation-closure",
    ),
    path("council-reports", quality_api.CouncilReportListApi.as_view(), name="council-reports"),
    path(
        "meetings/<int:pk>/council-reports", quality_api.MeetingCouncilReportsApi.as_view(), name="meeting-reports"
    ),
    path(
        "micro-credentials/<int:pk>/recommendations",
        quality_api.MicroCredentialRecommendationsApi.as_view(),
        name="micro-credential-recommendations",
    ),
    path("council-reports/<int:pk>/agenda", quality_api.CouncilReportAgendaApi.as_view(), name="council-report-agenda"),
    path("me/recognition-requests", recognition_api.MyRequestListApi.as_view(), name="my-recognition-requests"),
    path("me/recognition-requests/<int:pk>", recognition_api.MyRequestApi.as_view(), name="my-recognition-request"),
    path(
        "me/recognition-requests/<int:pk>/appeal",
        recognition_api.MyAppealApi.as_view(),
        name="my-recognition-request-appeal",
    ),
    path("recognition-requests", recognition_api.QueueApi.as_view(), name="recognition-requests"),
    path("recognition-requests/<int:pk>", recognition_api.QueueRequestApi.as_view(), name="recognition-request"),
    path(
        "recognition-requests/<int:pk>/decision",
        recognition_api.DecisionApi.as_view(),
        name="recognition-request-decision",
    ),
    path(
        "recognition-requests/<int:pk>/appeal-decision",
        recognition_api.AppealDecisionApi.as_view(),
        name="recognition-request-appeal-decision",
    ),
    path("recognition-agreements", recognition_api.AgreementListApi.as_view(), name="recognition-agreements"),
    path("recognition-agreements/<int:pk>", recognition_api.AgreementApi.as_view(), name="recognition-agreement"),
    path("audit-events", accounts.AuditEventListApi.as_view(), name="audit-events"),
    path("kpis", kpis.KpisApi.as_view(), name="kpis"),
    path("kpis/breakdowns", kpis.KpiBreakdownApi.as_view(), name="kpi-breakdowns"),
    path("kpis/series", kpis.KpiSeriesApi.as_view(), name="kpi-series"),
    path("survey-templates", surveys_api.TemplateListApi.as_view(), name="survey-templates"),
    path("survey-templates/<int:pk>", surveys_api.TemplateDetailApi.as_view(), name="survey-template"),
    path("survey-templates/<int:pk>/versions", surveys_api.TemplateVersionApi.as_view(), name="survey-template-versions"),
    path("surveys", surveys_api.SurveyListApi.as_view(), name="surveys"),
    path("surveys/answer", surveys_api.AnswerApi.as_view(), name="survey-answer"),
    path("surveys/<int:pk>", surveys_api.SurveyDetailApi.as_view(), name="survey"),
    path("surveys/<int:pk>/results", surveys_api.SurveyResultsApi.as_view(), name="survey-results"),
    path("skills", reference_api.SkillSearchApi.as_view(), name="skills"),
    path("occupations", reference_api.OccupationSearchApi.as_view(), name="occupations"),
    path("occupations/<str:reference>/skills", reference_api.OccupationSkillsApi.as_view(), name="occupation-skills"),
    path("skills/suggest", guidance_api.SkillSuggestApi.as_view(), name="skills-suggest"),
    path(
        "occupations/<str:reference>/micro-credentials",
        guidance_api.OccupationMicroCredentialsApi.as_view(),
        name="occupation-micro-credentials",
    ),
    path("guidance", guidance_api.GuidanceApi.as_view(), name="guidance"),
    path("catalogue", catalogue_api.CatalogueListApi.as_view(), name="catalogue"),
    path("catalogue/<str:reference>", catalogue_api.CatalogueDetailApi.as_view(), name="catalogue-detail"),
    path("pathways", pathways_api.PathwayListApi.as_view(), name="pathways"),
    path("pathways/<int:pk>", pathways_api.PathwayDetailApi.as_view(), name="pathway"),
    path("me/enrolments", learning_api.MyEnrolmentsApi.as_view(), name="my-enrolments"),
    path("me/record", learner_record_api.MyRecordApi.as_view(), name="my-record"),
    path("me/pathways", my_pathways_api.MyPathwaysApi.as_view(), name="my-pathways"),
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
