"""The conformance cases of the council report, its recommendations and the meetings' papers (issue #14), registered
with test_openapi_conformance's `case` when it imports this module (each documented answer, one real request)."""

import datetime as dt

import pytest
from django.utils import timezone

from microcred.catalogue.models import MicroCredential
from microcred.catalogue.services import retire_micro_credential
from microcred.proposals import papers
from microcred.proposals.models import Meeting
from microcred.proposals.tests.approvals import decide_in_session
from microcred.quality import services as quality_services
from microcred.roles import Role

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/recommendations"): "recommendations_list",
    ("post", "/api/v1/micro-credentials/{id}/recommendations"): "micro_credentials_recommendations_create",
    ("get", "/api/v1/recommendations/{id}"): "recommendations_retrieve",
    ("post", "/api/v1/recommendations/{id}/closure"): "recommendations_closure_create",
    ("get", "/api/v1/council-reports"): "council_reports_list",
    ("post", "/api/v1/meetings/{id}/council-reports"): "meetings_council_reports_create",
    ("post", "/api/v1/council-reports/{id}/agenda"): "council_reports_agenda_create",
    ("get", "/api/v1/meetings/{id}/papers"): "meetings_papers_list",
}


@pytest.fixture
def quality_office(make_user):
    return make_user(Role.QUALITY_OFFICE, email="quality@alliance.example")


@pytest.fixture
def published(people, agenda_item):
    """The proposal approved: a published micro-credential, and the (upcoming) council meeting."""
    decide_in_session(user=people["chair"], agenda_item_id=agenda_item.pk, outcome="approve", rationale="ok")
    return MicroCredential.objects.get()


@pytest.fixture
def recommendation(quality_office, published):
    return quality_services.record_recommendation(
        user=quality_office, micro_credential_id=published.pk, text="Shorten the self-study part."
    )


@pytest.fixture
def council_report(quality_office, published):
    meeting = Meeting.objects.get(body=Meeting.Body.ACADEMIC_COUNCIL)
    return quality_services.create_report(
        user=quality_office, meeting_id=meeting.pk, title="Quality report", micro_credential_ids=[published.pk]
    )


