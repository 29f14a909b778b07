"""/api/v1/recommendations, /api/v1/council-reports and /api/v1/meetings/{id}/papers: the council report on the
agenda and its recommendations followed until closed (issue #14, policy 7.25), with the same rules as the pages."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error, error_body
from microcred.api.schema import NamedChoiceField
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import PermissionDenied
from microcred.core.text import COMMENT_TEXT
from microcred.proposals import papers
from microcred.proposals.models import AgendaPaper, Meeting
from microcred.proposals.permissions import can_read_paper, can_view_meetings
from microcred.quality import permissions, selectors, services
from microcred.quality.models import TITLE_TEXT, CouncilReport, Recommendation

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_RECOMMENDATION = documented_error(
    "`recommendation_not_found`: there is no such recommendation, or you may not see it (the two look the same)."
)
NO_REPORT = documented_error(
    "`council_report_not_found`: there is no such council report, or you may not see it (the two look the same)."
)
MAX_ID = 2**31 - 1


class MicroCredentialRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    status = NamedChoiceField("MicroCredentialStatusEnum", choices=["published", "retired"])


class RecommendationOut(serializers.Serializer):
    id = serializers.IntegerField()
    micro_credential = MicroCredentialRefOut()
    text = serializers.CharField()
    status = NamedChoiceField("RecommendationStatusEnum", choices=Recommendation.Status.choices)
    flagged = serializers.BooleanField(help_text="Open while its micro-credential was retired.")
    report = serializers.IntegerField(allow_null=True, help_text="The council report that proposed it.")
    meeting = serializers.IntegerField(allow_null=True, help_text="The Academic Council meeting that made it.")
    change_proposal = serializers.CharField(
        allow_null=True, help_text="The reference of the change proposal following it up, if any."
    )
    closed_how = NamedChoiceField("RecommendationClosureEnum", choices=Recommendation.Closure.choices, allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


def _recommendation(rec: Recommendation) -> dict:
    mc = rec.micro_credential
    return {
        "id": rec.pk,
        "micro_credential": {"id": mc.pk, "slug": mc.slug, "title": str(mc), "status": mc.status},
        "text": rec.text,
        "status": rec.status,
        "flagged": rec.is_flagged,
        "report": rec.report_id,
        "meeting": rec.meeting_id,
        "change_proposal": rec.change_proposal.reference if rec.change_proposal_id else None,
        "closed_how": rec.closed_how or None,
        "reason": rec.reason,
        "created_at": rec.created_at,
        "closed_at": rec.closed_at,
    }


class RecommendationListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the matching recommendations (`results` holds the first 500).")
    results = RecommendationOut(many=True)


class RecommendationIn(serializers.Serializer):
    text = serializers.CharField(max_length=COMMENT_TEXT)
    report = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text="A council report."
    )
    meeting = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="The Academic Council meeting that made it (without a report; a report's is its meeting).",
    )


class RecommendationListApi(APIView):
    """The recommendations you may see: all of them for the alliance's bodies and the quality office, those on your
    universities' micro-credentials for a proposer or manager. Most recent first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recommendations_list",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=list(selectors.STATES),
                description="open (the default), closed, flagged (open while the micro-credential was retired) or all.",
            )
        ],
        responses={
            200: RecommendationListOut,
            400: documented_error("`invalid`: state is not open, closed, flagged or all."),
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request):
        state = request.query_params.get("state") or "open"
        if state not in selectors.STATES:
            return Response(
                error_body("invalid", "state is open, closed, flagged or all.", {"state": state[:50]}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        qs = selectors.recommendations_seen_by(request.user, state)
        return Response({"count": qs.count(), "results": [_recommendation(r) for r in qs[:500]]})


class MicroCredentialRecommendationsApi(APIView):
    """Record a recommendation about a published micro-credential (the quality office)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="micro_credentials_recommendations_create",
        request=RecommendationIn,
        responses={
            201: OpenApiResponse(RecommendationOut, description="The recommendation, recorded and open."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when the micro-credential is retired, the text is "
                "only spaces, the report does not cover the micro-credential, or the meeting is not an Academic "
                "Council meeting."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(f"`not_allowed`: only the quality office records recommendations. {CSRF_FAILED}"),
            404: documented_error(
                "`not_found`: there is no such micro-credential. `council_report_not_found`: there is no such council "
                "report, or you may not see it."
            ),
        },
    )
    def post(self, request, pk: int):
        if pk > MAX_ID or not MicroCredential.objects.filter(pk=pk).exists():
            return Response(
                error_body("not_found", "There is no such micro-credential."), status=status.HTTP_404_NOT_FOUND
            )
        data = RecommendationIn(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.record_recommendation(
            user=request.user,
            micro_credential_id=pk,
            text=data.validated_data["text"],
            report_id=data.validated_data["report"],
            meeting_id=data.validated_data["meeting"],
        )
        return Response(_recommendation(rec), status=status.HTTP_201_CREATED)


class RecommendationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recommendations_retrieve",
        responses={200: RecommendationOut, 401: UNAUTHENTICATED, 404: NO_RECOMMENDATION},
    )
    def get(self, request, pk: int):
        return Response(_recommendation(services.get_recommendation(request.user, pk)))


class ClosureIn(serializers.Serializer):
    how = serializers.ChoiceField(choices=["done_otherwise", "not_followed"])
    reason = serializers.CharField(max_length=COMMENT_TEXT)


class RecommendationClosureApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recommendations_closure_create",
        request=ClosureIn,
        responses={
            200: RecommendationOut,
            400: documented_error(f"{INVALID_BODY} `invalid` also when the reason is only spaces."),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only the quality office or the board secretary closes a recommendation. {CSRF_FAILED}"
            ),
            404: NO_RECOMMENDATION,
            409: documented_error("`already_closed`: the recommendation is already closed; nothing changed."),
        },
    )
    def post(self, request, pk: int):
        data = ClosureIn(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.close_recommendation(user=request.user, recommendation_id=pk, **data.validated_data)
        return Response(_recommendation(rec))


class CouncilReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    meeting = serializers.IntegerField()
    status = NamedChoiceField("CouncilReportStatusEnum", choices=CouncilReport.Status.choices)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    micro_credentials = serializers.ListField(child=serializers.IntegerField())
    paper = serializers.IntegerField(allow_null=True, help_text="The agenda paper, once on the agenda.")
    created_at = serializers.DateTimeField()


def _report(report: CouncilReport) -> dict:
    return {
        "id": report.pk,
        "title": report.title,
        "meeting": report.meeting_id,
        "status": report.status,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "micro_credentials": sorted(mc.pk for mc in report.micro_credentials.all()),
        "paper": report.paper_id,
        "created_at": report.created_at,
    }


class CouncilReportListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the council reports (`results` holds the 100 most recent).")
    results = CouncilReportOut(many=True)


class CouncilReportIn(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_TEXT)
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    micro_credentials = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=500,
        help_text="Empty: every micro-credential with an offering that ended in the period.",
    )


class CouncilReportListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="council_reports_list",
        responses={
            200: CouncilReportListOut,
            401: UNAUTHENTICATED,
            403: documented_error(
                "`permission_denied`: only the quality office, the board secretary, the council and the alliance "
                "admin read council reports."
            ),
        },
    )
    def get(self, request):
        if not permissions.can_view_reports(request.user):
            raise PermissionDenied()
        qs = selectors.reports()
        return Response({"count": qs.count(), "results": [_report(r) for r in qs[:100]]})


class MeetingCouncilReportsApi(APIView):
    """Start a council report for an upcoming Academic Council meeting (the quality office): on the micro-credentials
    given or, without any, on those with an offering that ended in the period (so far, without a period)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="meetings_council_reports_create",
        request=CouncilReportIn,
        responses={
            201: OpenApiResponse(CouncilReportOut, description="The report, being prepared."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when the meeting is not an upcoming Academic Council meeting, the "
                "period ends before it starts, or there is nothing to cover (no offering ended)."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(f"`not_allowed`: only the quality office prepares council reports. {CSRF_FAILED}"),
            404: documented_error("`not_found`: there is no such meeting."),
        },
    )
    def post(self, request, pk: int):
        if pk > MAX_ID or not Meeting.objects.filter(pk=pk).exists():
            return Response(error_body("not_found", "There is no such meeting."), status=status.HTTP_404_NOT_FOUND)
        data = CouncilReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        report = services.create_report(
            user=request.user,
            meeting_id=pk,
            title=v["title"],
            period_start=v["period_start"],
            period_end=v["period_end"],
            micro_credential_ids=v["micro_credentials"],
        )
        return Response(_report(report), status=status.HTTP_201_CREATED)


class CouncilReportAgendaApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="council_reports_agenda_create",
        request=None,
        responses={
            200: OpenApiResponse(CouncilReportOut, description="The report's PDF drawn and put on the agenda."),
            400: documented_error("`invalid`: the report's meeting has already taken place."),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only the quality office puts its council reports on the agenda. {CSRF_FAILED}"
            ),
            404: NO_REPORT,
            409: documented_error("`already_on_agenda`: the report is already on the agenda; nothing changed."),
        },
    )
    def post(self, request, pk: int):
        return Response(_report(services.put_report_on_agenda(user=request.user, report_id=pk)))


