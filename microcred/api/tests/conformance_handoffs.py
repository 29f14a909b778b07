"""The conformance cases of the conditions of approval and the hand-off tasks (issue #14), registered with
test_openapi_conformance's `case` when it imports this module (each documented answer, one real request)."""

import pytest

from microcred.handoffs.models import HandoffTask
from microcred.proposals import conditions
from microcred.proposals.models import ApprovalCondition
from microcred.proposals.tests.approvals import decide_in_session
from microcred.roles import Role

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/conditions"): "conditions_list",
    ("post", "/api/v1/conditions/{id}/report"): "conditions_report_create",
    ("post", "/api/v1/conditions/{id}/confirmation"): "conditions_confirmation_create",
    ("post", "/api/v1/conditions/{id}/reopening"): "conditions_reopening_create",
    ("get", "/api/v1/tasks"): "tasks_list",
    ("get", "/api/v1/tasks/{id}"): "tasks_retrieve",
    ("patch", "/api/v1/tasks/{id}"): "tasks_partial_update",
}


@pytest.fixture
def condition(people, agenda_item):
    """The proposal approved with one condition, open."""
    decide_in_session(
        user=people["chair"],
        agenda_item_id=agenda_item.pk,
        outcome="approve_with_conditions",
        rationale="Yes.",
        conditions="State the prerequisites.",
    )
    return ApprovalCondition.objects.get()


@pytest.fixture
def reported(people, condition):
    return conditions.report_condition(user=people["proposer"], condition_id=condition.pk, account="Stated.")


@pytest.fixture
def communication(make_user):
    return make_user(Role.COMMUNICATION_OFFICE, email="communication@alliance.example")


@pytest.fixture
def task(communication, condition):
    return HandoffTask.objects.get(kind__code="communication")


def register(case, api, session_without_csrf):
    C = "/api/v1/conditions"
    REPORT = "/api/v1/conditions/{id}/report"
    CONFIRM = "/api/v1/conditions/{id}/confirmation"
    REOPEN = "/api/v1/conditions/{id}/reopening"
    T = "/api/v1/tasks"
    TD = "/api/v1/tasks/{id}"

    @case("get", C, 200)
    def _(people, condition):
        return api(people["proposer"]).get(f"{V1}/conditions")

    @case("get", C, 400)
    def _(people, condition):
        return api(people["proposer"]).get(f"{V1}/conditions", {"proposal": "first"})

    @case("get", C, 401)
    def _(db):
        return api().get(f"{V1}/conditions")

    @case("get", C, 404)
    def _(people, condition):
        return api(people["other_manager"]).get(f"{V1}/conditions", {"proposal": condition.proposal_id})

    @case("post", REPORT, 200)
    def _(people, condition):
        return api(people["proposer"]).post(f"{V1}/conditions/{condition.pk}/report", {"account": "Done."})

    @case("post", REPORT, 400)
    def _(people, condition):
        return api(people["proposer"]).post(f"{V1}/conditions/{condition.pk}/report", {"account": "   "})

    @case("post", REPORT, 401)
    def _(condition):
        return api().post(f"{V1}/conditions/{condition.pk}/report", {"account": "Done."})

    @case("post", REPORT, 403)
    def _(people, condition):
        return api(people["secretary"]).post(f"{V1}/conditions/{condition.pk}/report", {"account": "Done."})

    @case("post", REPORT, 404)
    def _(people, condition):
        return api(people["other_manager"]).post(f"{V1}/conditions/{condition.pk}/report", {"account": "Done."})

    @case("post", REPORT, 409)
    def _(people, reported):
        return api(people["proposer"]).post(f"{V1}/conditions/{reported.pk}/report", {"account": "Again."})

    @case("post", CONFIRM, 200)
    def _(people, reported):
        return api(people["secretary"]).post(f"{V1}/conditions/{reported.pk}/confirmation")

    @case("post", CONFIRM, 401)
    def _(reported):
        return api().post(f"{V1}/conditions/{reported.pk}/confirmation")

    @case("post", CONFIRM, 403)
    def _(people, reported):
        return session_without_csrf(people["secretary"]).post(f"{V1}/conditions/{reported.pk}/confirmation")

    @case("post", CONFIRM, 404)
    def _(people, reported):
        return api(people["learner"]).post(f"{V1}/conditions/{reported.pk}/confirmation")

    @case("post", CONFIRM, 409)
    def _(people, condition):
        return api(people["secretary"]).post(f"{V1}/conditions/{condition.pk}/confirmation")

    @case("post", REOPEN, 200)
    def _(people, reported):
        return api(people["secretary"]).post(f"{V1}/conditions/{reported.pk}/reopening", {"reason": "Not yet."})

    @case("post", REOPEN, 400)
    def _(people, reported):
        return api(people["secretary"]).post(f"{V1}/conditions/{reported.pk}/reopening", {})

    @case("post", REOPEN, 401)
    def _(reported):
        return api().post(f"{V1}/conditions/{reported.pk}/reopening", {"reason": "Not yet."})

    @case("post", REOPEN, 403)
    def _(people, reported):
        return api(people["proposer"]).post(f"{V1}/conditions/{reported.pk}/reopening", {"reason": "Not yet."})

    @case("post", REOPEN, 404)
    def _(people, reported):
        return api(people["learner"]).post(f"{V1}/conditions/{reported.pk}/reopening", {"reason": "Not yet."})

    @case("post", REOPEN, 409)
    def _(people, condition):
        return api(people["secretary"]).post(f"{V1}/conditions/{condition.pk}/reopening", {"reason": "Not yet."})

    @case("get", T, 200)
    def _(communication, task):
        return api(communication).get(f"{V1}/tasks")

    @case("get", T, 401)
    def _(db):
        return api().get(f"{V1}/tasks")

    @case("get", TD, 200)
    def _(communication, task):
        return api(communication).get(f"{V1}/tasks/{task.pk}")

    @case("get", TD, 401)
    def _(task):
        return api().get(f"{V1}/tasks/{task.pk}")

    @case("get", TD, 404)
    def _(people, task):
        return api(people["learner"]).get(f"{V1}/tasks/{task.pk}")

    def _patch(user, task, body):
        return api(user).patch(f"{V1}/tasks/{task.pk}", body, format="json")

    @case("patch", TD, 200)
    def _(communication, task):
        first = task.items.first()
        return _patch(communication, task, {"checklist": [{"id": first.pk, "done": True}], "status": "in_progress"})

    @case("patch", TD, 400)
    def _(communication, task):
        return _patch(communication, task, {"status": "cancelled", "reason": " "})

    @case("patch", TD, 401)
    def _(task):
        return api().patch(f"{V1}/tasks/{task.pk}", {"status": "done"}, format="json")

    @case("patch", TD, 403)
    def _(people, task):
        return _patch(people["proposer"], task, {"status": "in_progress"})

    @case("patch", TD, 404)
    def _(people, task):
        return _patch(people["learner"], task, {"status": "in_progress"})

    @case("patch", TD, 409)
    def _(communication, task):
        return _patch(communication, task, {"status": "open"})
