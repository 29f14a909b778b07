"""/api/v1/offerings/{id}: read and edit an offering; staff cancel an enrolment; the history of result imports.

Who may and who may not, bad input changing nothing, a retried cancellation changing nothing, the OpenAPI document.
"""

import datetime as dt

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from microcred.accounts.roles import Role
from microcred.api.v1.learning import OfferingChangeIn
from microcred.audit.models import AuditEvent
from microcred.learning import services
from microcred.learning.models import Enrolment, Offering
from microcred.learning.tests.factories import start_offering

pytestmark = pytest.mark.django_db

E = Enrolment.Status
REASON = "Did not attend the first two sessions and did not answer our e-mails."


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(offering, suffix=""):
    return f"/api/v1/offerings/{offering.pk}{suffix}"


def snapshot(offering) -> dict:
    """Everything an edit could change, as stored."""
    offering = Offering.objects.get(pk=offering.pk)
    return {k: getattr(offering, k) for k in services.OFFERING_FIELDS}


def error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ALLIANCE_ADMIN, email="admin@alliance.example")


# --- GET /offerings/{id} ----------------------------------------------------------------------------------


def test_anyone_reads_an_offering_as_its_page_shows_it(cast, offering, micro_credential):
    offering.lms_code = "MOODLE-LCT-1"
    offering.save()
    body = api().get(url(offering)).json()
    assert body == {
        "id": offering.pk,
        "micro_credential": micro_credential.slug,
        "version": 1,
        "institution": "ub",
        "format": "course",
        "mode": "online",
        "location": "",
        "language": "en",
        "starts_on": offering.starts_on.isoformat(),
        "ends_on": offering.ends_on.isoformat(),
        "enrolment_opens": body["enrolment_opens"],
        "enrolment_closes": body["enrolment_closes"],
        "capacity": 20,
        "fee": "0.00",
        "fee_waivers": "",
        "lms_code": None,  # the course code and the grade scale are for the offering's staff, as on the page
        "grade_scale": None,
    }
    assert dt.datetime.fromisoformat(body["enrolment_closes"]) == offering.enrolment_closes
    assert api(cast["learner"]).get(url(offering)).json()["lms_code"] is None
    for who in ("manager", "assessor", "proposer"):
        staff_view = api(cast[who]).get(url(offering)).json()
        assert (staff_view["lms_code"], staff_view["grade_scale"]) == ("MOODLE-LCT-1", "0-10")


def test_reading_an_unknown_offering_is_404(cast):
    response = api(cast["learner"]).get("/api/v1/offerings/999999")
    assert response.status_code == 404 and error(response)["code"] == "offering_not_found"


# --- PATCH /offerings/{id} --------------------------------------------------------------------------------


def test_the_creator_changes_some_fields(cast, offering, django_capture_on_commit_callbacks):
    services.enrol(user=cast["learner"], offering_id=offering.pk)
    starts = offering.starts_on + dt.timedelta(days=7)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast["proposer"]).patch(
            url(offering),
            {"mode": "blended", "location": "Barcelona", "starts_on": starts.isoformat(), "fee": "25.50"},
            format="json",
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["mode"], body["location"], body["starts_on"], body["fee"]) == (
        "blended",
        "Barcelona",
        starts.isoformat(),
        "25.50",
    )
    assert body["lms_code"] == "" and body["grade_scale"] == "0-10"
    assert body["changes"] == {
        "mode": ["online", "blended"],
        "location": ["", "Barcelona"],
        "starts_on": [offering.starts_on.isoformat(), starts.isoformat()],
        "fee": ["0.00", "25.50"],
    }
    assert body["promoted"] == []
    offering.refresh_from_db()
    assert (offering.mode, offering.location, offering.starts_on, str(offering.fee)) == (
        "blended",
        "Barcelona",
        starts,
        "25.50",
    )
    event = AuditEvent.objects.get(action="offering.updated")
    assert event.actor == cast["proposer"] and set(event.changes) == {"mode", "location", "starts_on", "fee"}
    assert [m.to for m in mail.outbox] == [["learner@example.org"]]  # the enrolled learner is told


