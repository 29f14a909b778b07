"""GET /api/v1/catalogue and /api/v1/catalogue/{id-or-slug}: public, with the project's error body."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_searches_filters_and_counts(client, cat):
    response = client.get("/api/v1/catalogue", {"search": "sustainab report", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["title"] == "Sustainability reporting for SMEs"
    assert body["results"][0]["ects"] == "5.0" and body["results"][0]["eqf_level"] == 7
    assert {"value": "en", "label": "English", "count": 1} in body["facets"]["lang"]


def test_list_without_parameters_lists_every_published_one(client, cat):
    body = client.get("/api/v1/catalogue", {"sort": "title"}).json()
    assert [r["title"] for r in body["results"]] == [
        "Data ethics for researchers",
        "Green Campus Hackathon",
        "Hungarian for international researchers",
        "Sustainability reporting for SMEs",
    ]


def test_list_refuses_bad_parameters_with_the_error_body(client, cat):
    response = client.get("/api/v1/catalogue", {"eqf": "9", "cost": "cheap"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["details"]) == {"eqf", "cost"}


def test_detail_by_slug_and_id(client, cat, offerings):
    a = cat["a"]
    by_slug = client.get(f"/api/v1/catalogue/{a.micro_credential.slug}").json()
    by_id = client.get(f"/api/v1/catalogue/{a.micro_credential_id}").json()
    assert by_slug == by_id
    assert by_slug["annex1"]["quality_assurance"].startswith("Accredited")
    assert by_slug["skills"][0]["uri"].startswith("http://data.europa.eu/esco/skill/")
    assert by_slug["co_leads"] == ["uu"]
    assert by_slug["offerings"][0]["fee"] == "0.00" and by_slug["offerings"][0]["capacity"] == 25
    assert by_slug["versions"][0]["number"] == 1


def test_detail_of_retired_is_readable(client, cat):
    body = client.get(f"/api/v1/catalogue/{cat['retired'].micro_credential.slug}").json()
    assert body["status"] == "retired"


def test_detail_errors(client, cat):
    missing = client.get("/api/v1/catalogue/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad_version = client.get(f"/api/v1/catalogue/{cat['a'].micro_credential_id}", {"version": "x"})
    assert bad_version.status_code == 400 and bad_version.json()["error"]["code"] == "invalid"
    assert client.get(f"/api/v1/catalogue/{cat['a'].micro_credential_id}", {"version": "7"}).status_code == 404
