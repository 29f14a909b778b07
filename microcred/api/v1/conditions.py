"""/api/v1/conditions: the conditions of approval followed up (issue #14), with the same rules as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error, error_body
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT
from microcred.proposals import conditions, permissions, selectors
from microcred.proposals.models import ApprovalCondition

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_CONDITION = documented_error(
    "`condition_not_found`: there is no such condition, or you may not see it (the two look the same)."
)
STATE = documented_error(
    "`condition_state`: the condition's status does not allow this step (reported twice, already confirmed, "
    "confirmed or reopened before a report)."
)


class ConditionOut(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.IntegerField()
    proposal_reference = serializers.CharField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    owner = serializers.CharField(help_text="The owner university's slug (the proposer's university).")
    due_on = serializers.DateField()
    status = NamedChoiceField("ConditionStatusEnum", choices=ApprovalCondition.Status.choices)
    overdue = serializers.BooleanField(help_text="Past its due date and not reported as met.")
    report = serializers.CharField(allow_blank=True, help_text="How it was met, as reported.")
    reported_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    reopen_reason = serializers.CharField(allow_blank=True)
    actions_available = serializers.ListField(
        child=NamedChoiceField("ConditionActionEnum", choices=["report", "confirm", "reopen"]),
        help_text="What you may do with it now.",
    )


class ConditionListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = ConditionOut(many=True)


def _out(condition: ApprovalCondition, user) -> dict:
    actions = []
    if condition.awaits_owner and permissions.may_report_condition(user, condition):
        actions.append("report")
    if condition.status == ApprovalCondition.Status.REPORTED and permissions.may_confirm_condition(user, condition):
        actions += ["confirm", "reopen"]
    return {
        "id": condition.pk,
        "proposal": condition.proposal_id,
        "proposal_reference": condition.proposal.reference,
        "number": condition.number,
        "text": condition.text,
        "owner": condition.owner_institution.slug,
        "due_on": condition.due_on,
        "status": condition.status,
        "overdue": condition.is_overdue(),
        "report": condition.report,
        "reported_at": condition.reported_at,
        "confirmed_at": condition.confirmed_at,
        "reopen_reason": condition.reopen_reason,
        "actions_available": actions,
    }


class ConditionListApi(APIView):
    """Without `proposal`: the conditions on your action lists (to report on; for the board secretary, to confirm;
    for the council and the secretary, every one not yet confirmed). With it: that proposal's conditions."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conditions_list",
        parameters=[OpenApiParameter("proposal", int, description="Only this proposal's conditions.")],
        responses={
            200: ConditionListOut,
            400: documented_error("`invalid`: proposal is not a number."),
            401: UNAUTHENTICATED,
            404: documented_error(
                "`proposal_not_found`: there is no such proposal, or you may not see its conditions."
            ),
        },
    )
    def get(self, request):
        raw = request.query_params.get("proposal")
        if raw is not None:
            if not (raw.isascii() and raw.isdigit()):
                return Response(
                    error_body("invalid", "proposal is the number of a proposal.", {"proposal": raw[:50]}),
                    status=status.HTTP_400_BAD_REQUEST,
                )
            items = conditions.conditions_of_proposal(request.user, int(raw))
        else:
            seen = {}
            for _role, qs in selectors.condition_lists(request.user):
                for condition in qs:
                    seen.setdefault(condition.pk, condition)
            items = sorted(seen.values(), key=lambda c: (c.due_on, c.proposal.reference, c.number))
        return Response({"count": len(items), "results": [_out(c, request.user) for c in items]})


class ReportIn(serializers.Serializer):
    account = serializers.CharField(max_length=COMMENT_TEXT, help_text="How the condition was met.")


class ReopenIn(serializers.Serializer):
    reason = serializers.CharField(max_length=COMMENT_TEXT, help_text="Why the condition is not met yet.")


class ConditionReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conditions_report_create",
        request=ReportIn,
        responses={
            200: ConditionOut,
            400: documented_error(f"{INVALID_BODY} `invalid` also when the account is only spaces."),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: only the proposer, or a proposer or institutional manager of the owner university, "
                f"reports. {CSRF_FAILED}"
            ),
            404: NO_CONDITION,
            409: STATE,
        },
    )
    def post(self, request, pk: int):
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        condition = conditions.report_condition(
            user=request.user, condition_id=pk, account=data.validated_data["account"]
        )
        return Response(_out(condition, request.user))


class ConditionConfirmationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conditions_confirmation_create",
        request=None,
        responses={
            200: ConditionOut,
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only the board secretary confirms, never on their own proposal. {CSRF_FAILED}"
            ),
            404: NO_CONDITION,
            409: STATE,
        },
    )
    def post(self, request, pk: int):
        condition = conditions.confirm_condition(user=request.user, condition_id=pk)
        return Response(_out(condition, request.user))


class ConditionReopeningApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conditions_reopening_create",
        request=ReopenIn,
        responses={
            200: ConditionOut,
            400: documented_error(f"{INVALID_BODY} `invalid` also when the reason is only spaces."),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only the board secretary reopens, never on their own proposal. {CSRF_FAILED}"
            ),
            404: NO_CONDITION,
            409: STATE,
        },
    )
    def post(self, request, pk: int):
        data = ReopenIn(data=request.data)
        data.is_valid(raise_exception=True)
        condition = conditions.reopen_condition(
            user=request.user, condition_id=pk, reason=data.validated_data["reason"]
        )
        return Response(_out(condition, request.user))
