"""The OpenAPI document tells the truth: every documented answer of every operation is produced here by a real
request, and its status and body are checked against the document the API serves (/api/v1/openapi.json).

Three ways this fails:
- an answer whose status the document does not list for the operation, or whose body does not match the schema
  it lists (objects are checked strictly: a field the document does not name is a failure too);
- a documented (operation, status) that no case below produces — add the case, or stop documenting the status;
- an operation whose id changed (ids are what generated clients are built on).
"""

import datetime as dt
import inspect
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import JsonResponse
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from microcred.api.tests.test_offerings_api import three_imports  # noqa: F401  (fixture)
from microcred.catalogue.tests.conftest import cat, offerings  # noqa: F401  (fixtures)
from microcred.credentials.services import bulk
from microcred.credentials.tests.conftest import alliance, eqf6, issuers, kek, make_version  # noqa: F401
from microcred.learning import services as learning
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import enrol_and_pass, make_offering, start_offering
from microcred.proposals import services as proposals
from microcred.proposals.models import AgendaItem, Meeting
from microcred.proposals.tests.approvals import hold_meeting_now
from microcred.proposals.tests.conftest import complete_formal_data, people, refdata  # noqa: F401
from microcred.proposals.workflow import Action
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import make_data_dir
from microcred.roles import Role

V1 = "/api/v1"

# Every operation and its id: a change here is a change for every client generated from the document.
OPERATION_IDS = {
    ("get", "/api/v1/me"): "me_retrieve",
    ("get", "/api/v1/audit-events"): "audit_events_list",
    ("get", "/api/v1/skills"): "skills_retrieve",
    ("get", "/api/v1/occupations"): "occupations_retrieve",
    ("get", "/api/v1/occupations/{reference}/skills"): "occupations_skills_retrieve",
    ("get", "/api/v1/catalogue"): "catalogue_list",
    ("get", "/api/v1/catalogue/{reference}"): "catalogue_detail",
    ("get", "/api/v1/me/enrolments"): "me_enrolments_list",
    ("post", "/api/v1/offerings/{id}/enrolment"): "offerings_enrolment_create",
    ("delete", "/api/v1/offerings/{id}/enrolment"): "offerings_enrolment_destroy",
    ("get", "/api/v1/offerings/{id}/enrolments"): "offerings_enrolments_list",
    ("get", "/api/v1/offerings/{id}/results"): "offerings_results_list",
    ("post", "/api/v1/offerings/{id}/results"): "offerings_results_create",
    ("get", "/api/v1/offerings/{id}"): "offerings_retrieve",
    ("patch", "/api/v1/offerings/{id}"): "offerings_partial_update",
    ("post", "/api/v1/offerings/{id}/enrolments/{enrolment_id}/cancellation"): (
        "offerings_enrolments_cancellation_create"
    ),
    ("get", "/api/v1/offerings/{id}/imports"): "offerings_imports_list",
    ("post", "/api/v1/offerings/{id}/credentials"): "offerings_credentials_create",
    ("get", "/api/v1/issuance-jobs/{id}"): "issuance_jobs_retrieve",
    ("get", "/api/v1/credentials/{uuid}"): "credentials_retrieve",
    ("post", "/api/v1/credentials/{uuid}/revocation"): "credentials_revocation_create",
    ("get", "/api/v1/proposals"): "proposals_list",
    ("get", "/api/v1/proposals/{id}"): "proposals_retrieve",
    ("post", "/api/v1/proposals/{id}/actions"): "proposals_actions_create",
    ("post", "/api/v1/proposals/{id}/co-proposers"): "proposals_co_proposers_create",
    ("delete", "/api/v1/proposals/{id}/co-proposers/{person_id}"): "proposals_co_proposers_destroy",
    ("post", "/api/v1/agenda-items/{item_id}/decision"): "agenda_items_decision_create",
    ("post", "/api/v1/verify"): "verify_create",
    ("get", "/api/v1/kpis"): "kpis_retrieve",
    ("get", "/api/v1/kpis/breakdowns"): "kpis_breakdowns_retrieve",
    ("get", "/api/v1/kpis/series"): "kpis_series_retrieve",
}


# --- the document, as the API serves it, made checkable with JSON Schema -------------------------------------