def test_more_places_go_to_the_waiting_list(cast, offering):
    offering.capacity = 1
    offering.save()
    _holder, first, second = (
        services.enrol(user=cast[k], offering_id=offering.pk) for k in ("learner", "learner2", "learner3")
    )
    response = api(cast["proposer"]).patch(url(offering), {"capacity": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["changes"] == {"capacity": [1, 2]} and response.json()["promoted"] == [first.pk]
    assert Enrolment.objects.get(pk=first.pk).status == E.ENROLLED
    assert Enrolment.objects.get(pk=second.pk).status == E.WAITLISTED


def test_nothing_to_change_writes_nothing(cast, offering):
    for body in ({}, {"capacity": offering.capacity, "language": "en"}):
        response = api(cast["proposer"]).patch(url(offering), body, format="json")
        assert response.status_code == 200 and response.json()["changes"] == {}
    assert not AuditEvent.objects.filter(action="offering.updated").exists()


def test_editors_are_the_creator_and_who_creates_offerings_at_its_university(cast, offering, make_user, institution):
    for editor in (make_user((Role.PROPOSER, institution)), make_user((Role.ASSESSOR, institution))):
        response = api(editor).patch(url(offering), {"capacity": offering.capacity + 1}, format="json")
        assert response.status_code == 200
        offering.refresh_from_db()


@pytest.mark.parametrize("who", ["manager", "assessor", "outsider", "learner", "officer", "admin"])
def test_others_may_not_edit_and_nothing_changes(cast, offering, admin, who):
    user = admin if who == "admin" else cast[who]
    before = snapshot(offering)
    for body in ({"capacity": 99}, {"capacity": "lots", "institution": "uu"}):  # refused whatever they send
        response = api(user).patch(url(offering), body, format="json")
        assert response.status_code == 403
        assert error(response) == {
            "code": "not_allowed",
            "message": "Only the offering's creator and the staff who create offerings at its university edit it.",
        }
    assert snapshot(offering) == before
    assert not AuditEvent.objects.filter(action="offering.updated").exists()


def test_anonymous_may_not_edit(offering):
    before = snapshot(offering)
    response = api().patch(url(offering), {"capacity": 99}, format="json")
    assert response.status_code == 401 and error(response)["code"] == "not_authenticated"
    assert snapshot(offering) == before


def test_editing_an_unknown_offering_is_404(cast):
    response = api(cast["proposer"]).patch("/api/v1/offerings/999999", {"capacity": "lots"}, format="json")
    assert response.status_code == 404 and error(response)["code"] == "offering_not_found"


def test_an_ended_offering_no_longer_changes(cast, offering):
    start_offering(offering)
    before = snapshot(offering)
    for body in ({"capacity": 99}, {"capacity": "lots"}):
        response = api(cast["proposer"]).patch(url(offering), body, format="json")
        assert response.status_code == 409
        assert error(response)["code"] == "offering_ended"
        assert offering.ends_on.isoformat() in error(response)["message"]
    assert snapshot(offering) == before


@pytest.mark.parametrize(
    "body, fields",
    [
        # the rules of an offering (the service's): nothing is saved, every broken rule is named
        ({"ends_on": "2000-01-01"}, {"ends_on"}),
        ({"mode": "on_site", "capacity": 0, "fee": "-5"}, {"location", "capacity", "fee"}),
        ({"grade_scale": ""}, {"grade_scale"}),
        # values that are not what the field takes
        ({"capacity": "lots", "starts_on": "next monday", "mode": "by post"}, {"capacity", "starts_on", "mode"}),
        ({"capacity": 2**31, "fee": "12.345", "location": "x" * 201}, {"capacity", "fee", "location"}),
        ({"starts_on": None}, {"starts_on"}),
        # fields that do not change, or do not exist, are refused rather than ignored
        ({"institution": "uu", "capacity": 30}, {"institution"}),
        ({"capacty": 30, "capacity": "lots"}, {"capacty", "capacity"}),
    ],
)
def test_bad_values_are_400_with_field_errors_and_change_nothing(cast, offering, body, fields):
    before = snapshot(offering)
    response = api(cast["proposer"]).patch(url(offering), body, format="json")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "offering_invalid"
    assert set(err["details"]["fields"]) == fields
    assert all(isinstance(m, str) for messages in err["details"]["fields"].values() for m in messages)
    assert snapshot(offering) == before
    assert not AuditEvent.objects.filter(action="offering.updated").exists()


def test_field_error_messages(cast, offering):
    response = api(cast["proposer"]).patch(
        url(offering), {"institution": "uu", "lms": "X", "ends_on": "2000-01-01"}, format="json"
    )
    fields = error(response)["details"]["fields"]
    assert fields["institution"] == ["This field cannot be changed."]
    assert fields["lms"] == ["There is no such field."]
    response = api(cast["proposer"]).patch(url(offering), {"ends_on": "2000-01-01"}, format="json")
    assert error(response)["details"]["fields"] == {"ends_on": ["The offering cannot end before it starts."]}
    assert error(response)["message"] == "The offering cannot end before it starts."


def test_capacity_stays_above_the_enrolled(cast, offering):
    for k in ("learner", "learner2"):
        services.enrol(user=cast[k], offering_id=offering.pk)
    response = api(cast["proposer"]).patch(url(offering), {"capacity": 1}, format="json")
    assert response.status_code == 400
    assert "2 learners are enrolled" in error(response)["details"]["fields"]["capacity"][0]
    assert Offering.objects.get(pk=offering.pk).capacity == 20


def test_a_request_body_that_is_not_an_object_is_400(cast, offering):
    response = api(cast["proposer"]).patch(url(offering), [{"capacity": 3}], format="json")
    assert response.status_code == 400 and error(response)["code"] == "offering_invalid"


def test_the_input_takes_exactly_the_fields_the_service_edits():
    assert list(OfferingChangeIn().fields) == services.OFFERING_FIELDS


def test_token_and_session_authentication(cast, offering):
    token = Token.objects.create(user=cast["proposer"])
    response = APIClient().patch(
        url(offering), {"capacity": 21}, format="json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200 and response.json()["capacity"] == 21
    session = APIClient()
    session.force_login(cast["proposer"])
    response = session.patch(url(offering), {"capacity": 22}, format="json")
    assert response.status_code == 200 and response.json()["changes"] == {"capacity": [21, 22]}


def test_session_edits_need_the_csrf_token(cast, offering):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast["proposer"])
    response = client.patch(url(offering), {"capacity": 21}, format="json")
    assert response.status_code == 403 and "CSRF" in error(response)["message"]
    assert Offering.objects.get(pk=offering.pk).capacity == 20
