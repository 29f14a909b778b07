"""/api/v1: a learner's enrolments, enrol and cancel, staff lists and results, JSON errors."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from microcred.learning.models import Enrolment, Result
from microcred.learning.tests.factories import start_offering

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_enrol_list_cancel_with_waiting_list(cast, offering):
    offering.capacity = 1
    offering.save()
    url = f"/api/v1/offerings/{offering.pk}/enrolment"
    response = api(cast["learner"]).post(url, {}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "enrolled"
    response = api(cast["learner"]).post(url, {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "enrolment_refused",
        "message": "You are already enrolled in this offering.",
    }
    response = api(cast["learner2"]).post(url, {}, format="json")
    assert response.json()["status"] == "waitlisted" and response.json()["waitlist_position"] == 1
    assert api(cast["learner"]).delete(url).json()["status"] == "cancelled"
    mine = api(cast["learner2"]).get("/api/v1/me/enrolments").json()
    assert mine["count"] == 1 and mine["results"][0]["status"] == "enrolled"


def test_errors_are_json(cast, offering):
    assert (
        api(cast["learner"]).post("/api/v1/offerings/999999/enrolment", {}, format="json").json()["error"]["code"]
        == "offering_not_found"
    )
    anonymous = APIClient().get("/api/v1/me/enrolments")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "not_authenticated"
    response = api(cast["unverified"]).post(f"/api/v1/offerings/{offering.pk}/enrolment", {}, format="json")
    assert response.status_code == 409 and "Confirm your e-mail" in response.json()["error"]["message"]


def test_staff_lists_and_results(cast, offering):
    Enrolment.objects.create(offering=offering, learner=cast["learner"], status="enrolled")
    start_offering(offering)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    for who in ("learner", "outsider"):
        assert api(cast[who]).get(f"/api/v1/offerings/{offering.pk}/enrolments").status_code == 404
        assert api(cast[who]).get(f"/api/v1/offerings/{offering.pk}/results").status_code == 404
    listing = api(cast["manager"]).get(f"/api/v1/offerings/{offering.pk}/enrolments").json()
    assert listing["results"][0]["email"] == "learner@example.org"
    body = {
        "email": "learner@example.org",
        "result": "pass",
        "grade": "8",
        "participated": "yes",
        "assessed_on": yesterday,
    }
    response = api(cast["proposer"]).post(f"/api/v1/offerings/{offering.pk}/results", body, format="json")
    assert response.status_code == 403  # staff, but not an assessor of the offering
    response = api(cast["assessor"]).post(
        f"/api/v1/offerings/{offering.pk}/results", {**body, "grade": "42"}, format="json"
    )
    assert response.status_code == 400 and "grade" in response.json()["error"]["details"]["fields"]
    response = api(cast["assessor"]).post(f"/api/v1/offerings/{offering.pk}/results", body, format="json")
    assert response.status_code == 200 and response.json()["changed"] is True
    results = api(cast["manager"]).get(f"/api/v1/offerings/{offering.pk}/results").json()["results"]
    assert results[0]["result"] == "pass" and results[0]["completion_key"].startswith("completion:")
    assert Result.objects.count() == 1
