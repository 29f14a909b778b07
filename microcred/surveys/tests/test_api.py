"""The surveys API: templates for the quality office, `GET /api/v1/surveys?state=closed` with response counts and
rates, anonymous answering by token with no log-in, results with the 5-response rule and comments for the quality
office only."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from microcred.surveys import services
from microcred.surveys.models import Audience, Invitation, Response, SurveyTemplate

pytestmark = pytest.mark.django_db

ANSWERS = {"content": 4, "teaching": 5, "workload": "about-right", "assessment": 4, "recommend": 5}


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def survey(ended_offering):
    return next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)


def _answer(survey, person, **extra):
    token = services.token_for(Invitation.objects.get(survey=survey, person=person))
    return api().post("/api/v1/surveys/answer", {"token": token, "answers": {**ANSWERS, **extra}}, format="json")


def test_closed_surveys_with_their_counts_and_rates(people, survey, learners):
    for person in learners[:3]:
        assert _answer(survey, person).status_code == 201
    quality = api(people["quality"])
    assert quality.get("/api/v1/surveys?state=closed").json() == {"count": 0, "results": []}
    services.close_due_surveys(today=survey.closes_on + dt.timedelta(days=1))
    body = quality.get("/api/v1/surveys?state=closed").json()
    assert body["count"] == 2
    row = next(r for r in body["results"] if r["id"] == survey.pk)
    assert (row["status"], row["invited"], row["responses"], row["response_rate"]) == ("closed", 5, 3, 0.6)
    assert quality.get("/api/v1/surveys?state=open").json()["count"] == 0
    assert quality.get("/api/v1/surveys?state=shut").status_code == 400
    # The offering's university manager sees it; another university's does not.
    assert api(people["manager"]).get("/api/v1/surveys?state=closed").json()["count"] == 2
    assert api(people["other_manager"]).get("/api/v1/surveys?state=closed").json()["count"] == 0


def test_answering_needs_no_log_in_and_works_once(survey, learners):
    assert _answer(survey, learners[0]).status_code == 201
    again = _answer(survey, learners[0])
    assert again.status_code == 404 and again.json()["error"]["code"] == "token_not_valid"
    assert Response.objects.filter(survey=survey).count() == 1


def test_bad_answers_get_a_clear_error_and_nothing_is_written(survey, learners, make_ended_offering):
    refused = _answer(survey, learners[0], content=9, workload="nope", recommend="")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "answers_invalid"
    assert set(error["details"]["fields"]) == {"content", "workload", "recommend"}
    other = services.send_surveys_for_offering(make_ended_offering(learners[:1]))[0]
    token = services.token_for(Invitation.objects.get(survey=other, person=learners[0]))
    wrong = api().post(
        "/api/v1/surveys/answer", {"token": token, "survey": survey.pk, "answers": ANSWERS}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "token_for_another_survey"
    assert Response.objects.count() == 0
    services.close_due_surveys(today=survey.closes_on + dt.timedelta(days=1))
    closed = _answer(survey, learners[1])
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "survey_closed"
    assert Response.objects.count() == 0


def test_results_follow_the_five_rule_and_comments_are_the_quality_offices(people, survey, learners):
    for person in learners[:4]:
        _answer(survey, person, comments="Nice")
    body = api(people["quality"]).get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert (body["responses"], body["shown"], body["questions"]) == (4, False, [])
    assert body["hidden_reason"].startswith("Fewer than 5 responses")
    _answer(survey, learners[4], comments="Nice too")
    body = api(people["quality"]).get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert body["shown"] and body["response_rate"] == 1.0
    comments = next(q for q in body["questions"] if q["key"] == "comments")
    assert comments["comments"] == ["Nice", "Nice", "Nice", "Nice", "Nice too"]
    content = next(q for q in body["questions"] if q["key"] == "content")
    assert content["mean"] == 4.0 and [b["count"] for b in content["distribution"]] == [0, 0, 0, 5, 0]
    managers = api(people["manager"]).get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert next(q for q in managers["questions"] if q["key"] == "comments")["comments"] == []
    assert api(people["other_manager"]).get(f"/api/v1/surveys/{survey.pk}/results").status_code == 404


def test_templates_read_and_a_new_version_for_the_quality_office_only(people, survey):
    template = SurveyTemplate.objects.get(audience=Audience.LEARNERS, is_default=True)
    assert api(people["manager"]).get("/api/v1/survey-templates").status_code == 403
    listed = api(people["quality"]).get("/api/v1/survey-templates").json()
    assert {t["audience"] for t in listed["results"]} == {"learners", "staff"}
    detail = api(people["quality"]).get(f"/api/v1/survey-templates/{template.pk}").json()
    assert detail["versions"] == [{"number": 1, "created_at": detail["versions"][0]["created_at"], "surveys": 1}]
    created = api(people["quality"]).post(
        f"/api/v1/survey-templates/{template.pk}/versions",
        {"questions": [{"key": "content", "kind": "likert", "text": {"en": "Content?", "nl": "Inhoud?"}}]},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["latest_version"] == 2
    assert created.json()["questions"][0]["text"] == {"en": "Content?", "nl": "Inhoud?"}
    survey.refresh_from_db()
    assert survey.template_version.number == 1
    too_long = api(people["quality"]).post(
        f"/api/v1/survey-templates/{template.pk}/versions",
        {"questions": [{"kind": "text", "text": {"en": "x" * 501}}]},
        format="json",
    )
    assert too_long.status_code == 400