def _checkable(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes "or null", and an object that lists its
    properties admits no others (so an undocumented field in an answer is caught)."""
    if isinstance(node, list):
        return [_checkable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _checkable(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def document():
    response = Client().get(f"{V1}/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(doc):
    methods = {"get", "post", "put", "patch", "delete"}
    return {(method, path): op for path, ops in doc["paths"].items() for method, op in ops.items() if method in methods}


def assert_conforms(doc, method: str, path: str, response) -> None:
    """The answer's status is documented for the operation and its body matches the documented schema."""
    op = operations(doc)[(method, path)]
    status = str(response.status_code)
    assert status in op["responses"], (
        f"{method.upper()} {path} answered {status}; the document lists {sorted(op['responses'])}: "
        f"{response.content[:300]!r}"
    )
    content = op["responses"][status].get("content")
    if content is None:
        assert response.content == b"", f"{method.upper()} {path} {status}: the document says no body"
        return
    assert response["Content-Type"].startswith("application/json")
    schema = content["application/json"]["schema"]
    validator = Draft202012Validator(
        {"allOf": [_checkable(schema)], "components": _checkable(doc["components"])},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    body = json.loads(response.content)
    problems = [
        f"at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(body)
    ]
    assert not problems, f"{method.upper()} {path} {status} does not match the document:\n" + "\n".join(problems)


# --- the cases: one real request for each documented answer --------------------------------------------------

CASES = {}


def case(method: str, path: str, status: int):
    """Register a function making the request that gets `status` from `method path`. Its arguments are fixtures."""

    def register(fn):
        key = (method, path, status)
        assert key not in CASES, key
        CASES[key] = fn
        return fn

    return register


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token(user):
    return APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def bad_token():
    return APIClient(HTTP_AUTHORIZATION="Token not-a-token")


def session_without_csrf(user):
    """A browser session that did not send the CSRF token: unsafe methods are refused (403)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and the catalogue's generation live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(make_user):
    return make_user(Role.ALLIANCE_ADMIN, email="admin@alliance.example")


@pytest.fixture
def esco(db, tmp_path):
    load_reference_data(make_data_dir(tmp_path))


@pytest.fixture
def enrolled(cast, offering):
    """The learner is enrolled in the (upcoming) offering; learner2 is on its waiting list."""
    offering.capacity = 1
    offering.save()
    first = learning.enrol(user=cast["learner"], offering_id=offering.pk)
    waiting = learning.enrol(user=cast["learner2"], offering_id=offering.pk)
    return first, waiting


@pytest.fixture
def finished(cast, offering, issuers):
    """The offering has ended; learner and learner2 passed, learner3 was enrolled and has no result."""
    start_offering(offering)
    completions = [enrol_and_pass(offering, cast[k]) for k in ("learner", "learner2")]
    Enrolment.objects.create(offering=offering, learner=cast["learner3"], status="enrolled")
    return completions


@pytest.fixture
def credential(cast, finished):
    return bulk.issue_for_enrolment(enrolment=finished[0], issued_by=cast["officer"])


@pytest.fixture
def job(cast, finished, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return bulk.start_issuance_job(user=cast["officer"], offering_id=finished[0].offering_id)


@pytest.fixture
def proposal(people, refdata, institution, other_institution):
    """A complete draft of the proposer's."""
    p = proposals.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    proposals.save_draft(
        user=people["proposer"], proposal_id=p.pk, data=complete_formal_data(refdata, institution, other_institution)
    )
    return p


@pytest.fixture
def agenda_item(people, proposal):
    proposals.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + dt.timedelta(days=2)
    )
    proposals.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposals.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    proposals.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    return proposals.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)


# /me, /audit-events


@case("get", "/api/v1/me", 200)
def _(cast):
    return token(cast["proposer"]).get(f"{V1}/me")


@case("get", "/api/v1/me", 401)
def _(db):
    return api().get(f"{V1}/me")


@case("get", "/api/v1/audit-events", 200)
def _(admin, cast):
    return api(admin).get(f"{V1}/audit-events", {"action": "role.granted", "limit": 3})


@case("get", "/api/v1/audit-events", 400)
def _(admin):
    return api(admin).get(f"{V1}/audit-events", {"limit": 0, "offset": "null"})


@case("get", "/api/v1/audit-events", 401)
def _(db):
    return bad_token().get(f"{V1}/audit-events")


@case("get", "/api/v1/audit-events", 403)
def _(cast):
    return api(cast["learner"]).get(f"{V1}/audit-events")


# ESCO look-ups


@case("get", "/api/v1/skills", 200)
def _(esco):
    return api().get(f"{V1}/skills", {"search": "proj", "lang": "en"})


@case("get", "/api/v1/skills", 400)
def _(esco):
    return api().get(f"{V1}/skills", {"search": "p"})


