"""The conformance cases of recognition (issue #12, item 5): the learner's requests, the officers' queue and
decisions, the agreements register; registered with test_openapi_conformance's `case` when it imports this module
(each documented answer, one real request)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.recognition import services
from microcred.recognition.models import RecognitionRequest
from microcred.roles import Role

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/me/recognition-requests"): "me_recognition_requests_list",
    ("post", "/api/v1/me/recognition-requests"): "me_recognition_requests_create",
    ("get", "/api/v1/me/recognition-requests/{id}"): "me_recognition_requests_retrieve",
    ("post", "/api/v1/me/recognition-requests/{id}/appeal"): "me_recognition_requests_appeal_create",
    ("get", "/api/v1/recognition-requests"): "recognition_requests_list",
    ("get", "/api/v1/recognition-requests/{id}"): "recognition_requests_retrieve",
    ("post", "/api/v1/recognition-requests/{id}/decision"): "recognition_requests_decision_create",
    ("post", "/api/v1/recognition-requests/{id}/appeal-decision"): "recognition_requests_appeal_decision_create",
    ("get", "/api/v1/recognition-agreements"): "recognition_agreements_list",
    ("post", "/api/v1/recognition-agreements"): "recognition_agreements_create",
    ("patch", "/api/v1/recognition-agreements/{id}"): "recognition_agreements_partial_update",
}
_numbers = itertools.count(1)


@pytest.fixture
def rc_learner(make_user):
    return make_user(Role.LEARNER, email="katrin.rc@example.org", full_name="Katrin Weber")


@pytest.fixture
def rc_officer(make_user, other_institution):
    return make_user((Role.RECOGNITION_OFFICER, other_institution), email="recognition.rc@example.org")


@pytest.fixture
def rc_second_officer(make_user, other_institution):
    return make_user((Role.RECOGNITION_OFFICER, other_institution), email="recognition2.rc@example.org")


@pytest.fixture
def rc_version(make_version):
    return make_version(title="Data analysis for sustainability", ects=Decimal("5.0"))


@pytest.fixture
def rc_credential(issuers, rc_version, rc_learner):
    from microcred.credentials.services.issuance import issue_credential

    return issue_credential(
        completion_key=f"rc-{next(_numbers)}",
        micro_credential_version=rc_version,
        learner_name=rc_learner.full_name,
        learner_email=rc_learner.email,
        learner=rc_learner,
        awarded_on=dt.date(2026, 7, 1),
    )


@pytest.fixture
def rc_request(rc_credential, rc_learner, other_institution):
    return services.submit_request(
        learner=rc_learner,
        institution_id=other_institution.pk,
        programme="MSc Sustainable Development",
        credential_uuid=rc_credential.uuid,
    )


@pytest.fixture
def rc_refused(rc_request, rc_officer):
    return services.decide_request(user=rc_officer, request_id=rc_request.pk, outcome="refused", reason="No match.")


@pytest.fixture
def rc_appealed(rc_refused, rc_learner, rc_second_officer):
    return services.appeal(user=rc_learner, request_id=rc_refused.pk, reason="Module 2 matches.")


@pytest.fixture
def rc_agreement(rc_officer, other_institution, rc_version):
    return services.create_agreement(
        user=rc_officer,
        micro_credential=rc_version.micro_credential_id,
        institution=other_institution.pk,
        programme="MSc Sustainable Development",
        course="Data Science for Sustainability",
        ects=Decimal("5"),
        valid_from=dt.date(2026, 1, 1),
    )


def _tampered(credential) -> dict:
    doc = copy.deepcopy(credential.document)
    doc["credentialSubject"]["achievement"]["name"] = "Something else"
    return doc


def register(case, api, session_without_csrf, bad_token):
    MR = "/api/v1/me/recognition-requests"
    MRD = "/api/v1/me/recognition-requests/{id}"
    MRA = "/api/v1/me/recognition-requests/{id}/appeal"
    Q = "/api/v1/recognition-requests"
    QD = "/api/v1/recognition-requests/{id}"
    QDEC = "/api/v1/recognition-requests/{id}/decision"
    QAPP = "/api/v1/recognition-requests/{id}/appeal-decision"
    A = "/api/v1/recognition-agreements"
    AD = "/api/v1/recognition-agreements/{id}"

    def ask(user, **body):
        return api(user).post(f"{V1}/me/recognition-requests", body, format="json")

    @case("get", MR, 200)
    def _(rc_learner, rc_refused):
        return api(rc_learner).get(f"{V1}/me/recognition-requests")

    @case("get", MR, 401)
    def _():
        return api().get(f"{V1}/me/recognition-requests")

    @case("post", MR, 201)
    def _(rc_learner, rc_credential, other_institution, rc_agreement):
        return ask(rc_learner, credential=str(rc_credential.uuid), university=other_institution.pk, programme="MSc SD")

    @case("post", MR, 400)
    def _(rc_learner, rc_credential, other_institution):
        return ask(rc_learner, university=other_institution.pk, programme="MSc Sustainable Development")

    @case("post", MR, 401)
    def _():
        return api().post(f"{V1}/me/recognition-requests", {}, format="json")

    @case("post", MR, 403)
    def _(rc_learner, rc_credential, other_institution):
        return session_without_csrf(rc_learner).post(
            f"{V1}/me/recognition-requests",
            {"credential": str(rc_credential.uuid), "university": other_institution.pk, "programme": "MSc"},
            format="json",
        )

    @case("post", MR, 409)
    def _(rc_learner, rc_request, rc_credential, other_institution):
        return ask(
            rc_learner,
            credential=str(rc_credential.uuid),
            university=other_institution.pk,
            programme="MSc Sustainable Development",
        )

    @case("post", MR, 422)
    def _(rc_learner, rc_credential, other_institution):
        return ask(rc_learner, document=_tampered(rc_credential), university=other_institution.pk, programme="MSc")

    @case("get", MRD, 200)
    def _(rc_learner, rc_appealed):
        return api(rc_learner).get(f"{V1}/me/recognition-requests/{rc_appealed.pk}")

    @case("get", MRD, 401)
    def _(rc_request):
        return api().get(f"{V1}/me/recognition-requests/{rc_request.pk}")

    @case("get", MRD, 404)
    def _(rc_officer, rc_request):
        return api(rc_officer).get(f"{V1}/me/recognition-requests/{rc_request.pk}")

    def appeal(user, request, reason="Module 2 matches."):
        return api(user).post(f"{V1}/me/recognition-requests/{request.pk}/appeal", {"reason": reason}, format="json")

    @case("post", MRA, 200)
    def _(rc_learner, rc_refused, rc_second_officer):
        return appeal(rc_learner, rc_refused)

    @case("post", MRA, 400)
    def _(rc_learner, rc_refused):
        return appeal(rc_learner, rc_refused, reason="  ")

    @case("post", MRA, 401)
    def _(rc_refused):
        return api().post(f"{V1}/me/recognition-requests/{rc_refused.pk}/appeal", {}, format="json")

    @case("post", MRA, 403)
    def _(rc_learner, rc_refused):
        return session_without_csrf(rc_learner).post(
            f"{V1}/me/recognition-requests/{rc_refused.pk}/appeal", {"reason": "Why not."}, format="json"
        )

    @case("post", MRA, 404)
    def _(make_user, rc_refused):
        return appeal(make_user(Role.LEARNER), rc_refused)

    @case("post", MRA, 409)
    def _(rc_learner, rc_refused):
        RecognitionRequest.objects.filter(pk=rc_refused.pk).update(appeal_until=timezone.now() - dt.timedelta(1))
        return appeal(rc_learner, rc_refused)

    @case("get", Q, 200)
    def _(rc_officer, rc_appealed):
        return api(rc_officer).get(f"{V1}/recognition-requests?state=all")

    @case("get", Q, 400)
    def _(rc_officer):
        return api(rc_officer).get(f"{V1}/recognition-requests?state=forgotten")

    @case("get", Q, 401)
    def _():
        return api().get(f"{V1}/recognition-requests")

    @case("get", Q, 403)
    def _(rc_learner):
        return api(rc_learner).get(f"{V1}/recognition-requests")

    @case("get", QD, 200)
    def _(rc_officer, rc_request, rc_agreement):
        return api(rc_officer).get(f"{V1}/recognition-requests/{rc_request.pk}")

    @case("get", QD, 401)
    def _(rc_request):
        return api().get(f"{V1}/recognition-requests/{rc_request.pk}")

    @case("get", QD, 404)
    def _(make_user, institution, rc_request):
        return api(make_user((Role.RECOGNITION_OFFICER, institution))).get(f"{V1}/recognition-requests/{rc_request.pk}")

    def decide(user, request, **body):
        return api(user).post(f"{V1}/recognition-requests/{request.pk}/decision", body, format="json")

    @case("post", QDEC, 200)
    def _(rc_officer, rc_request):
        return decide(rc_officer, rc_request, outcome="recognised", ects="5", recognised_as="Module 2")

    @case("post", QDEC, 400)
    def _(rc_officer, rc_request):
        return decide(rc_officer, rc_request, outcome="recognised", ects="6", recognised_as="Module 2")

    @case("post", QDEC, 401)
    def _(rc_request):
        return api().post(f"{V1}/recognition-requests/{rc_request.pk}/decision", {}, format="json")

    @case("post", QDEC, 403)
    def _(make_user, other_institution, rc_request):
        manager = make_user((Role.INSTITUTIONAL_MANAGER, other_institution))
        RecognitionRequest.objects.filter(pk=rc_request.pk).update(appeal_flagged=True)  # a manager who may see it
        return decide(manager, rc_request, outcome="refused", reason="No.")

    @case("post", QDEC, 404)
    def _(rc_learner, rc_request):
        return decide(rc_learner, RecognitionRequest(pk=987654), outcome="refused", reason="No.")

    @case("post", QDEC, 409)
    def _(rc_officer, rc_refused):
        return decide(rc_officer, rc_refused, outcome="refused", reason="No again.")

    def decide_appeal(user, request, **body):
        return api(user).post(f"{V1}/recognition-requests/{request.pk}/appeal-decision", body, format="json")

    @case("post", QAPP, 200)
    def _(rc_second_officer, rc_appealed):
        return decide_appeal(rc_second_officer, rc_appealed, outcome="recognised", ects="5", recognised_as="M2")

    @case("post", QAPP, 400)
    def _(rc_second_officer, rc_appealed):
        return decide_appeal(rc_second_officer, rc_appealed, outcome="recognised_in_part", ects="2", recognised_as="M2")

    @case("post", QAPP, 401)
    def _(rc_appealed):
        return api().post(f"{V1}/recognition-requests/{rc_appealed.pk}/appeal-decision", {}, format="json")

    @case("post", QAPP, 403)
    def _(rc_officer, rc_appealed):
        return decide_appeal(rc_officer, rc_appealed, outcome="refused", reason="Still no.")

    @case("post", QAPP, 404)
    def _(make_user, institution, rc_appealed):
        other = make_user((Role.RECOGNITION_OFFICER, institution))
        return decide_appeal(other, rc_appealed, outcome="refused", reason="No.")

    @case("post", QAPP, 409)
    def _(rc_second_officer, rc_refused):
        return decide_appeal(rc_second_officer, rc_refused, outcome="refused", reason="No.")

    @case("get", A, 200)
    def _(rc_agreement):
        return api().get(f"{V1}/recognition-agreements?current=true")

    @case("get", A, 400)
    def _():
        return api().get(f"{V1}/recognition-agreements?university=utrecht")

    @case("get", A, 401)
    def _():
        return bad_token().get(f"{V1}/recognition-agreements")

    def agreement_body(version, university, **overrides):
        body = {
            "micro_credential": version.micro_credential_id,
            "university": university.pk,
            "programme": "BSc Global Challenges",
            "course": "Elective 3",
            "ects": "2.5",
            "valid_from": "2026-09-01",
        }
        body.update(overrides)
        return body

    @case("post", A, 201)
    def _(rc_officer, rc_version, other_institution):
        return api(rc_officer).post(
            f"{V1}/recognition-agreements", agreement_body(rc_version, other_institution), format="json"
        )

    @case("post", A, 400)
    def _(rc_officer, rc_version, other_institution):
        body = agreement_body(rc_version, other_institution, valid_until="2026-01-01")
        return api(rc_officer).post(f"{V1}/recognition-agreements", body, format="json")

    @case("post", A, 401)
    def _():
        return api().post(f"{V1}/recognition-agreements", {}, format="json")

    @case("post", A, 403)
    def _(rc_officer, rc_version, institution):
        return api(rc_officer).post(
            f"{V1}/recognition-agreements", agreement_body(rc_version, institution), format="json"
        )

    @case("patch", AD, 200)
    def _(rc_officer, rc_agreement):
        return api(rc_officer).patch(f"{V1}/recognition-agreements/{rc_agreement.pk}", {"ects": "4"}, format="json")

    @case("patch", AD, 400)
    def _(rc_officer, rc_agreement):
        return api(rc_officer).patch(
            f"{V1}/recognition-agreements/{rc_agreement.pk}", {"valid_until": "2025-01-01"}, format="json"
        )

    @case("patch", AD, 401)
    def _(rc_agreement):
        return api().patch(f"{V1}/recognition-agreements/{rc_agreement.pk}", {}, format="json")

    @case("patch", AD, 403)
    def _(rc_officer, rc_agreement):
        return session_without_csrf(rc_officer).patch(
            f"{V1}/recognition-agreements/{rc_agreement.pk}", {"ects": "4"}, format="json"
        )

    @case("patch", AD, 404)
    def _(make_user, institution, rc_agreement):
        other = make_user((Role.RECOGNITION_OFFICER, institution))
        return api(other).patch(f"{V1}/recognition-agreements/{rc_agreement.pk}", {"ects": "4"}, format="json")
