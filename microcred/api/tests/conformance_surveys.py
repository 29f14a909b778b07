"""The conformance cases of the post-delivery surveys (issue #14, policy 7.25), registered with
test_openapi_conformance's `case` when it imports this module (each documented answer, one real request)."""

import datetime as dt

import pytest

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import start_offering
from microcred.roles import Role
from microcred.surveys import services as survey_services
from microcred.surveys.models import Audience, Invitation, SurveyTemplate

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/survey-templates"): "survey_templates_list",
    ("get", "/api/v1/survey-templates/{id}"): "survey_templates_retrieve",
    ("post", "/api/v1/survey-templates/{id}/versions"): "survey_templates_versions_create",
    ("get", "/api/v1/surveys"): "surveys_list",
    ("post", "/api/v1/surveys/answer"): "surveys_answer_create",
    ("get", "/api/v1/surveys/{id}"): "surveys_retrieve",
    ("get", "/api/v1/surveys/{id}/results"): "surveys_results_retrieve",
}
ANSWERS = {"content": 4, "teaching": 5, "workload": "about-right", "assessment": 4, "recommend": 5}


@pytest.fixture
def survey_quality(make_user):
    return make_user(Role.QUALITY_OFFICE, email="quality.surveys@alliance.example")


@pytest.fixture
def learners_survey(cast, offering):
    """The offering ended with three learners enrolled: its learners' survey is open."""
    start_offering(offering)
    for who in ("learner", "learner2", "learner3"):
        Enrolment.objects.create(offering=offering, learner=cast[who], status=Enrolment.Status.ENROLLED)
    surveys = survey_services.send_surveys_for_offering(offering)
    return next(s for s in surveys if s.audience == Audience.LEARNERS)


def _token(survey, person):
    return survey_services.token_for(Invitation.objects.get(survey=survey, person=person))


def register(case, api, session_without_csrf):
    T = "/api/v1/survey-templates"
    TD = "/api/v1/survey-templates/{id}"
    TV = "/api/v1/survey-templates/{id}/versions"
    S = "/api/v1/surveys"
    SA = "/api/v1/surveys/answer"
    SD = "/api/v1/surveys/{id}"
    SR = "/api/v1/surveys/{id}/results"

    def learners_template():
        return SurveyTemplate.objects.get(audience=Audience.LEARNERS, is_default=True)

    @case("get", T, 200)
    def _(survey_quality):
        return api(survey_quality).get(f"{V1}/survey-templates")

    @case("get", T, 401)
    def _(db):
        return api().get(f"{V1}/survey-templates")

    @case("get", T, 403)
    def _(cast):
        return api(cast["learner"]).get(f"{V1}/survey-templates")

    @case("get", TD, 200)
    def _(survey_quality):
        return api(survey_quality).get(f"{V1}/survey-templates/{learners_template().pk}")

    @case("get", TD, 401)
    def _(db):
        return api().get(f"{V1}/survey-templates/{learners_template().pk}")

    @case("get", TD, 403)
    def _(cast):
        return api(cast["manager"]).get(f"{V1}/survey-templates/{learners_template().pk}")

    @case("get", TD, 404)
    def _(survey_quality):
        return api(survey_quality).get(f"{V1}/survey-templates/999999")

    version = {
        "questions": [
            {"key": "content", "kind": "likert", "required": True, "text": {"en": "Good content.", "fr": "Bon."}},
            {"kind": "single", "text": {"en": "Format?"}, "choices": [{"en": "Online"}, {"en": "On site"}]},
        ]
    }

    @case("post", TV, 201)
    def _(survey_quality):
        return api(survey_quality).post(
            f"{V1}/survey-templates/{learners_template().pk}/versions", version, format="json"
        )

    @case("post", TV, 400)
    def _(survey_quality):
        bad = {"questions": [{"kind": "single", "text": {"fr": "Sans anglais"}, "choices": [{"en": "One"}]}]}
        return api(survey_quality).post(f"{V1}/survey-templates/{learners_template().pk}/versions", bad, format="json")

    @case("post", TV, 401)
    def _(db):
        return api().post(f"{V1}/survey-templates/{learners_template().pk}/versions", version, format="json")

    @case("post", TV, 403)
    def _(survey_quality):
        return session_without_csrf(survey_quality).post(
            f"{V1}/survey-templates/{learners_template().pk}/versions", version, format="json"
        )

    @case("post", TV, 404)
    def _(survey_quality):
        return api(survey_quality).post(f"{V1}/survey-templates/999999/versions", version, format="json")

    @case("get", S, 200)
    def _(survey_quality, learners_survey, cast):
        survey_services.close_due_surveys(today=learners_survey.closes_on + dt.timedelta(days=1))
        return api(survey_quality).get(f"{V1}/surveys?state=closed")

    @case("get", S, 400)
    def _(survey_quality):
        return api(survey_quality).get(f"{V1}/surveys?state=forgotten")

    @case("get", S, 401)
    def _(db):
        return api().get(f"{V1}/surveys")

    @case("get", SD, 200)
    def _(cast, learners_survey):
        return api(cast["manager"]).get(f"{V1}/surveys/{learners_survey.pk}")

    @case("get", SD, 401)
    def _(learners_survey):
        return api().get(f"{V1}/surveys/{learners_survey.pk}")

    @case("get", SD, 404)
    def _(cast, learners_survey):
        return api(cast["outsider"]).get(f"{V1}/surveys/{learners_survey.pk}")

    @case("get", SR, 200)
    def _(survey_quality, learners_survey):
        return api(survey_quality).get(f"{V1}/surveys/{learners_survey.pk}/results")

    @case("get", SR, 401)
    def _(learners_survey):
        return api().get(f"{V1}/surveys/{learners_survey.pk}/results")

    @case("get", SR, 404)
    def _(cast, learners_survey):
        return api(cast["learner"]).get(f"{V1}/surveys/{learners_survey.pk}/results")

    @case("post", SA, 201)
    def _(cast, learners_survey):
        body = {"token": _token(learners_survey, cast["learner"]), "answers": ANSWERS}
        return api().post(f"{V1}/surveys/answer", body, format="json")

    @case("post", SA, 400)
    def _(cast, learners_survey):
        body = {"token": _token(learners_survey, cast["learner"]), "answers": {**ANSWERS, "content": 7}}
        return api().post(f"{V1}/surveys/answer", body, format="json")

    @case("post", SA, 404)
    def _(learners_survey):
        return api().post(f"{V1}/surveys/answer", {"token": "made-up", "answers": ANSWERS}, format="json")

    @case("post", SA, 409)
    def _(cast, learners_survey):
        token = _token(learners_survey, cast["learner"])
        survey_services.close_due_surveys(today=learners_survey.closes_on + dt.timedelta(days=1))
        return api().post(f"{V1}/surveys/answer", {"token": token, "answers": ANSWERS}, format="json")
