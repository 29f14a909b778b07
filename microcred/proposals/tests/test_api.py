import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from microcred.proposals import services
from microcred.proposals.models import Meeting
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import hold_meeting_now
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def ready(people, refdata, institution, other_institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution),
    )
    return proposal


def test_staff_act_through_the_api_with_the_same_rules(client, people, ready):
    r = client.post(
        f"/api/v1/proposals/{ready.pk}/actions",
        {"action": "send_to_manager"},
        content_type="application/json",
        **auth(people["proposer"]),
    )
    assert r.status_code == 200 and r.json()["status"] == S.AWAITING_MANAGER
    r = client.post(
        f"/api/v1/proposals/{ready.pk}/actions",
        {"action": "manager_approve"},
        content_type="application/json",
        **auth(people["proposer"]),
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "own_proposal"
    r = client.get("/api/v1/proposals?waiting_for_me=1", **auth(people["manager"]))
    assert [p["reference"] for p in r.json()["results"]] == [ready.reference]
    # The proposer sees the proposal, which waits for the manager, not for them.
    assert client.get("/api/v1/proposals?waiting_for_me=true", **auth(people["proposer"])).json()["count"] == 0
    for value in ("false", "0", "no", ""):
        r = client.get(f"/api/v1/proposals?waiting_for_me={value}", **auth(people["proposer"]))
        assert [p["reference"] for p in r.json()["results"]] == [ready.reference], value
    r = client.get("/api/v1/proposals?waiting_for_me=perhaps", **auth(people["manager"]))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = client.get(f"/api/v1/proposals/{ready.pk}", **auth(people["manager"]))
    body = r.json()
    assert body["actions_available"] == ["manager_approve", "manager_return"]
    assert {rule["rule"] for rule in body["checklist"]} >= {"principles", "esco", "ects_eqf"}


def test_out_of_turn_and_unknown_give_json_errors(client, people, ready):
    r = client.post(
        f"/api/v1/proposals/{ready.pk}/actions",
        {"action": "accept_as_complete"},
        content_type="application/json",
        **auth(people["secretary"]),
    )
    assert r.status_code == 404  # an unsent draft is its author's alone
    services.take_action(user=people["proposer"], proposal_id=ready.pk, action=Action.SEND_TO_MANAGER)
    r = client.post(
        f"/api/v1/proposals/{ready.pk}/actions",
        {"action": "accept_as_complete"},
        content_type="application/json",
        **auth(people["secretary"]),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    r = client.get(f"/api/v1/proposals/{ready.pk}", **auth(people["learner"]))
    assert r.status_code == 404 and r.json()["error"]["code"] == "proposal_not_found"
    r = client.post(
        f"/api/v1/proposals/{ready.pk}/actions",
        {"action": "fly"},
        content_type="application/json",
        **auth(people["proposer"]),
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"


def test_incomplete_submission_lists_problems(client, people, institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    r = client.post(
        f"/api/v1/proposals/{proposal.pk}/actions",
        {"action": "send_to_manager"},
        content_type="application/json",
        **auth(people["proposer"]),
    )
    assert r.status_code == 400
    problems = r.json()["error"]["details"]["problems"]
    assert any(p["field"] == "description" for p in problems)


def test_decision_through_the_api_and_second_one_refused(client, people, ready):
    services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=2)
    )
    from microcred.proposals.workflow import Action

    services.take_action(user=people["proposer"], proposal_id=ready.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=ready.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=ready.pk, action=Action.ACCEPT_AS_COMPLETE)
    item = services.schedule_proposal(user=people["secretary"], proposal_id=ready.pk)
    hold_meeting_now(item)  # decisions are recorded from the meeting's day on
    r = client.post(
        f"/api/v1/agenda-items/{item.pk}/decision",
        {"outcome": "approve", "rationale": "Good"},
        content_type="application/json",
        **auth(people["chair"]),
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/agenda-items/{item.pk}/decision",
        {"outcome": "reject", "rationale": "No"},
        content_type="application/json",
        **auth(people["member"]),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_decided"


def test_a_status_filter_outside_the_statuses_is_refused_not_an_empty_list(client, people, ready):
    """Found by the API fuzz (microcred/api/tests/test_api_fuzz.py): status=AAA answered 200 with no proposal."""
    r = client.get("/api/v1/proposals?status=AAA", **auth(people["proposer"]))
    assert r.status_code == 400
    assert r.json()["error"] == {
        "code": "invalid",
        "message": "status is not a proposal status.",
        "details": {"status": "AAA"},
    }
    assert client.get("/api/v1/proposals?status=draft", **auth(people["proposer"])).json()["count"] == 1
    assert client.get("/api/v1/proposals?status=", **auth(people["proposer"])).json()["count"] == 1
    assert client.get("/api/v1/proposals?status=approved", **auth(people["proposer"])).json()["count"] == 0