class PaperOut(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = NamedChoiceField("AgendaPaperKindEnum", choices=AgendaPaper.Kind.choices)
    title = serializers.CharField()
    presenter = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes of the PDF.")
    sha256 = serializers.CharField()
    download = serializers.CharField(help_text="Where the PDF is downloaded (a page of the platform).")
    noted_at = serializers.DateTimeField(allow_null=True)
    noted_minutes = serializers.CharField(allow_blank=True)


class PaperListOut(serializers.Serializer):
    meeting = serializers.IntegerField()
    results = PaperOut(many=True)


class MeetingPapersApi(APIView):
    """The papers on a meeting's agenda that you may read (the meeting's members and the alliance admin read them
    all; who placed or presents a paper reads it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="meetings_papers_list",
        responses={
            200: PaperListOut,
            401: UNAUTHENTICATED,
            404: documented_error(
                "`meeting_not_found`: there is no such meeting, or you may read nothing of it (the two look the same)."
            ),
        },
    )
    def get(self, request, pk: int):
        meeting = Meeting.objects.filter(pk=pk).first() if pk <= MAX_ID else None
        readable = (
            [p for p in papers.papers_of(meeting) if can_read_paper(request.user, p)] if meeting is not None else []
        )
        if meeting is None or not (readable or can_view_meetings(request.user)):
            return Response(
                error_body("meeting_not_found", "There is no such meeting, or you may read nothing of it."),
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(
            {
                "meeting": meeting.pk,
                "results": [
                    {
                        "id": p.pk,
                        "order": p.order,
                        "kind": p.kind,
                        "title": p.title,
                        "presenter": str(p.presenter),
                        "size": p.size,
                        "sha256": p.sha256,
                        "download": request.build_absolute_uri(reverse("proposals:paper", args=[p.pk])),
                        "noted_at": p.noted_at,
                        "noted_minutes": p.noted_minutes,
                    }
                    for p in readable
                ],
            }
        )
