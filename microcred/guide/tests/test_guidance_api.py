"""GET /api/v1/guidance (issue #13 item 5): the guide's answer as JSON, public and rate-limited, with a clear 400
for bad input."""

import pytest
from rest_framework.test import APIClient

from microcred.guide.tests.builders import offer, pathway, publish, skill
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import OCC, make_data_dir

pytestmark = pytest.mark.django_db
URL = "/api/v1/guidance"


@pytest.fixture
def catalogue(db, tmp_path, make_user):
    load_reference_data(make_data_dir(tmp_path / "esco"))
    made = {
        "leadership": publish(make_user, "Project leadership", ["s-pm", "s-team"]),
        "teams": publish(make_user, "Team basics", ["s-team"], short="UU", languages=("es",), ects=2),
        "recycling": publish(make_user, "Recycling at home", ["s-recycle"], short="UU", ects=1),
    }
    made["offering"] = offer(make_user, made["leadership"], days=30, fee=100)
    made["pathway"] = pathway("Teams and recycling", [made["teams"], made["recycling"]])
    return made


def test_an_occupation_answers_its_skills_and_the_ranked_results(catalogue):
    response = APIClient().get(URL, {"occupation": OCC + "o-pm"})
    assert response.status_code == 200
    body = response.json()
    assert body["target"] == {
        "occupation": {"uri": OCC + "o-pm", "label": "project manager"},
        "skills": [
            {"uri": skill("s-pm").uri, "label": "manage projects", "essential": True},
            {"uri": skill("s-team").uri, "label": "lead a team", "essential": False},
        ],
    }
    results = body["results"]
    assert [(r["kind"], r["title"]) for r in results] == [
        ("micro_credential", "Project leadership"),
        ("micro_credential", "Team basics"),
        ("pathway", "Teams and recycling"),
    ]
    first = results[0]
    assert first["id"] == catalogue["leadership"].pk and first["score"] == 1.0
    assert [s["label"] for s in first["covered_skills"]] == ["manage projects", "lead a team"]
    assert first["missing_skills"] == []
    assert first["url"].endswith(f"/catalogue/{catalogue['leadership'].slug}/")
    assert first["next_offering"]["id"] == catalogue["offering"].pk and first["next_offering"]["fee"] == "100.00"
    assert first["next_offering"]["url"].endswith(f"/learning/offerings/{catalogue['offering'].pk}/")
    assert results[1]["missing_skills"] == [{"uri": skill("s-pm").uri, "label": "manage projects", "essential": True}]
    assert results[2]["id"] == catalogue["pathway"].pathway_id and results[2]["ects"] == "3.0"
    assert [step["title"] for step in body["combination"]["steps"]] == ["Project leadership"]
    assert body["combination"]["score"] == 1.0


def test_skills_kinds_filters_and_limit(catalogue):
    api = APIClient()
    skills = f"{skill('s-team').uri},{skill('s-recycle').uri}"
    body = api.get(URL, {"skills": skills, "kind": "pathway"}).json()
    assert [(r["kind"], r["score"]) for r in body["results"]] == [("pathway", 1.0)]
    body = api.get(URL, {"skills": skills, "kind": "micro_credential", "lang": "es"}).json()
    assert [r["title"] for r in body["results"]] == ["Team basics"]
    body = api.get(URL, {"skills": skills, "limit": "1"}).json()
    assert [r["title"] for r in body["results"]] == ["Teams and recycling"]
    body = api.get(URL, {"occupation": "o-pm", "university": "uu"}).json()  # the UUID ending the URI will do
    assert [r["title"] for r in body["results"]] == ["Team basics", "Teams and recycling"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "target", "Name an occupation, pick skills or describe your goal."),
        ({"occupation": "o-pm", "skills": "x"}, "target", "Give only one of occupation, skills or text."),
        ({"skills": " , ,"}, "target", "Name an occupation, pick skills or describe your goal."),  # no URI in it
        ({"occupation": "astronaut"}, "occupation", "There is no ESCO occupation “astronaut”."),
        ({"skills": "http://example.org/x"}, "skills", "Not an ESCO skill: http://example.org/x."),
        ({"text": "y" * 501}, "text", "Describe your goal in at most 500 characters."),
        ({"text": "manage projects", "language": "tlh"}, "language", "The language of the text is one of:"),
        ({"occupation": "o-pm", "kind": "course"}, "kind", "'kind' is one of: micro_credential, pathway."),
        ({"occupation": "o-pm", "limit": "0"}, "limit", "Give a whole number from 1 to 100."),
        ({"occupation": "o-pm", "starts_from": "tomorrow"}, "starts_from", "Give a date as YYYY-MM-DD."),
    ],
)
def test_bad_input_is_a_clear_400(catalogue, params, field, message):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and message in error["message"]
    assert list(error["details"]["fields"]) == [field]


def test_every_bad_parameter_is_named_at_once(catalogue):
    params = {"occupation": "astronaut", "kind": "course", "max_fee": "free", "limit": "0"}
    error = APIClient().get(URL, params).json()["error"]
    assert sorted(error["details"]["fields"]) == ["kind", "limit", "max_fee", "occupation"]


def test_kinds_may_be_listed_with_spaces(catalogue):
    body = APIClient().get(URL, {"occupation": "o-pm", "kind": "pathway, micro_credential"}).json()
    assert {r["kind"] for r in body["results"]} == {"micro_credential", "pathway"}


def test_it_is_rate_limited_like_the_other_public_look_ups(catalogue, settings):
    settings.SKILL_SUGGEST_RATE_LIMIT = 2
    api = APIClient()
    assert [api.get(URL, {"occupation": "o-pm"}).status_code for _ in range(3)] == [200, 200, 429]
    assert api.get(URL, {"occupation": "o-pm"}).json()["error"]["code"] == "rate_limited"