@case("get", "/api/v1/occupations", 200)
def _(esco):
    return api().get(f"{V1}/occupations", {"search": "pro", "limit": 5})


@case("get", "/api/v1/occupations", 400)
def _(esco):
    return api().get(f"{V1}/occupations", {"search": "project", "limit": "many"})


@case("get", "/api/v1/occupations/{reference}/skills", 200)
def _(esco):
    return api().get(f"{V1}/occupations/o-pm/skills")


@case("get", "/api/v1/occupations/{reference}/skills", 404)
def _(esco):
    return api().get(f"{V1}/occupations/no-such-occupation/skills")


# The public catalogue


@case("get", "/api/v1/catalogue", 200)
def _(cat, offerings):
    return api().get(f"{V1}/catalogue", {"sort": "title"})


@case("get", "/api/v1/catalogue", 400)
def _(cat):
    return api().get(f"{V1}/catalogue", {"eqf": "9", "cost": "cheap"})


@case("get", "/api/v1/catalogue/{reference}", 200)
def _(cat, offerings):
    return api().get(f"{V1}/catalogue/{cat['a'].micro_credential.slug}")


@case("get", "/api/v1/catalogue/{reference}", 400)
def _(cat):
    return api().get(f"{V1}/catalogue/{cat['a'].micro_credential_id}", {"version": "first"})


@case("get", "/api/v1/catalogue/{reference}", 404)
def _(cat):
    return api().get(f"{V1}/catalogue/no-such-thing")


# Learners' enrolments


@case("get", "/api/v1/me/enrolments", 200)
def _(cast, finished, micro_credential, institution):
    upcoming = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    learning.enrol(user=cast["learner"], offering_id=upcoming.pk)  # one with a result, one without
    return api(cast["learner"]).get(f"{V1}/me/enrolments")


@case("get", "/api/v1/me/enrolments", 401)
def _(db):
    return api().get(f"{V1}/me/enrolments")


ENROLMENT = "/api/v1/offerings/{id}/enrolment"


@case("post", ENROLMENT, 201)
def _(cast, offering):
    return api(cast["learner"]).post(f"{V1}/offerings/{offering.pk}/enrolment", {}, format="json")


@case("post", ENROLMENT, 400)
def _(cast, offering):
    return api(cast["learner"]).post(
        f"{V1}/offerings/{offering.pk}/enrolment", {"prerequisites_acknowledged": "perhaps"}, format="json"
    )


@case("post", ENROLMENT, 401)
def _(offering):
    return api().post(f"{V1}/offerings/{offering.pk}/enrolment", {}, format="json")


@case("post", ENROLMENT, 403)
def _(cast, offering):
    return session_without_csrf(cast["learner"]).post(f"{V1}/offerings/{offering.pk}/enrolment", {}, format="json")


@case("post", ENROLMENT, 404)
def _(cast):
    return api(cast["learner"]).post(f"{V1}/offerings/999999/enrolment", {}, format="json")


@case("post", ENROLMENT, 409)
def _(cast, enrolled):
    return api(cast["learner"]).post(f"{V1}/offerings/{enrolled[0].offering_id}/enrolment", {}, format="json")


@case("delete", ENROLMENT, 200)
def _(cast, enrolled):
    return api(cast["learner"]).delete(f"{V1}/offerings/{enrolled[0].offering_id}/enrolment")


@case("delete", ENROLMENT, 401)
def _(offering):
    return api().delete(f"{V1}/offerings/{offering.pk}/enrolment")


@case("delete", ENROLMENT, 403)
def _(cast, enrolled):
    return session_without_csrf(cast["learner"]).delete(f"{V1}/offerings/{enrolled[0].offering_id}/enrolment")


@case("delete", ENROLMENT, 404)
def _(cast):
    return api(cast["learner"]).delete(f"{V1}/offerings/999999/enrolment")


@case("delete", ENROLMENT, 409)
def _(cast, offering):
    return api(cast["learner"]).delete(f"{V1}/offerings/{offering.pk}/enrolment")


# Staff: enrolment lists, results


@case("get", "/api/v1/offerings/{id}/enrolments", 200)
def _(cast, enrolled):
    Enrolment.objects.create(
        offering_id=enrolled[0].offering_id, learner=cast["learner3"], status="cancelled", cancelled_at=timezone.now()
    )
    return api(cast["manager"]).get(f"{V1}/offerings/{enrolled[0].offering_id}/enrolments")


@case("get", "/api/v1/offerings/{id}/enrolments", 401)
def _(offering):
    return api().get(f"{V1}/offerings/{offering.pk}/enrolments")


