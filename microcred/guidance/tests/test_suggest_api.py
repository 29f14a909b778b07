"""POST /api/v1/skills/suggest: ranked skills for a learning outcome; bad input refused with a clear message."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/skills/suggest"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def post(body, **kwargs):
    return APIClient().post(URL, body, format="json", **kwargs)


def test_suggestions_come_best_first_with_uri_label_and_score(fake_vectors):
    response = post({"text": "Dispose of household trash and garbage", "language": "en", "limit": 2})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 2
    assert results[0]["label"] == "recycle waste"
    assert results[0]["uri"] == "http://data.europa.eu/esco/skill/s-recycle"
    assert results[0]["score"] >= results[1]["score"]
    assert results[0]["description"] == "Description of recycle waste."


def test_language_and_limit_have_defaults(fake_vectors):
    response = post({"text": "Manage projects and lead a team"})
    assert response.status_code == 200
    assert 1 <= len(response.json()["results"]) <= 10


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({}, "text", "Give the learning outcome"),
        ({"text": ""}, "text", "Give the learning outcome"),
        ({"text": "   "}, "text", "Give the learning outcome"),
        ({"text": "x" * 2001}, "text", "2000 characters"),
        ({"text": "Projekte leiten", "language": "de"}, "language", "'language' must be one of: en, es, fr, nl, hu"),
        ({"text": "Manage projects", "language": "klingon"}, "language", "'language'"),
        ({"text": "Manage projects", "limit": 0}, "limit", "from 1 to 50"),
        ({"text": "Manage projects", "limit": 51}, "limit", "from 1 to 50"),
        ({"text": "Manage projects", "limit": "many"}, "limit", "from 1 to 50"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(esco, body, field, words):
    response = post(body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert words in error["message"]
    assert field in error["details"]["fields"]


def test_a_body_that_is_not_an_object_is_refused(esco):
    response = APIClient().post(URL, '["Manage projects"]', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_rate_limit_setting_takes_effect(esco, settings):
    settings.SKILL_SUGGEST_RATE_LIMIT = 2
    assert post({"text": "Manage projects"}).status_code == 200
    assert post({"text": "Manage projects"}).status_code == 200
    refused = post({"text": "Manage projects"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    # Counted per client address.
    assert post({"text": "Manage projects"}, REMOTE_ADDR="192.0.2.9").status_code == 200


def test_an_outcome_in_spanish_is_suggested_skills(e5_vectors):
    response = post({"text": "Reciclar los residuos domésticos", "language": "es", "limit": 2})
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["label"] == "recycle waste"
