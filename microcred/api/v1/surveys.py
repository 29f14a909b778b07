"""/api/v1/survey-templates, /api/v1/surveys and /api/v1/surveys/answer: post-delivery surveys (policy 7.25), with
the same rules as the pages: templates for the quality office, results from 5 responses, free text for the quality
office only, and anonymous answering by the one-time token of the e-mail (no log-in)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error, error_body
from microcred.api.schema import NamedChoiceField
from microcred.surveys import permissions, selectors, services
from microcred.surveys.exceptions import SurveyNotFound
from microcred.surveys.models import (
    CHOICE_TEXT,
    QUESTION_TEXT,
    Audience,
    Question,
    Survey,
    SurveyTemplate,
)

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
TEMPLATES_REFUSED = documented_error("`not_allowed`: only the quality office and the alliance admin keep templates.")
NO_TEMPLATE = documented_error("`not_found`: there is no such template.")
NO_SURVEY = documented_error(
    "`survey_not_found`: there is no such survey, or you may not see it (the two look the same)."
)
STATES = ("open", "closed")
MAX_ID = 2**31 - 1

# --- templates ----------------------------------------------------------------------------------------------------


def _texts_in(name: str, limit: int, what: str):
    """A text in each interface language: English required, the others optional (English is shown instead)."""
    from django.conf import settings

    fields = {
        code: serializers.CharField(
            max_length=limit,
            required=code == "en",
            allow_blank=code != "en",
            help_text=f"{what} in {label}" + ("" if code == "en" else " (optional)") + ".",
        )
        for code, label in settings.LANGUAGES
    }
    return type(name, (serializers.Serializer,), fields)


QuestionTextIn = _texts_in("QuestionTextIn", QUESTION_TEXT, "The question")
ChoiceLabelIn = _texts_in("ChoiceLabelIn", CHOICE_TEXT, "The option")


class QuestionOut(serializers.Serializer):
    key = serializers.CharField(help_text="Stable across versions: results add up by it.")
    position = serializers.IntegerField()
    kind = NamedChoiceField("SurveyQuestionKindEnum", choices=Question.Kind.choices)
    required = serializers.BooleanField()
    text = serializers.DictField(child=serializers.CharField(), help_text="language → text; English always there.")
    choices = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text='Choice questions: [{"key": …, "label": {language: text}}], in order.',
    )


class VersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    surveys = serializers.IntegerField(help_text="Surveys sent with this version (it no longer changes once sent).")


class TemplateOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    audience = NamedChoiceField("SurveyAudienceEnum", choices=Audience.choices)
    is_default = serializers.BooleanField(help_text="Sent to its audience when an offering ends.")
    latest_version = serializers.IntegerField(allow_null=True)


class TemplateDetailOut(TemplateOut):
    versions = VersionOut(many=True)
    questions = QuestionOut(many=True, help_text="The latest version's.")


class TemplateListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = TemplateOut(many=True)


class QuestionIn(serializers.Serializer):
    key = serializers.SlugField(max_length=50, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    required = serializers.BooleanField(default=False)
    text = QuestionTextIn()
    choices = ChoiceLabelIn(many=True, required=False, default=list, max_length=30)


class VersionIn(serializers.Serializer):
    questions = QuestionIn(many=True, max_length=100)


def _question(question: Question) -> dict:
    return {
        "key": question.key,
        "position": question.position,
        "kind": question.kind,
        "required": question.required,
        "text": question.text,
        "choices": [{"key": c.key, "label": c.label_text} for c in question.choices.all()],
    }


def _template(template: SurveyTemplate, *, detail: bool = False) -> dict:
    latest = template.latest_version
    out = {
        "id": template.pk,
        "name": template.name,
        "audience": template.audience,
        "is_default": template.is_default,
        "latest_version": latest.number if latest else None,
    }
    if detail:
        out["versions"] = [
            {"number": v.number, "created_at": v.created_at, "surveys": v.surveys.count()}
            for v in template.versions.order_by("number")
        ]
        out["questions"] = (
            [_question(q) for q in latest.questions.prefetch_related("choices").order_by("position", "pk")]
            if latest
            else []
        )
    return out


def _check_templates(user) -> None:
    permissions.check_can_manage_templates(user)


def _template_or_404(pk: int) -> SurveyTemplate | Response:
    template = SurveyTemplate.objects.filter(pk=pk).first()
    if template is None:
        return Response(error_body("not_found", "There is no such template."), status=status.HTTP_404_NOT_FOUND)
    return template


class TemplateListApi(APIView):
    """The survey templates (quality office and alliance admin)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="survey_templates_list",
        responses={200: TemplateListOut, 401: UNAUTHENTICATED, 403: TEMPLATES_REFUSED},
    )
    def get(self, request):
        _check_templates(request.user)
        templates = list(selectors.templates())
        return Response({"count": len(templates), "results": [_template(t) for t in templates]})