def register(case, api, session_without_csrf):
    R = "/api/v1/recommendations"
    RD = "/api/v1/recommendations/{id}"
    RC = "/api/v1/recommendations/{id}/closure"
    CR = "/api/v1/council-reports"
    CA = "/api/v1/council-reports/{id}/agenda"
    MP = "/api/v1/meetings/{id}/papers"

    @case("get", R, 200)
    def _(people, recommendation):
        return api(people["proposer"]).get(f"{V1}/recommendations?state=all")

    @case("get", R, 400)
    def _(quality_office):
        return api(quality_office).get(f"{V1}/recommendations?state=forgotten")

    @case("get", R, 401)
    def _():
        return api().get(f"{V1}/recommendations")

    MR = "/api/v1/micro-credentials/{id}/recommendations"

    def recommend(user, mc_id, **body):
        return api(user).post(f"{V1}/micro-credentials/{mc_id}/recommendations", body, format="json")

    @case("post", MR, 201)
    def _(quality_office, published):
        return recommend(quality_office, published.pk, text="Add a lab.")

    @case("post", MR, 400)
    def _(quality_office, published, people):
        retire_micro_credential(user=people["secretary"], micro_credential_id=published.pk, reason="Old.")
        return recommend(quality_office, published.pk, text="Add a lab.")

    @case("post", MR, 401)
    def _(published):
        return api().post(f"{V1}/micro-credentials/{published.pk}/recommendations", {}, format="json")

    @case("post", MR, 403)
    def _(people, published):
        return recommend(people["secretary"], published.pk, text="Add a lab.")

    @case("post", MR, 404)
    def _(quality_office, published):
        return recommend(quality_office, published.pk, text="Add a lab.", report=987654)

    @case("get", RD, 200)
    def _(people, recommendation):
        return api(people["other_manager"]).get(f"{V1}/recommendations/{recommendation.pk}")

    @case("get", RD, 401)
    def _(recommendation):
        return api().get(f"{V1}/recommendations/{recommendation.pk}")

    @case("get", RD, 404)
    def _(people, recommendation):
        return api(people["learner"]).get(f"{V1}/recommendations/{recommendation.pk}")

    def close(user, rec, **body):
        return api(user).post(f"{V1}/recommendations/{rec.pk}/closure", body, format="json")

    @case("post", RC, 200)
    def _(people, recommendation):
        return close(people["secretary"], recommendation, how="not_followed", reason="Out of scope.")

    @case("post", RC, 400)
    def _(quality_office, recommendation):
        return close(quality_office, recommendation, how="not_followed", reason="   ")

    @case("post", RC, 401)
    def _(recommendation):
        return api().post(f"{V1}/recommendations/{recommendation.pk}/closure", {}, format="json")

    @case("post", RC, 403)
    def _(people, recommendation):
        return close(people["chair"], recommendation, how="not_followed", reason="Out of scope.")

    @case("post", RC, 404)
    def _(quality_office):
        return close(quality_office, type("R", (), {"pk": 987654}), how="not_followed", reason="Out of scope.")

    @case("post", RC, 409)
    def _(quality_office, recommendation):
        close(quality_office, recommendation, how="done_otherwise", reason="A lab was added.")
        return close(quality_office, recommendation, how="not_followed", reason="Again.")

    @case("get", CR, 200)
    def _(people, council_report):
        return api(people["member"]).get(f"{V1}/council-reports")

    @case("get", CR, 401)
    def _():
        return api().get(f"{V1}/council-reports")

    @case("get", CR, 403)
    def _(people):
        return api(people["proposer"]).get(f"{V1}/council-reports")

    MC = "/api/v1/meetings/{id}/council-reports"

    def create(user, meeting_id, **body):
        return api(user).post(f"{V1}/meetings/{meeting_id}/council-reports", body, format="json")

    def council():
        return Meeting.objects.get(body=Meeting.Body.ACADEMIC_COUNCIL).pk

    @case("post", MC, 201)
    def _(quality_office, published):
        return create(quality_office, council(), title="Spring report", micro_credentials=[published.pk])

    @case("post", MC, 400)
    def _(quality_office, published):
        today = timezone.localdate()
        return create(
            quality_office,
            council(),
            title="Spring report",
            period_start=str(today),
            period_end=str(today - dt.timedelta(days=1)),
        )

    @case("post", MC, 401)
    def _(published):
        return api().post(f"{V1}/meetings/{council()}/council-reports", {}, format="json")

    @case("post", MC, 403)
    def _(people, published):
        return create(people["secretary"], council(), title="Spring report", micro_credentials=[published.pk])

    @case("post", MC, 404)
    def _(quality_office):
        return create(quality_office, 987654, title="Spring report")

    def agenda(user, report_id):
        return api(user).post(f"{V1}/council-reports/{report_id}/agenda", format="json")

    @case("post", CA, 200)
    def _(quality_office, council_report):
        return agenda(quality_office, council_report.pk)

    @case("post", CA, 400)
    def _(quality_office, council_report):
        Meeting.objects.filter(pk=council_report.meeting_id).update(date=timezone.now() - dt.timedelta(days=1))
        return agenda(quality_office, council_report.pk)

    @case("post", CA, 401)
    def _(council_report):
        return api().post(f"{V1}/council-reports/{council_report.pk}/agenda")

    @case("post", CA, 403)
    def _(people, council_report):
        return agenda(people["secretary"], council_report.pk)

    @case("post", CA, 404)
    def _(quality_office):
        return agenda(quality_office, 987654)

    @case("post", CA, 409)
    def _(quality_office, council_report):
        agenda(quality_office, council_report.pk)
        return agenda(quality_office, council_report.pk)

    @case("get", MP, 200)
    def _(people, quality_office, council_report):
        quality_services.put_report_on_agenda(user=quality_office, report_id=council_report.pk)
        papers.note_paper(user=people["chair"], paper_id=_paper_id(council_report), minutes="Noted.")
        return api(people["member"]).get(f"{V1}/meetings/{council_report.meeting_id}/papers")

    @case("get", MP, 401)
    def _(council_report):
        return api().get(f"{V1}/meetings/{council_report.meeting_id}/papers")

    @case("get", MP, 404)
    def _(people, council_report):
        return api(people["proposer"]).get(f"{V1}/meetings/{council_report.meeting_id}/papers")


def _paper_id(report) -> int:
    report.refresh_from_db()
    return report.paper_id
