"""/api/v1/offerings/{id}: read and edit an offering; staff cancel an enrolment; the history of result imports.

Who may and who may not, bad input changing nothing, a retried cancellation changing nothing, the OpenAPI document.
"""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from microcred.accounts import services as accounts_services
from microcred.api.v1.learning import OfferingChangeIn
from microcred.audit.models import AuditEvent
from microcred.learning import imports, services
from microcred.learning.models import Enrolment, Offering
from microcred.learning.tests.factories import make_offering, record_result, start_offering
from microcred.roles import Role

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


def test_editors_are_the_creator_and_who_creates_offerings_at_its_university(
    cast, micro_credential, make_user, institution
):
    # The creator no longer holds a role at the delivering university: being its creator is enough.
    creator = make_user((Role.PROPOSER, institution))
    offering = make_offering(micro_credential=micro_credential, creator=creator, institution=institution)
    accounts_services.revoke_role(assignment=creator.role_assignments.get())
    for editor in (creator, make_user((Role.PROPOSER, institution)), make_user((Role.ASSESSOR, institution))):
        capacity = offering.capacity + 1
        response = api(editor).patch(url(offering), {"capacity": capacity}, format="json")
        assert response.status_code == 200, (editor, response.content)
        assert response.json()["changes"] == {"capacity": [capacity - 1, capacity]}
        offering.refresh_from_db()
        assert offering.capacity == capacity


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
    response = api(cast["proposer"]).patch(
        url(offering), {"institution": "uu", "lms": "X"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    fields = error(response)["details"]["fields"]
    assert (fields["institution"], fields["lms"]) == (
        ["Ce champ ne peut pas être modifié."],
        ["Ce champ n'existe pas."],
    )
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


# --- POST /offerings/{id}/enrolments/{enrolment_id}/cancellation -----------------------------------------


@pytest.fixture
def full(cast, offering):
    """One place: learner holds it, learner2 and learner3 wait (in that order)."""
    offering.capacity = 1
    offering.save()
    return [services.enrol(user=cast[k], offering_id=offering.pk) for k in ("learner", "learner2", "learner3")]


def cancellation(offering, enrolment):
    return url(offering, f"/enrolments/{enrolment.pk}/cancellation")


def statuses(enrolments) -> list[str]:
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


def test_staff_cancel_and_the_first_in_line_takes_the_place(cast, offering, full, django_capture_on_commit_callbacks):
    holder, first, _second = full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast["manager"]).post(cancellation(offering, holder), {"reason": REASON}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["email"], body["full_name"]) == (
        holder.pk,
        "cancelled",
        "learner@example.org",
        "Katrin Weber",
    )
    assert body["promoted"] == [first.pk]
    assert statuses(full) == [E.CANCELLED, E.ENROLLED, E.WAITLISTED]
    event = AuditEvent.objects.get(action="enrolment.cancelled_by_staff")
    assert event.actor == cast["manager"] and event.changes["reason"] == REASON
    assert sorted(m.to[0] for m in mail.outbox) == ["learner2@example.org", "learner@example.org"]
    assert REASON in next(m.body for m in mail.outbox if m.to == ["learner@example.org"])


def test_a_retry_changes_nothing_a_second_time(cast, offering, full, django_capture_on_commit_callbacks):
    holder = full[0]
    client = api(cast["proposer"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(cancellation(offering, holder), {"reason": REASON}, format="json").status_code == 200
    mail.outbox.clear()
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(cancellation(offering, holder), {"reason": REASON}, format="json")
    assert response.status_code == 409
    assert error(response) == {
        "code": "enrolment_refused",
        "message": "The enrolment of Katrin Weber is already cancelled; nothing changed.",
    }
    assert statuses(full) == [E.CANCELLED, E.ENROLLED, E.WAITLISTED]  # the second in line is not promoted
    assert AuditEvent.objects.count() == events and not callbacks and not mail.outbox


def test_a_waitlisted_place_is_cancelled_without_promoting_anyone(cast, offering, full):
    response = api(cast["manager"]).post(cancellation(offering, full[2]), {"reason": REASON}, format="json")
    assert response.status_code == 200 and response.json()["promoted"] == []
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.CANCELLED]


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "This field is required."),
        ({"reason": ""}, "This field may not be blank."),
        ({"reason": "   "}, "This field may not be blank."),
        ({"reason": "x" * 501}, "Ensure this field has no more than 500 characters."),
        ({"reason": None}, "This field may not be null."),
    ],
)
def test_a_reason_is_required_and_nothing_changes_without_one(cast, offering, full, body, message):
    response = api(cast["manager"]).post(cancellation(offering, full[0]), body, format="json")
    assert response.status_code == 400
    assert error(response) == {
        "code": "cancellation_invalid",
        "message": message,
        "details": {"fields": {"reason": message}},
    }
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED]
    assert not AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").exists()


@pytest.mark.parametrize("who", ["assessor", "outsider", "learner2", "officer", "admin"])
def test_others_may_not_cancel_and_nothing_changes(cast, offering, full, admin, who):
    user = admin if who == "admin" else cast[who]
    for body in ({"reason": REASON}, {}):  # refused whatever they send
        response = api(user).post(cancellation(offering, full[0]), body, format="json")
        assert response.status_code == 403 and error(response)["code"] == "not_allowed"
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED]
    assert not AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").exists()


def test_anonymous_may_not_cancel(offering, full):
    response = api().post(cancellation(offering, full[0]), {"reason": REASON}, format="json")
    assert response.status_code == 401
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED]