class TemplateDetailApi(APIView):
    """One template: its versions and the questions of its latest version, every text in every language given."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="survey_templates_retrieve",
        responses={200: TemplateDetailOut, 401: UNAUTHENTICATED, 403: TEMPLATES_REFUSED, 404: NO_TEMPLATE},
    )
    def get(self, request, pk: int):
        _check_templates(request.user)
        template = _template_or_404(pk)
        if isinstance(template, Response):
            return template
        return Response(_template(template, detail=True))


class TemplateVersionApi(APIView):
    """Publish a new version of a template with exactly these questions (a question keeps the `key` it names, so
    results add up across versions). Surveys already sent keep their version; new ones are sent with this one."""

    permission_classes = [IsAuthenticated]
    # JSON only: the questions are a list of objects, which a form body cannot carry (a form-encoded nested list
    # was read in part, leaving bytes on the connection).
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="survey_templates_versions_create",
        request=VersionIn,
        responses={
            201: OpenApiResponse(TemplateDetailOut, description="The template with its new version."),
            400: documented_error(
                f"{INVALID_BODY} `template_invalid`: a question's English text is missing, a text too long or not "
                "one line, a choice question with fewer than two options, options on another kind, no questions, "
                "or two questions with one key; `details.fields` names each."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`not_allowed`: only the quality office and the alliance admin keep templates. {CSRF_FAILED}"
            ),
            404: NO_TEMPLATE,
        },
    )
    def post(self, request, pk: int):
        _check_templates(request.user)
        template = _template_or_404(pk)
        if isinstance(template, Response):
            return template
        data = VersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        specs = [
            services.QuestionSpec(
                kind=q["kind"], text=q["text"], required=q["required"], choices=q["choices"], key=q["key"]
            )
            for q in data.validated_data["questions"]
        ]
        services.publish_version(actor=request.user, template=template, questions=specs)
        return Response(_template(template, detail=True), status=status.HTTP_201_CREATED)


# --- surveys --------------------------------------------------------------------------------------------------------


class SurveyOut(serializers.Serializer):
    id = serializers.IntegerField()
    offering = serializers.IntegerField()
    micro_credential = serializers.IntegerField()
    title = serializers.CharField()
    university = serializers.CharField(help_text="The delivering university's short name.")
    audience = NamedChoiceField("SurveyAudienceEnum", choices=Audience.choices)
    status = NamedChoiceField("SurveyStatusEnum", choices=Survey.Status.choices)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    template = serializers.IntegerField()
    template_version = serializers.IntegerField()
    invited = serializers.IntegerField()
    responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True, help_text="responses / invited, 0 to 1.")


class SurveyDetailOut(SurveyOut):
    questions = QuestionOut(many=True, help_text="The questions of the version it was sent with.")


class SurveyListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the matching surveys (`results` holds the first 500).")
    results = SurveyOut(many=True)


def _survey(survey: Survey, invited: int, responses: int) -> dict:
    return {
        "id": survey.pk,
        "offering": survey.offering_id,
        "micro_credential": survey.offering.micro_credential_id,
        "title": survey.offering.version.title,
        "university": survey.offering.institution.short_name,
        "audience": survey.audience,
        "status": survey.status,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "template": survey.template_version.template_id,
        "template_version": survey.template_version.number,
        "invited": invited,
        "responses": responses,
        "response_rate": selectors.rate(responses, invited),
    }


def _visible(user):
    scope = permissions.visible_surveys_filter(user)
    return Survey.objects.none() if scope is None else Survey.objects.filter(scope)


def _visible_survey(user, pk: int) -> Survey:
    survey = selectors.surveys_with_counts(_visible(user).filter(pk=pk)).first()
    if survey is None or not permissions.can_view_survey_results(user, survey):
        raise SurveyNotFound()
    return survey


class SurveyListApi(APIView):
    """The surveys whose results you may read (every one for the quality office and the alliance admin, your own
    offerings' for their staff and university managers), with their response counts and rates; latest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="surveys_list",
        parameters=[OpenApiParameter("state", str, enum=list(STATES), description="open or closed; both if absent.")],
        responses={
            200: SurveyListOut,
            400: documented_error("`invalid`: state is not open or closed."),
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request):
        state = request.query_params.get("state")
        surveys = _visible(request.user)
        if state is not None:
            if state not in STATES:
                return Response(
                    error_body("invalid", "state is open or closed.", {"state": state[:50]}),
                    status=status.HTTP_400_BAD_REQUEST,
                )
            surveys = surveys.filter(selectors.open_closed_filter(state))
        rows = selectors.surveys_with_counts(surveys)
        return Response(
            {
                "count": rows.count(),
                "results": [_survey(s, s.invited_count, s.response_count) for s in rows[:500]],
            }
        )


class SurveyDetailApi(APIView):
    """One survey: its offering, dates, counts and the questions of the version it was sent with."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="surveys_retrieve", responses={200: SurveyDetailOut, 401: UNAUTHENTICATED, 404: NO_SURVEY}
    )
    def get(self, request, pk: int):
        survey = _visible_survey(request.user, pk)
        out = _survey(survey, survey.invited_count, survey.response_count)
        out["questions"] = [
            _question(q) for q in survey.template_version.questions.prefetch_related("choices").order_by("position")
        ]
        return Response(out)


# --- results ----------------------------------------------------------------------------------------------------


class BarOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class QuestionResultOut(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    kind = NamedChoiceField("SurveyQuestionKindEnum", choices=Question.Kind.choices)
    answered = serializers.IntegerField()
    distribution = BarOut(many=True, help_text="1 to 5 for agreement, each option for choices; empty for free text.")
    mean = serializers.FloatField(allow_null=True, help_text="Agreement (1 to 5) questions only.")
    comments = serializers.ListField(
        child=serializers.CharField(), help_text="Free-text answers: for the quality office only (empty otherwise)."
    )


class ResultsOut(serializers.Serializer):
    survey = serializers.IntegerField()
    invited = serializers.IntegerField()
    responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    shown = serializers.BooleanField(
        help_text=f"False below {selectors.MIN_RESPONSES_SHOWN} responses: then `questions` is empty."
    )
    hidden_reason = serializers.CharField(allow_blank=True)
    questions = QuestionResultOut(many=True)


class SurveyResultsApi(APIView):
    """The results of one survey, shown only from 5 responses (fewer: the counts only, to protect anonymity)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="surveys_results_retrieve", responses={200: ResultsOut, 401: UNAUTHENTICATED, 404: NO_SURVEY}
    )
    def get(self, request, pk: int):
        survey = _visible_survey(request.user, pk)
        results = selectors.results_for_survey(survey, include_comments=permissions.can_read_comments(request.user))
        return Response(
            {
                "survey": survey.pk,
                "invited": results.invited,
                "responses": results.responses,
                "response_rate": results.response_rate,
                "shown": results.shown,
                "hidden_reason": results.hidden_reason,
                "questions": [
                    {
                        "key": q.key,
                        "text": q.text,
                        "kind": q.kind,
                        "answered": q.answered,
                        "distribution": [{"key": b.key, "label": b.label, "count": b.count} for b in q.distribution],
                        "mean": q.mean,
                        "comments": list(q.comments),
                    }
                    for q in results.questions
                ],
            }
        )