@case("get", "/api/v1/offerings/{id}/enrolments", 404)
def _(cast, offering):
    return api(cast["learner"]).get(f"{V1}/offerings/{offering.pk}/enrolments")


RESULTS = "/api/v1/offerings/{id}/results"


@case("get", RESULTS, 200)
def _(cast, finished, offering):
    return api(cast["assessor"]).get(f"{V1}/offerings/{offering.pk}/results")


@case("get", RESULTS, 401)
def _(offering):
    return api().get(f"{V1}/offerings/{offering.pk}/results")


@case("get", RESULTS, 404)
def _(cast, offering):
    return api(cast["outsider"]).get(f"{V1}/offerings/{offering.pk}/results")


def _result(cast, **overrides):
    return {
        "email": cast["learner3"].email,
        "participated": "yes",
        "result": "pass",
        "grade": "7",
        "assessed_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        **overrides,
    }


@case("post", RESULTS, 200)
def _(cast, finished, offering):
    return api(cast["assessor"]).post(f"{V1}/offerings/{offering.pk}/results", _result(cast), format="json")


@case("post", RESULTS, 400)
def _(cast, finished, offering):
    return api(cast["assessor"]).post(f"{V1}/offerings/{offering.pk}/results", _result(cast, grade="42"), format="json")


@case("post", RESULTS, 401)
def _(offering):
    return api().post(f"{V1}/offerings/{offering.pk}/results", {}, format="json")


@case("post", RESULTS, 403)
def _(cast, finished, offering):
    return api(cast["proposer"]).post(f"{V1}/offerings/{offering.pk}/results", _result(cast), format="json")


@case("post", RESULTS, 404)
def _(cast, offering):
    return api(cast["learner"]).post(f"{V1}/offerings/{offering.pk}/results", _result(cast), format="json")


# One offering: read, edit


OFFERING = "/api/v1/offerings/{id}"


@case("get", OFFERING, 200)
def _(offering):
    return api().get(f"{V1}/offerings/{offering.pk}")


@case("get", OFFERING, 401)
def _(offering):
    return bad_token().get(f"{V1}/offerings/{offering.pk}")


@case("get", OFFERING, 404)
def _(db):
    return api().get(f"{V1}/offerings/999999")


@case("patch", OFFERING, 200)
def _(cast, enrolled, offering):
    return api(cast["proposer"]).patch(f"{V1}/offerings/{offering.pk}", {"capacity": 5, "fee": "12.5"}, format="json")


@case("patch", OFFERING, 400)
def _(cast, offering):
    return api(cast["proposer"]).patch(f"{V1}/offerings/{offering.pk}", {"capacity": -1, "id": 3}, format="json")


@case("patch", OFFERING, 401)
def _(offering):
    return api().patch(f"{V1}/offerings/{offering.pk}", {"capacity": 5}, format="json")


@case("patch", OFFERING, 403)
def _(cast, offering):
    return api(cast["assessor"]).patch(f"{V1}/offerings/{offering.pk}", {"capacity": 5}, format="json")


@case("patch", OFFERING, 404)
def _(cast):
    return api(cast["proposer"]).patch(f"{V1}/offerings/999999", {"capacity": 5}, format="json")


@case("patch", OFFERING, 409)
def _(cast, finished, offering):
    return api(cast["proposer"]).patch(f"{V1}/offerings/{offering.pk}", {"capacity": 5}, format="json")


CANCELLATION = "/api/v1/offerings/{id}/enrolments/{enrolment_id}/cancellation"


def _cancel(client, enrolment, reason="Never came."):
    return client.post(
        f"{V1}/offerings/{enrolment.offering_id}/enrolments/{enrolment.pk}/cancellation", {"reason": reason}
    )


@case("post", CANCELLATION, 200)
def _(cast, enrolled):
    return _cancel(api(cast["manager"]), enrolled[0])


@case("post", CANCELLATION, 400)
def _(cast, enrolled):
    return _cancel(api(cast["manager"]), enrolled[0], reason="")


@case("post", CANCELLATION, 401)
def _(enrolled):
    return _cancel(api(), enrolled[0])


@case("post", CANCELLATION, 403)
def _(cast, enrolled):
    return _cancel(api(cast["assessor"]), enrolled[0])


@case("post", CANCELLATION, 404)
def _(cast, offering):
    return api(cast["manager"]).post(f"{V1}/offerings/{offering.pk}/enrolments/999999/cancellation", {"reason": "x"})