def test_unknown_offering_or_enrolment_is_404(cast, offering, full, micro_credential, institution):
    from microcred.learning.tests.factories import make_offering

    manager = api(cast["manager"])
    response = manager.post(f"/api/v1/offerings/999999/enrolments/{full[0].pk}/cancellation", {"reason": REASON})
    assert response.status_code == 404 and error(response)["code"] == "offering_not_found"
    response = manager.post(url(offering, "/enrolments/999999/cancellation"), {"reason": REASON}, format="json")
    assert response.status_code == 404 and error(response)["code"] == "enrolment_not_found"
    other = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    response = manager.post(cancellation(other, full[0]), {"reason": REASON}, format="json")  # not this offering's
    assert response.status_code == 404 and error(response)["code"] == "enrolment_not_found"
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED]


def test_no_cancellation_once_a_result_is_recorded_or_the_offering_has_ended(cast, offering, full):
    holder = full[0]
    start_offering(offering, days_ago=3)
    offering.ends_on = timezone.localdate() + dt.timedelta(days=5)  # running, not ended
    offering.save()
    record_result(offering, holder, recorded_by=cast["assessor"])
    response = api(cast["manager"]).post(cancellation(offering, holder), {"reason": REASON}, format="json")
    assert response.status_code == 409
    assert (
        error(response)["message"] == "A result is recorded for Katrin Weber: the enrolment can no longer be cancelled."
    )
    start_offering(offering)
    response = api(cast["manager"]).post(cancellation(offering, full[1]), {"reason": REASON}, format="json")
    assert response.status_code == 409 and "has ended" in error(response)["message"]
    assert statuses(full) == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED]


# --- GET /offerings/{id}/imports --------------------------------------------------------------------------


def results_file(learners, grade="8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(imports.COLUMNS)
    assessed = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    for learner in learners:
        writer.writerow([learner.email, "pass", grade, "", assessed, "yes"])
    return out.getvalue().encode()


def import_results(cast, offering, data, filename):
    p = services.preview_import(user=cast["assessor"], offering_id=offering.pk, filename=filename, data=data)
    services.commit_import(user=cast["assessor"], offering_id=offering.pk, token=p.record.token, sha256=p.record.sha256)
    return p.record


@pytest.fixture
def three_imports(cast, offering):
    """A file, the same file again, a corrected file; and a preview that was never imported."""
    learners = [cast["learner"], cast["learner2"]]
    for learner in learners:
        Enrolment.objects.create(offering=offering, learner=learner, status=E.ENROLLED, enrolled_at=timezone.now())
    start_offering(offering)
    first = import_results(cast, offering, results_file(learners), "lms-export.csv")
    repeat = import_results(cast, offering, results_file(learners), "lms-export (1).csv")
    corrected = import_results(cast, offering, results_file(learners, grade="9"), "corrected.csv")
    services.preview_import(
        user=cast["assessor"], offering_id=offering.pk, filename="draft.csv", data=results_file(learners, grade="7")
    )
    return first, repeat, corrected


@pytest.mark.parametrize("who", ["assessor", "proposer", "manager", "admin"])
def test_who_sees_results_sees_the_import_history(cast, offering, three_imports, admin, who):
    first, repeat, corrected = three_imports
    response = api(admin if who == "admin" else cast[who]).get(url(offering, "/imports"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(r["id"], r["filename"], r["rows"], r["changed"], r["repeat"]) for r in body["results"]] == [
        (corrected.pk, "corrected.csv", 2, 2, False),
        (repeat.pk, "lms-export (1).csv", 2, 0, True),
        (first.pk, "lms-export.csv", 2, 2, False),
    ]
    row = body["results"][0]
    assert row["uploaded_by"] == {"email": "assessor@uu.example", "full_name": "Daan Assessor"}
    assert row["file_format"] == "csv" and row["sha256"] == corrected.sha256 and row["committed_at"]


def test_no_imports_yet(cast, offering):
    assert api(cast["manager"]).get(url(offering, "/imports")).json() == {"count": 0, "results": []}


@pytest.mark.parametrize("who", ["outsider", "learner", "officer"])
def test_others_may_not_see_the_import_history(cast, offering, three_imports, who):
    response = api(cast[who]).get(url(offering, "/imports"))
    assert response.status_code == 403
    assert error(response) == {
        "code": "not_allowed",
        "message": "Only the offering's staff and the alliance admin see its results and their imports.",
    }
    assert api().get(url(offering, "/imports")).status_code == 401
    assert api(cast["manager"]).get("/api/v1/offerings/999999/imports").status_code == 404


# --- the OpenAPI document ---------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_new_operations(client):
    doc = client.get("/api/v1/openapi.json").json()
    operations = {(path, method): op["operationId"] for path, ops in doc["paths"].items() for method, op in ops.items()}
    assert operations[("/api/v1/offerings/{id}", "get")] == "offerings_retrieve"
    assert operations[("/api/v1/offerings/{id}", "patch")] == "offerings_partial_update"
    assert (
        operations[("/api/v1/offerings/{id}/enrolments/{enrolment_id}/cancellation", "post")]
        == "offerings_enrolments_cancellation_create"
    )
    assert operations[("/api/v1/offerings/{id}/imports", "get")] == "offerings_imports_list"
    patch = doc["paths"]["/api/v1/offerings/{id}"]["patch"]
    assert set(patch["responses"]) == {"200", "400", "401", "403", "404", "409"}
    schemas = doc["components"]["schemas"]
    assert set(schemas["PatchedOfferingChangeIn"]["properties"]) == set(services.OFFERING_FIELDS)
    assert {"changes", "promoted"} <= set(schemas["OfferingUpdateOut"]["properties"])
    assert schemas["CancellationIn"]["required"] == ["reason"]
    assert "promoted" in schemas["CancellationOut"]["properties"]
    assert {"rows", "changed", "repeat", "uploaded_by"} <= set(schemas["ResultImportOut"]["properties"])
