"""GET /api/v1/audit-events reads `limit` and `offset` strictly (found by the API fuzz, test_api_fuzz.py)."""

import pytest
from rest_framework.test import APIClient

from microcred.audit.services import record_audit_event
from microcred.roles import Role


@pytest.fixture
def admin(make_user):
    return make_user(Role.ALLIANCE_ADMIN, email="admin@alliance.example")


def as_user(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_limit_beyond_64_bits_is_a_field_error_not_a_server_error(admin):
    response = as_user(admin).get("/api/v1/audit-events", {"limit": "9" * 23})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["details"] == {"limit": ["Give a whole number from 1 to 500."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"), [("offset", "null"), ("offset", "-1"), ("offset", "1.5"), ("limit", "0"), ("limit", "501")]
)
def test_a_value_that_is_not_a_whole_number_in_bounds_is_refused_not_ignored(admin, name, value):
    response = as_user(admin).get("/api/v1/audit-events", {name: value})
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [name]


@pytest.mark.django_db
def test_limit_and_offset_within_bounds_page_through_the_log(admin):
    for n in range(3):
        record_audit_event(actor=admin, action="outbox.retried", target=admin, summary=f"event {n}")
    client = as_user(admin)
    everything = client.get("/api/v1/audit-events", {"action": "outbox.retried"}).json()
    second = client.get("/api/v1/audit-events", {"action": "outbox.retried", "limit": "1", "offset": "1"}).json()
    empty_values = client.get("/api/v1/audit-events", {"action": "outbox.retried", "limit": "", "offset": ""}).json()
    assert everything["count"] == 3
    assert [e["id"] for e in second["results"]] == [everything["results"][1]["id"]]
    assert empty_values["results"] == everything["results"]


@pytest.mark.django_db
def test_who_may_read_the_log_is_decided_before_the_parameters(make_user):
    learner = make_user(Role.LEARNER)
    # limit=0 is invalid (400 for the admin): the refusal comes first and says who may read the log.
    response = as_user(learner).get("/api/v1/audit-events", {"limit": "0"})
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "Only the alliance admin may read the audit log.",
    }


@pytest.mark.django_db
def test_a_nul_in_the_address_is_a_documented_400(admin, client):
    response = client.get("/api/v1/audit-events?action=%00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/audit-events"]["get"]
    assert "NUL" in operation["responses"]["400"]["description"]