@case("post", CANCELLATION, 409)
def _(cast, finished):
    return _cancel(api(cast["manager"]), finished[0])


IMPORTS = "/api/v1/offerings/{id}/imports"


@case("get", IMPORTS, 200)
def _(cast, offering, three_imports):
    return api(cast["manager"]).get(f"{V1}/offerings/{offering.pk}/imports")


@case("get", IMPORTS, 401)
def _(offering):
    return api().get(f"{V1}/offerings/{offering.pk}/imports")


@case("get", IMPORTS, 403)
def _(cast, offering):
    return api(cast["learner"]).get(f"{V1}/offerings/{offering.pk}/imports")


@case("get", IMPORTS, 404)
def _(cast):
    return api(cast["manager"]).get(f"{V1}/offerings/999999/imports")


# Credentials


ISSUE = "/api/v1/offerings/{id}/credentials"


@case("post", ISSUE, 202)
def _(cast, finished, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return api(cast["officer"]).post(f"{V1}/offerings/{offering.pk}/credentials")


@case("post", ISSUE, 400)
def _(cast, finished, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(cast["officer"]).post(f"{V1}/offerings/{offering.pk}/credentials")
    return api(cast["officer"]).post(f"{V1}/offerings/{offering.pk}/credentials")  # nothing left to issue


@case("post", ISSUE, 401)
def _(offering):
    return api().post(f"{V1}/offerings/{offering.pk}/credentials")


@case("post", ISSUE, 403)
def _(cast, finished, offering):
    return api(cast["learner"]).post(f"{V1}/offerings/{offering.pk}/credentials")


@case("post", ISSUE, 404)
def _(cast, issuers):
    return api(cast["officer"]).post(f"{V1}/offerings/999999/credentials")


@case("post", ISSUE, 409)
def _(cast, offering):
    start_offering(offering)
    enrol_and_pass(offering, cast["learner"])  # but nobody has made the issuers' keys yet
    return api(cast["officer"]).post(f"{V1}/offerings/{offering.pk}/credentials")


@case("get", "/api/v1/issuance-jobs/{id}", 200)
def _(cast, job):
    return api(cast["officer"]).get(f"{V1}/issuance-jobs/{job.pk}")


@case("get", "/api/v1/issuance-jobs/{id}", 401)
def _(job):
    return api().get(f"{V1}/issuance-jobs/{job.pk}")


@case("get", "/api/v1/issuance-jobs/{id}", 404)
def _(cast, job):
    return api(cast["learner"]).get(f"{V1}/issuance-jobs/{job.pk}")


@case("get", "/api/v1/credentials/{uuid}", 200)
def _(cast, credential):
    return api(cast["learner"]).get(f"{V1}/credentials/{credential.uuid}")


@case("get", "/api/v1/credentials/{uuid}", 401)
def _(credential):
    return api().get(f"{V1}/credentials/{credential.uuid}")


@case("get", "/api/v1/credentials/{uuid}", 404)
def _(cast, credential):
    return api(cast["learner2"]).get(f"{V1}/credentials/{credential.uuid}")


REVOCATION = "/api/v1/credentials/{uuid}/revocation"


def _revoke(client, credential, reason="Issued to the wrong person."):
    return client.post(f"{V1}/credentials/{credential.uuid}/revocation", {"reason": reason}, format="json")


@case("post", REVOCATION, 201)
def _(cast, credential):
    return _revoke(api(cast["officer"]), credential)


@case("post", REVOCATION, 400)
def _(cast, credential):
    return _revoke(api(cast["officer"]), credential, reason="   ")


@case("post", REVOCATION, 401)
def _(credential):
    return _revoke(api(), credential)


@case("post", REVOCATION, 403)
def _(cast, credential):
    return _revoke(api(cast["learner"]), credential)


@case("post", REVOCATION, 404)
def _(cast, issuers):
    return api(cast["officer"]).post(
        f"{V1}/credentials/00000000-0000-4000-8000-000000000000/revocation", {"reason": "x"}, format="json"
    )


@case("post", REVOCATION, 409)
def _(cast, credential):
    _revoke(api(cast["officer"]), credential)
    return _revoke(api(cast["officer"]), credential)


@case("post", REVOCATION, 503)
def _(cast, credential, settings):
    settings.CREDENTIAL_KEK = ""
    return _revoke(api(cast["officer"]), credential)


# Proposals


@case("get", "/api/v1/proposals", 200)
def _(people, proposal):
    return token(people["proposer"]).get(f"{V1}/proposals", {"status": "draft"})


@case("get", "/api/v1/proposals", 400)
def _(people):
    return token(people["proposer"]).get(f"{V1}/proposals", {"waiting_for_me": "perhaps"})


@case("get", "/api/v1/proposals", 401)
def _(db):
    return api().get(f"{V1}/proposals")


@case("get", "/api/v1/proposals/{id}", 200)
def _(people, agenda_item):
    return api(people["manager"]).get(f"{V1}/proposals/{agenda_item.proposal_id}")


@case("get", "/api/v1/proposals/{id}", 401)
def _(proposal):
    return api().get(f"{V1}/proposals/{proposal.pk}")


@case("get", "/api/v1/proposals/{id}", 404)
def _(people, proposal):
    return api(people["learner"]).get(f"{V1}/proposals/{proposal.pk}")


ACTIONS = "/api/v1/proposals/{id}/actions"


def _act(user, proposal, **body):
    return api(user).post(f"{V1}/proposals/{proposal.pk}/actions", body, format="json")


@case("post", ACTIONS, 200)
def _(people, proposal):
    proposal.refresh_from_db()
    return _act(people["proposer"], proposal, action="send_to_manager", revision=proposal.revision)


@case("post", ACTIONS, 400)
def _(people, proposal):
    return _act(people["proposer"], proposal, action="fly")


@case("post", ACTIONS, 401)
def _(proposal):
    return api().post(f"{V1}/proposals/{proposal.pk}/actions", {"action": "send_to_manager"}, format="json")


@case("post", ACTIONS, 403)
def _(people, proposal):
    return _act(people["proposer"], proposal, action="manager_approve")


@case("post", ACTIONS, 404)
def _(people, proposal):
    return _act(people["learner"], proposal, action="send_to_manager")


@case("post", ACTIONS, 409)
def _(people, proposal):
    return _act(people["proposer"], proposal, action="send_to_manager", revision=proposal.revision + 7)


CO_PROPOSERS = "/api/v1/proposals/{id}/co-proposers"
CO_PROPOSER = "/api/v1/proposals/{id}/co-proposers/{person_id}"


@pytest.fixture
def colleague(make_user, other_institution):
    """A proposer at the co-leading university."""
    return make_user((Role.PROPOSER, other_institution), email="colleague@uu.example", full_name="Anna Jansen")


def _add_co_proposer(user, proposal, email):
    return api(user).post(f"{V1}/proposals/{proposal.pk}/co-proposers", {"email": email}, format="json")


@case("post", CO_PROPOSERS, 200)
def _(people, proposal, colleague):
    return _add_co_proposer(people["proposer"], proposal, colleague.email)


@case("post", CO_PROPOSERS, 400)
def _(people, proposal):
    return _add_co_proposer(people["proposer"], proposal, "nobody@example.org")


@case("post", CO_PROPOSERS, 401)
def _(proposal, colleague):
    return _add_co_proposer(None, proposal, colleague.email)


@case("post", CO_PROPOSERS, 403)
def _(people, proposal, colleague):
    proposals.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    return _add_co_proposer(people["proposer"], proposal, colleague.email)  # no longer being written


@case("post", CO_PROPOSERS, 404)
def _(people, proposal, colleague):
    return _add_co_proposer(people["learner"], proposal, colleague.email)


def _take_off(user, proposal, person):
    return api(user).delete(f"{V1}/proposals/{proposal.pk}/co-proposers/{person.pk}")


@case("delete", CO_PROPOSER, 200)
def _(people, proposal, colleague):
    _add_co_proposer(people["proposer"], proposal, colleague.email)
    return _take_off(colleague, proposal, colleague)  # leaves


@case("delete", CO_PROPOSER, 401)
def _(proposal, colleague):
    return _take_off(None, proposal, colleague)


@case("delete", CO_PROPOSER, 403)
def _(people, proposal, colleague):
    _add_co_proposer(people["proposer"], proposal, colleague.email)
    return _take_off(colleague, proposal, people["proposer"])  # only the proposer removes


@case("delete", CO_PROPOSER, 404)
def _(people, proposal, colleague):
    return _take_off(people["learner"], proposal, colleague)


DECISION = "/api/v1/agenda-items/{item_id}/decision"


def _decide(user, item_id, **body):
    hold_meeting_now(AgendaItem.objects.get(pk=item_id))  # decisions are recorded from the meeting's day on
    return api(user).post(f"{V1}/agenda-items/{item_id}/decision", body, format="json")


@case("post", DECISION, 201)
def _(people, agenda_item):
    return _decide(people["chair"], agenda_item.pk, outcome="approve", rationale="Well argued.")


@case("post", DECISION, 400)
def _(people, agenda_item):
    return _decide(people["chair"], agenda_item.pk, outcome="approve_with_conditions", rationale="Yes.")


@case("post", DECISION, 401)
def _(agenda_item):
    return api().post(f"{V1}/agenda-items/{agenda_item.pk}/decision", {}, format="json")


@case("post", DECISION, 403)
def _(people, agenda_item):
    return _decide(people["manager"], agenda_item.pk, outcome="approve", rationale="Fine.")


@case("post", DECISION, 404)
def _(people, agenda_item):
    return _decide(people["learner"], agenda_item.pk, outcome="approve", rationale="Fine.")


@case("post", DECISION, 409)
def _(people, agenda_item):
    _decide(people["chair"], agenda_item.pk, outcome="approve", rationale="Well argued.")
    return _decide(people["member"], agenda_item.pk, outcome="reject", rationale="No.")


# Indicators (issue #15): public headline figures, staff breakdowns and series


@case("get", "/api/v1/kpis", 200)
def _(make_version, make_user):
    make_version()  # 5 ECTS prepared
    make_user(Role.LEARNER, learner_group="lifelong_learner")  # one: suppressed (null value)
    return api().get(f"{V1}/kpis")


@case("get", "/api/v1/kpis/breakdowns", 200)
def _(make_version, make_user):
    make_version()
    return api(make_user(Role.QUALITY_OFFICE)).get(
        f"{V1}/kpis/breakdowns", {"code": "ects_prepared", "by": "university"}
    )


@case("get", "/api/v1/kpis/breakdowns", 400)
def _(make_user):
    return api(make_user(Role.QUALITY_OFFICE)).get(f"{V1}/kpis/breakdowns", {"code": "nope", "by": "colour"})


@case("get", "/api/v1/kpis/breakdowns", 401)
def _(db):
    return api().get(f"{V1}/kpis/breakdowns", {"code": "ects_prepared", "by": "university"})


@case("get", "/api/v1/kpis/breakdowns", 403)
def _(make_user):
    return api(make_user(Role.LEARNER)).get(f"{V1}/kpis/breakdowns", {"code": "ects_prepared", "by": "university"})


@case("get", "/api/v1/kpis/series", 200)
def _(make_version, make_user):
    make_version()
    return api(make_user(Role.COUNCIL_MEMBER)).get(f"{V1}/kpis/series", {"code": "ects_prepared", "period": "month"})


@case("get", "/api/v1/kpis/series", 400)
def _(make_user):
    return api(make_user(Role.COUNCIL_MEMBER)).get(f"{V1}/kpis/series", {"code": "ects_prepared", "period": "week"})


@case("get", "/api/v1/kpis/series", 401)
def _(db):
    return api().get(f"{V1}/kpis/series", {"code": "ects_prepared", "period": "month"})


@case("get", "/api/v1/kpis/series", 403)
def _(make_user, institution, other_institution):
    manager = make_user((Role.INSTITUTIONAL_MANAGER, institution))
    return api(manager).get(f"{V1}/kpis/series", {"code": "ects_prepared", "period": "month", "university": "uu"})


# Public verification


def _verify(body, content_type="application/json"):
    return APIClient().post(f"{V1}/verify", body, content_type=content_type)


@case("post", "/api/v1/verify", 200)
def _(credential):
    return _verify(json.dumps(credential.document))


@case("post", "/api/v1/verify", 400)
def _(db):
    return _verify("{not json")


@case("post", "/api/v1/verify", 413)
def _(db):
    return _verify(json.dumps({"padding": " " * (1024 * 1024)}))


@case("post", "/api/v1/verify", 415)
def _(db):
    return _verify("a credential", content_type="text/plain")


@case("post", "/api/v1/verify", 429)
def _(db, settings):
    settings.VERIFY_RATE_LIMIT = 1
    _verify("{}")
    return _verify("{}")


# The council report, its recommendations and the meetings' papers (issue #14): cases kept in their own module.
from microcred.api.tests import conformance_quality  # noqa: E402
from microcred.api.tests.conformance_quality import (  # noqa: E402, F401
    council_report,
    published,
    quality_office,
    recommendation,
)

conformance_quality.register(case, api, session_without_csrf)
OPERATION_IDS.update(conformance_quality.OPERATION_IDS)

# The post-delivery surveys (issue #14, policy 7.25): cases kept in their own module.
from microcred.api.tests import conformance_surveys  # noqa: E402
from microcred.api.tests.conformance_surveys import learners_survey, survey_quality  # noqa: E402, F401

conformance_surveys.register(case, api, session_without_csrf)
OPERATION_IDS.update(conformance_surveys.OPERATION_IDS)

# The conditions of approval and the hand-off tasks (issue #14): cases kept in their own module.
from microcred.api.tests import conformance_handoffs  # noqa: E402
from microcred.api.tests.conformance_handoffs import communication, condition, reported, task  # noqa: E402, F401

conformance_handoffs.register(case, api, session_without_csrf)
OPERATION_IDS.update(conformance_handoffs.OPERATION_IDS)

# Recognition of credentials by the member universities (issue #12, item 5): cases kept in their own module.
from microcred.api.tests import conformance_recognition  # noqa: E402
from microcred.api.tests.conformance_recognition import (  # noqa: E402, F401
    rc_agreement,
    rc_appealed,
    rc_credential,
    rc_learner,
    rc_officer,
    rc_refused,
    rc_request,
    rc_second_officer,
    rc_version,
)

conformance_recognition.register(case, api, session_without_csrf, bad_token)
OPERATION_IDS.update(conformance_recognition.OPERATION_IDS)

# The guidance look-ups: skill suggestions and the micro-credentials for an occupation (issue #13).
from microcred.api.tests import conformance_guidance  # noqa: E402

conformance_guidance.register(case, api)
OPERATION_IDS.update(conformance_guidance.OPERATION_IDS)


# Stackable pathways, public (issue #12): cases kept in their own module.
from microcred.api.tests import conformance_pathways  # noqa: E402

conformance_pathways.register(case, api)
OPERATION_IDS.update(conformance_pathways.OPERATION_IDS)

# The learner's record and pathway progress (issue #12, items 3-4): cases kept in their own module.
from microcred.api.tests import conformance_learner_pathways  # noqa: E402
from microcred.api.tests.conformance_learner_pathways import lp_learner, lp_started  # noqa: E402, F401

conformance_learner_pathways.register(case, api)
OPERATION_IDS.update(conformance_learner_pathways.OPERATION_IDS)


# --- the tests ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0].upper()} {key[1]} {key[2]}")
def test_each_answer_is_as_documented(key, document, request):
    method, path, status = key
    make_request = CASES[key]
    response = make_request(
        **{name: request.getfixturevalue(name) for name in inspect.signature(make_request).parameters}
    )
    assert response.status_code == status, (
        f"the case meant to get {status} got {response.status_code}: {response.content[:300]!r}"
    )
    assert_conforms(document, method, path, response)
    if status < 300 and "results" in (body := response.json()):
        assert body["results"], "a list's case lists something, so that its items are checked too"


def test_every_documented_answer_has_a_case(document):
    documented = {
        (method, path, int(status)) for (method, path), op in operations(document).items() for status in op["responses"]
    }
    assert sorted(documented - set(CASES)) == [], "documented, but no case here produces it"
    assert sorted(set(CASES) - documented) == [], "produced by a case here, but not documented"


def test_operation_ids_are_explicit_and_stable(document):
    assert {key: op.get("operationId") for key, op in operations(document).items()} == OPERATION_IDS


def test_errors_are_documented_with_the_one_error_body(document):
    for (method, path), op in operations(document).items():
        for status, answer in op["responses"].items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
                assert answer["description"], (method, path, status)


def test_the_check_itself_catches_deviations(document):
    """The check above is only as good as this: an undocumented status, an undocumented field, a missing field,
    a null where none is allowed and a wrong type are each caught."""
    me = {"email": "a@example.org", "full_name": "A", "roles": [{"role": "learner", "institution": None}]}
    me |= {"learner_group": "other", "country": "", "age_band": "", "employment_status": ""}  # issue #15
    assert_conforms(document, "get", "/api/v1/me", JsonResponse(me))
    deviations = [
        JsonResponse(me, status=204),
        JsonResponse({**me, "password": "x"}),
        JsonResponse({k: v for k, v in me.items() if k != "roles"}),
        JsonResponse({**me, "full_name": None}),
        JsonResponse({**me, "roles": [{"role": "wizard", "institution": None}]}),
        JsonResponse({**me, "roles": {"role": "learner"}}),
        JsonResponse({**me, "learner_group": "alumni"}),
    ]
    for response in deviations:
        with pytest.raises(AssertionError):
            assert_conforms(document, "get", "/api/v1/me", response)


def test_the_document_passes_spectacular_validation(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 0
