"""/api/v1/conditions and /api/v1/tasks (issue #14): the same rules as the pages, through the API."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from microcred.handoffs.models import HandoffTask
from microcred.proposals.models import ApprovalCondition
from microcred.proposals.tests.approvals import hold_meeting_now, on_agenda
from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures)
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def decided(people, refdata, institution, other_institution, make_user):
    make_user(Role.COMMUNICATION_OFFICE, email="communication@example.org")
    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = api(people["chair"]).post(
        f"/api/v1/agenda-items/{item.pk}/decision",
        {
            "outcome": "approve_with_conditions",
            "rationale": "Yes.",
            "condition_items": [{"text": "State the prerequisites.", "due_on": due}, {"text": "Publish the rubric."}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return item.proposal


def test_conditions_with_due_dates_then_report_and_confirm(decided, people):
    listed = api(people["proposer"]).get("/api/v1/conditions", {"proposal": decided.pk}).json()
    assert [c["text"] for c in listed["results"]] == ["State the prerequisites.", "Publish the rubric."]
    first = listed["results"][0]
    assert first["due_on"] == (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert first["actions_available"] == ["report"] and first["owner"] == decided.institution.slug
    assert api(people["proposer"]).get("/api/v1/conditions").json()["count"] == 2  # on my action list
    report = api(people["proposer"]).post(f"/api/v1/conditions/{first['id']}/report", {"account": "Stated."})
    assert report.json()["status"] == "reported"
    mine = api(people["secretary"]).get("/api/v1/conditions").json()["results"]
    assert [c["actions_available"] for c in mine if c["id"] == first["id"]] == [["confirm", "reopen"]]
    confirmed = api(people["secretary"]).post(f"/api/v1/conditions/{first['id']}/confirmation")
    assert confirmed.json()["status"] == "confirmed"
    assert ApprovalCondition.objects.get(pk=first["id"]).confirmed_by == people["secretary"]


def test_a_past_due_date_is_refused(people, refdata, institution, other_institution):
    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    response = api(people["chair"]).post(
        f"/api/v1/agenda-items/{item.pk}/decision",
        {
            "outcome": "approve_with_conditions",
            "rationale": "Yes.",
            "condition_items": [{"text": "x", "due_on": "2020-01-01"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "in the past" in response.json()["error"]["message"]
    assert not ApprovalCondition.objects.exists()


def test_tasks_listed_ticked_and_done(decided, people):
    communication = HandoffTask.objects.get(kind__code="communication")
    user = type(people["proposer"]).objects.get(email="communication@example.org")
    listed = api(user).get("/api/v1/tasks").json()
    assert [t["kind"] for t in listed["results"]] == ["communication"]
    items = [{"id": i["id"], "done": True} for i in listed["results"][0]["checklist"]]
    done = api(user).patch(f"/api/v1/tasks/{communication.pk}", {"checklist": items}, format="json").json()
    assert done["status"] == "done" and all(i["done"] for i in done["checklist"])
    refused = api(user).patch(f"/api/v1/tasks/{communication.pk}", {"status": "cancelled"}, format="json")
    assert refused.status_code == 400  # no reason given
