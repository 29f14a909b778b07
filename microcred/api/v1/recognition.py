"""Recognition of credentials by the member universities (issue #12, item 5; policy 6.6, 7.26), with the same rules
as the pages: the learner's requests (`me/recognition-requests`: list, ask, read, appeal), the recognition officers'
queue and decisions (`recognition-requests`), and the agreements register (`recognition-agreements`: public list;
officers and the alliance admin add and change)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import (
    CSRF_FAILED,
    INVALID_BODY,
    NOT_AUTHENTICATED,
    REJECTED_CREDENTIALS,
    documented_error,
    error_body,
)
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT, LINE_TEXT
from microcred.recognition import permissions, selectors, services
from microcred.recognition.exceptions import NotAllowed, RequestNotFound
from microcred.recognition.models import MAX_ECTS, Outcome, RecognitionAgreement, RecognitionRequest

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_REQUEST = documented_error(
    "`recognition_request_not_found`: there is no such request, or you may not see it (the two look the same)."
)
NO_AGREEMENT = documented_error(
    "`recognition_agreement_not_found`: there is no such agreement, or you may not change it (the two look the same)."
)
MAX_ID = 2**31 - 1
STATES = ["submitted", "recognised", "recognised_in_part", "refused", "under_appeal", "appeal_decided"]


# What is answered ----------------------------------------------------------------------------------------------


class RecognitionAnnexOut(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    issuer = serializers.CharField(allow_blank=True)
    ects = serializers.CharField(allow_null=True, help_text="ECTS credits, as the credential states them.")
    eqf_level = serializers.IntegerField(allow_null=True)
    learning_outcomes = serializers.ListField(child=serializers.CharField())
    assessment_types = serializers.ListField(child=serializers.CharField(), help_text="Codes (ours only).")
    awarded_on = serializers.CharField(allow_blank=True, help_text="YYYY-MM-DD, when known.")
    credential_id = serializers.CharField(allow_blank=True)


class RecognitionDecisionOut(serializers.Serializer):
    stage = NamedChoiceField("RecognitionStageEnum", choices=["first", "appeal"])
    outcome = NamedChoiceField("RecognitionOutcomeEnum", choices=Outcome.choices)
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=True)
    recognised_as = serializers.CharField(allow_blank=True)
    not_recognised = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    from_agreement = serializers.BooleanField()
    changed = serializers.BooleanField(help_text="An appeal's decision that differs from the first.")
    decided_at = serializers.DateTimeField()


class RecognitionVerificationOut(serializers.Serializer):
    result = NamedChoiceField("VerificationResultEnum", choices=["valid", "invalid", "could_not_check"])
    reason = serializers.CharField(allow_blank=True)
    verified_at = serializers.DateTimeField()


class RecognitionRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    university = serializers.IntegerField()
    university_name = serializers.CharField()
    programme = serializers.CharField()
    course_hoped = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)
    source = NamedChoiceField("RecognitionSourceEnum", choices=RecognitionRequest.Source.choices)
    credential = serializers.UUIDField(allow_null=True, help_text="One of ours, when it is.")
    credential_annex = RecognitionAnnexOut(help_text="The Annex 1 elements of the verified credential.")
    verification = RecognitionVerificationOut(help_text="What our verifier found when the request was made.")
    state = NamedChoiceField("RecognitionStateEnum", choices=STATES)
    outcome = NamedChoiceField("RecognitionOutcomeEnum", choices=Outcome.choices, allow_null=True)
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=True)
    recognised_as = serializers.CharField(allow_blank=True)
    not_recognised = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    proposed_agreement = serializers.IntegerField(allow_null=True, help_text="The agreement the request matched.")
    appeal_until = serializers.DateTimeField(allow_null=True)
    appeal_reason = serializers.CharField(allow_blank=True)
    appeal_flagged = serializers.BooleanField(help_text="The appeal went to the manager or admin: no second officer.")
    decisions = RecognitionDecisionOut(many=True)
    created_at = serializers.DateTimeField()


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def _annex(annex: dict) -> dict:
    eqf = annex.get("eqf_level")
    return {
        "title": str(annex.get("title") or ""),
        "issuer": str(annex.get("issuer") or ""),
        "ects": str(annex["ects"]) if annex.get("ects") else None,
        "eqf_level": int(eqf) if isinstance(eqf, int) else None,
        "learning_outcomes": [str(o) for o in annex.get("learning_outcomes") or []],
        "assessment_types": [str(a) for a in annex.get("assessment_types") or []],
        "awarded_on": str(annex.get("awarded_on") or ""),
        "credential_id": str(annex.get("credential_id") or ""),
    }


def _request(r: RecognitionRequest) -> dict:
    return {
        "id": r.pk,
        "university": r.institution_id,
        "university_name": r.institution.name,
        "programme": r.programme,
        "course_hoped": r.course_hoped,
        "message": r.message,
        "source": r.source,
        "credential": r.credential.uuid if r.credential_id else None,
        "credential_annex": _annex(r.annex or {}),
        "verification": {
            "result": r.verification.result,
            "reason": r.verification.reason,
            "verified_at": r.verification.verified_at,
        },
        "state": r.state,
        "outcome": r.outcome or None,
        "ects": _decimal(r.ects),
        "recognised_as": r.recognised_as,
        "not_recognised": r.not_recognised,
        "reason": r.reason,
        "proposed_agreement": r.proposed_agreement_id,
        "appeal_until": r.appeal_until,
        "appeal_reason": r.appeal_reason,
        "appeal_flagged": r.appeal_flagged,
        "decisions": [
            {
                "stage": d.stage,
                "outcome": d.outcome,
                "ects": _decimal(d.ects),
                "recognised_as": d.recognised_as,
                "not_recognised": d.not_recognised,
                "reason": d.reason,
                "from_agreement": d.agreement_id is not None,
                "changed": d.changed,
                "decided_at": d.decided_at,
            }
            for d in r.decisions.all()
        ],
        "created_at": r.created_at,
    }


class RecognitionRequestListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the matching requests (`results` holds the first 500).")
    results = RecognitionRequestOut(many=True)


# The learner ---------------------------------------------------------------------------------------------------


class RecognitionRequestIn(serializers.Serializer):
    credential = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your credentials (its uuid), or…"
    )
    document = serializers.JSONField(
        required=False,
        allow_null=True,
        default=None,
        help_text="…another issuer's Open Badges 3.0 credential, as a JSON object.",
    )
    university = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A member university's id.")
    programme = serializers.CharField(max_length=LINE_TEXT)
    course_hoped = serializers.CharField(max_length=LINE_TEXT, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")


class MyRequestListApi(APIView):
    """Your recognition requests, newest first; or ask a member university to recognise a credential."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_recognition_requests_list",
        responses={200: RecognitionRequestListOut, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        qs = selectors.requests_of(request.user)
        return Response({"count": qs.count(), "results": [_request(r) for r in qs[:500]]})

    @extend_schema(
        operation_id="me_recognition_requests_create",
        request=RecognitionRequestIn,
        responses={
            201: OpenApiResponse(RecognitionRequestOut, description="The request, sent to the university's officers."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when neither or both of credential and document are given, the "
                "credential is not yours, or the university is not a member."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(CSRF_FAILED),
            409: documented_error(
                "`already_requested`: you have already asked this university about this credential for this programme."
            ),
            422: documented_error(
                "`credential_not_verified`: the credential did not pass verification; `details` holds the "
                "verifier's result and checks. Nothing was sent."
            ),
        },
    )
    def post(self, request):
        data = RecognitionRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        created = services.submit_request(
            learner=request.user,
            institution_id=d["university"],
            programme=d["programme"],
            course_hoped=d["course_hoped"],
            message=d["message"],
            credential_uuid=d["credential"],
            document=d["document"],
        )
        return Response(_request(selectors.request_for(request.user, created.pk)), status=status.HTTP_201_CREATED)


class MyRequestApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_recognition_requests_retrieve",
        responses={200: RecognitionRequestOut, 401: UNAUTHENTICATED, 404: NO_REQUEST},
    )
    def get(self, request, pk: int):
        r = selectors.request_for(request.user, pk)
        if r.learner_id != request.user.pk:
            raise RequestNotFound()
        return Response(_request(r))


class RecognitionAppealIn(serializers.Serializer):
    reason = serializers.CharField(max_length=COMMENT_TEXT)


class MyAppealApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_recognition_requests_appeal_create",
        request=RecognitionAppealIn,
        responses={
            200: OpenApiResponse(RecognitionRequestOut, description="The request, under appeal."),
            400: documented_error(f"{INVALID_BODY} `invalid` also when the reason is only spaces."),
            401: UNAUTHENTICATED,
            403: documented_error(CSRF_FAILED),
            404: NO_REQUEST,
            409: documented_error(
                "`wrong_state`: not decided yet, or already appealed (one appeal only). `appeal_too_late`: the time "
                "to appeal (RECOGNITION_APPEAL_DAYS after the decision) has ended."
            ),
        },
    )
    def post(self, request, pk: int):
        data = RecognitionAppealIn(data=request.data)
        data.is_valid(raise_exception=True)
        r = services.appeal(user=request.user, request_id=pk, reason=data.validated_data["reason"])
        return Response(_request(selectors.request_for(request.user, r.pk)))