# --- answering ------------------------------------------------------------------------------------------------


class AnswerIn(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The one-time token of the e-mail's link.")
    survey = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Optional: a token for another survey is refused."
    )
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="question key → an integer 1 to 5 (agreement), an option's key (one choice), a list of options' "
        "keys (several), or a text of up to 2,000 characters.",
    )


class AnsweredOut(serializers.Serializer):
    message = serializers.CharField()


class AnswerApi(APIView):
    """Answer a survey anonymously with the one-time token of the e-mail; no log-in. The response is stored with no
    link to the person, the invitation or the token, which can no longer be used."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="surveys_answer_create",
        request=AnswerIn,
        responses={
            201: OpenApiResponse(AnsweredOut, description="Recorded; the token can no longer be used."),
            400: documented_error(
                f"{INVALID_BODY} `answers_invalid`: a required question left blank, an option not offered, a value "
                "outside 1 to 5, an unknown question, a text too long; `details.fields` maps each question's key to "
                "its messages. `token_for_another_survey`: the token is not for the `survey` given. Nothing is written."
            ),
            404: documented_error(
                "`token_not_valid`: the token is unknown or was already used (the two cannot be told apart)."
            ),
            409: documented_error("`survey_closed`: the survey has closed. `survey_not_open`: not open yet."),
        },
    )
    def post(self, request):
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        survey = None
        if data.validated_data.get("survey"):
            survey = Survey.objects.filter(pk=data.validated_data["survey"]).first()
            if survey is None:
                survey = Survey(pk=data.validated_data["survey"])  # a survey that does not exist: never the token's
        services.submit_response(
            survey=survey, answers=data.validated_data["answers"], token=data.validated_data["token"]
        )
        return Response({"message": "Thank you: your answers were recorded."}, status=status.HTTP_201_CREATED)