# Recognition officers ------------------------------------------------------------------------------------------


class QueueApi(APIView):
    """The requests you decide on: your universities' as a recognition officer (appeals that came to you as an
    institutional manager; all for the alliance admin). Oldest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recognition_requests_list",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=list(selectors.QUEUE_STATES),
                description="waiting (the default: new requests and appeals), decided, or all.",
            )
        ],
        responses={
            200: RecognitionRequestListOut,
            400: documented_error("`invalid`: state is not waiting, decided or all."),
            401: UNAUTHENTICATED,
            403: documented_error("`not_allowed`: only recognition officers (and managers, the admin) have a queue."),
        },
    )
    def get(self, request):
        if not permissions.may_view_queue(request.user):
            raise NotAllowed("Only recognition officers have a queue of recognition requests.")
        state = request.query_params.get("state") or "waiting"
        if state not in selectors.QUEUE_STATES:
            return Response(
                error_body("invalid", "state is waiting, decided or all.", {"state": state[:50]}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        qs = selectors.queue_for(request.user, state)
        return Response({"count": qs.count(), "results": [_request(r) for r in qs[:500]]})


class QueueRequestApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recognition_requests_retrieve",
        responses={200: RecognitionRequestOut, 401: UNAUTHENTICATED, 404: NO_REQUEST},
    )
    def get(self, request, pk: int):
        return Response(_request(selectors.request_for(request.user, pk)))


class RecognitionDecisionIn(serializers.Serializer):
    use_agreement = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirm the decision the matching agreement proposes (the other fields are then ignored).",
    )
    outcome = NamedChoiceField(
        "RecognitionOutcomeEnum", choices=Outcome.choices, required=False, allow_blank=True, default=""
    )
    ects = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=MAX_ECTS, required=False, allow_null=True, default=None
    )
    recognised_as = serializers.CharField(max_length=LINE_TEXT, required=False, allow_blank=True, default="")
    not_recognised = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")


DECISION_ERRORS = {
    400: documented_error(
        f"{INVALID_BODY} `invalid` also when a recognition has no ECTS, more than the credential's, or no course, "
        "recognition in part does not say what is not recognised, a refusal has no reason, or no agreement applies."
    ),
    401: UNAUTHENTICATED,
    404: NO_REQUEST,
}


class DecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recognition_requests_decision_create",
        request=RecognitionDecisionIn,
        responses={
            200: OpenApiResponse(RecognitionRequestOut, description="The request, decided; the learner is e-mailed."),
            **DECISION_ERRORS,
            403: documented_error(
                f"`not_allowed`: only a recognition officer of the university decides. {CSRF_FAILED}"
            ),
            409: documented_error("`wrong_state`: the request has already been decided."),
        },
    )
    def post(self, request, pk: int):
        data = RecognitionDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        if d.pop("use_agreement"):
            r = services.confirm_proposed_decision(user=request.user, request_id=pk)
        else:
            r = services.decide_request(user=request.user, request_id=pk, **d)
        return Response(_request(selectors.request_for(request.user, r.pk)))


class RecognitionAppealDecisionIn(serializers.Serializer):
    outcome = NamedChoiceField("RecognitionOutcomeEnum", choices=Outcome.choices)
    ects = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=MAX_ECTS, required=False, allow_null=True, default=None
    )
    recognised_as = serializers.CharField(max_length=LINE_TEXT, required=False, allow_blank=True, default="")
    not_recognised = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")


class AppealDecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recognition_requests_appeal_decision_create",
        request=RecognitionAppealDecisionIn,
        responses={
            200: OpenApiResponse(RecognitionRequestOut, description="The request, its appeal decided (final)."),
            **DECISION_ERRORS,
            403: documented_error(
                "`not_allowed`: a second recognition officer of the university decides the appeal, never the one "
                f"who decided first. {CSRF_FAILED}"
            ),
            409: documented_error("`wrong_state`: there is no appeal waiting on this request."),
        },
    )
    def post(self, request, pk: int):
        data = RecognitionAppealDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        r = services.decide_appeal(user=request.user, request_id=pk, **data.validated_data)
        return Response(_request(selectors.request_for(request.user, r.pk)))


# Agreements ----------------------------------------------------------------------------------------------------


class RecognitionAgreementOut(serializers.Serializer):
    id = serializers.IntegerField()
    micro_credential = serializers.IntegerField()
    micro_credential_slug = serializers.CharField()
    university = serializers.IntegerField()
    university_name = serializers.CharField()
    programme = serializers.CharField()
    course = serializers.CharField()
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


def _agreement(a: RecognitionAgreement) -> dict:
    return {
        "id": a.pk,
        "micro_credential": a.micro_credential_id,
        "micro_credential_slug": a.micro_credential.slug,
        "university": a.institution_id,
        "university_name": a.institution.name,
        "programme": a.programme,
        "course": a.course,
        "ects": _decimal(a.ects),
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "note": a.note,
    }


class RecognitionAgreementListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the matching agreements (`results` holds the first 1,000).")
    results = RecognitionAgreementOut(many=True)


class RecognitionAgreementIn(serializers.Serializer):
    micro_credential = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    university = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    programme = serializers.CharField(max_length=LINE_TEXT)
    course = serializers.CharField(max_length=LINE_TEXT)
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=MAX_ECTS)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=COMMENT_TEXT, required=False, allow_blank=True, default="")


def _service_data(d: dict) -> dict:
    d = dict(d)
    if "university" in d:
        d["institution"] = d.pop("university")
    return d


class AgreementListApi(APIView):
    """The agreements register: public to read; recognition officers (for their university) and the alliance admin
    add agreements."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="recognition_agreements_list",
        parameters=[
            OpenApiParameter("university", int, description="Only this member university's agreements."),
            OpenApiParameter("micro_credential", int, description="Only this micro-credential's agreements."),
            OpenApiParameter("current", bool, description="Only those valid today."),
        ],
        responses={
            200: RecognitionAgreementListOut,
            400: documented_error("`invalid`: university and micro_credential are ids, current true or false."),
            401: documented_error(REJECTED_CREDENTIALS),
        },
    )
    def get(self, request):
        params = request.query_params
        errors = {
            name: "An id is a whole number."
            for name in ("university", "micro_credential")
            if params.get(name) and not (params[name].isascii() and params[name].isdigit() and len(params[name]) < 10)
        }
        if params.get("current", "false") not in ("true", "false"):
            errors["current"] = "true or false."
        if errors:
            return Response(error_body("invalid", "Some parameters are not valid.", errors), status=400)
        qs = selectors.agreements(
            institution_id=int(params["university"]) if params.get("university") else None,
            micro_credential_id=int(params["micro_credential"]) if params.get("micro_credential") else None,
            current_only=params.get("current") == "true",
        )
        return Response({"count": qs.count(), "results": [_agreement(a) for a in qs[:1000]]})

    @extend_schema(
        operation_id="recognition_agreements_create",
        request=RecognitionAgreementIn,
        responses={
            201: OpenApiResponse(RecognitionAgreementOut, description="The agreement, in the register."),
            400: documented_error(
                f"{INVALID_BODY} `invalid` also when the micro-credential or university does not exist, or the "
                "agreement ends before it starts."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only a recognition officer of that university or the alliance admin. {CSRF_FAILED}"
            ),
        },
    )
    def post(self, request):
        data = RecognitionAgreementIn(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.create_agreement(user=request.user, **_service_data(data.validated_data))
        return Response(_agreement(agreement), status=status.HTTP_201_CREATED)


class AgreementApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="recognition_agreements_partial_update",
        request=RecognitionAgreementIn,
        responses={
            200: RecognitionAgreementOut,
            400: documented_error(f"{INVALID_BODY} `invalid` also when the agreement would end before it starts."),
            401: UNAUTHENTICATED,
            403: documented_error(CSRF_FAILED),
            404: NO_AGREEMENT,
        },
    )
    def patch(self, request, pk: int):
        data = RecognitionAgreementIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        agreement = services.update_agreement(user=request.user, agreement_id=pk, **_service_data(data.validated_data))
        return Response(_agreement(agreement))
