"""The /quality/ pages, the micro-credential page's open recommendations and the API (issue #14, policy 7.25)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from microcred.catalogue import services as catalogue_services
from microcred.proposals.models import AgendaPaper, Proposal
from microcred.quality import services
from microcred.quality.models import CouncilReport, Recommendation
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def rec(quality, mc):
    return services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Update the reading list.")


def test_who_reaches_the_quality_pages(client, people, quality, rec, make_user):
    home = reverse("quality:home")
    for user in (quality, people["secretary"], people["member"], people["proposer"], people["other_manager"]):
        client.force_login(user)
        page = client.get(home)
        assert page.status_code == 200
        assert "Update the reading list." in page.content.decode()
    client.force_login(people["learner"])
    assert client.get(home).status_code == 403
    assert client.get(reverse("quality:recommendation", args=[rec.pk])).status_code == 404
    client.force_login(people["proposer"])  # sees its university's recommendations, prepares nothing
    assert client.get(reverse("quality:report-create")).status_code == 403
    assert client.get(reverse("quality:recommendation-create")).status_code == 403
    client.logout()
    assert client.get(home).status_code == 302


def test_the_quality_office_prepares_a_report_and_puts_it_on_the_agenda_from_the_pages(
    client, quality, council_meeting, mc, people
):
    client.force_login(quality)
    response = client.post(
        reverse("quality:report-create"),
        {"title": "Spring report", "meeting": council_meeting.pk, "micro_credentials": [mc.pk]},
    )
    report = CouncilReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quality:report", args=[report.pk])
    client.post(
        reverse("quality:report", args=[report.pk]),
        {"rec-micro_credential": mc.pk, "rec-text": "Add a lab session."},
    )
    assert Recommendation.objects.get().report == report
    draft = client.get(reverse("quality:report-pdf", args=[report.pk]))
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF-")
    client.post(reverse("quality:report-agenda", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "on_agenda"
    paper = AgendaPaper.objects.get()
    final = client.get(reverse("quality:report-pdf", args=[report.pk]))
    assert final.status_code == 200 and b"".join(final.streaming_content) == paper.file.open("rb").read()
    # The council sees it on the meeting's page, to download and note.
    client.force_login(people["chair"])
    page = client.get(reverse("proposals:meeting", args=[council_meeting.pk])).content.decode()
    assert "Spring report" in page and "Quality report" in page
    assert reverse("proposals:paper", args=[paper.pk]) in page


def test_bad_input_on_the_pages_is_said_and_changes_nothing(client, quality, council_meeting, mc, rec, people):
    client.force_login(quality)
    page = client.post(reverse("quality:report-create"), {"title": "Empty", "meeting": council_meeting.pk})
    assert "No offering has ended yet" in page.content.decode()
    assert not CouncilReport.objects.exists()
    response = client.post(
        reverse("quality:recommendation-close", args=[rec.pk]),
        {"close-how": "not_followed", "close-reason": ""},
        follow=True,
    )
    assert "Reason" in response.content.decode()
    rec.refresh_from_db()
    assert rec.is_open
    catalogue_services.retire_micro_credential(user=people["secretary"], micro_credential_id=mc.pk, reason="Old.")
    page = client.post(reverse("quality:recommendation-create"), {"micro_credential": mc.pk, "text": "More."})
    assert "is retired: a recommendation can only be about a published micro-credential" in page.content.decode()
    assert Recommendation.objects.count() == 1
    # The open one is flagged in the list.
    assert "Retired while open" in client.get(reverse("quality:home") + "?state=flagged").content.decode()


def test_the_proposer_starts_a_change_proposal_from_the_recommendation(client, people, rec, institution):
    client.force_login(people["proposer"])
    page = client.get(reverse("quality:recommendation", args=[rec.pk])).content.decode()
    assert "Start a change proposal from this recommendation" in page
    assert "Close the recommendation" not in page
    response = client.post(reverse("quality:recommendation-change", args=[rec.pk]), {"institution": institution.pk})
    proposal = Proposal.objects.get(changes_micro_credential=rec.micro_credential)
    assert response["Location"] == reverse("proposals:edit", args=[proposal.pk])
    rec.refresh_from_db()
    assert rec.change_proposal == proposal
    page = client.get(reverse("quality:recommendation", args=[rec.pk])).content.decode()
    assert proposal.reference in page and "Start a change proposal" not in page


def test_the_secretary_closes_a_recommendation_with_a_reason(client, people, rec):
    client.force_login(people["secretary"])
    client.post(
        reverse("quality:recommendation-close", args=[rec.pk]),
        {"close-how": "done_otherwise", "close-reason": "The reading list was updated locally."},
    )
    rec.refresh_from_db()
    assert (rec.status, rec.closed_how) == ("closed", "done_otherwise")
    page = client.get(reverse("quality:home") + "?state=closed").content.decode()
    assert "Done otherwise" in page


def test_the_micro_credentials_page_shows_staff_its_open_recommendations(client, people, rec, mc, make_user):
    url = reverse("catalogue:detail", args=[mc.slug])
    assert "Update the reading list." not in client.get(url).content.decode()  # visitors see nothing
    client.force_login(people["learner"])
    assert "Update the reading list." not in client.get(url).content.decode()
    for user in (people["proposer"], people["other_manager"], people["secretary"]):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Open recommendations of the Academic Council" in page and "Update the reading list." in page
    services.close_recommendation(user=people["secretary"], recommendation_id=rec.pk, how="not_followed", reason="No")
    client.force_login(people["proposer"])
    assert "Update the reading list." not in client.get(url).content.decode()


def test_the_api_lists_reads_creates_and_closes_recommendations(quality, people, mc, rec, make_user):
    api = APIClient()
    api.force_authenticate(people["proposer"])
    body = api.get("/api/v1/recommendations").json()
    assert body["count"] == 1 and body["results"][0]["micro_credential"]["slug"] == mc.slug
    assert body["results"][0]["closed_how"] is None and body["results"][0]["flagged"] is False
    outsider = make_user((Role.PROPOSER, _third()))
    api.force_authenticate(outsider)
    assert api.get("/api/v1/recommendations").json()["count"] == 0
    assert api.get(f"/api/v1/recommendations/{rec.pk}").status_code == 404
    api.force_authenticate(quality)
    created = api.post(f"/api/v1/micro-credentials/{mc.pk}/recommendations", {"text": "Second."}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "open"
    closed = api.post(f"/api/v1/recommendations/{rec.pk}/closure", {"how": "not_followed", "reason": "No budget."})
    assert closed.status_code == 200 and closed.json()["closed_how"] == "not_followed"
    again = api.post(f"/api/v1/recommendations/{rec.pk}/closure", {"how": "not_followed", "reason": "Again."})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_closed"
    assert [r["id"] for r in api.get("/api/v1/recommendations?state=closed").json()["results"]] == [rec.pk]
    assert api.get("/api/v1/recommendations/99999999999999999999").status_code == 404


def test_the_api_puts_a_report_on_the_agenda_and_lists_the_meetings_papers(quality, people, mc, council_meeting):
    api = APIClient()
    api.force_authenticate(quality)
    created = api.post(
        f"/api/v1/meetings/{council_meeting.pk}/council-reports",
        {"title": "Spring report", "micro_credentials": [mc.pk]},
        format="json",
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    on_agenda = api.post(f"/api/v1/council-reports/{report_id}/agenda")
    assert on_agenda.status_code == 200 and on_agenda.json()["status"] == "on_agenda"
    api.force_authenticate(people["member"])
    papers = api.get(f"/api/v1/meetings/{council_meeting.pk}/papers").json()["results"]
    assert [(p["kind"], p["title"]) for p in papers] == [("quality_report", "Spring report")]
    assert papers[0]["download"].endswith(reverse("proposals:paper", args=[papers[0]["id"]]))
    api.force_authenticate(people["proposer"])
    assert api.get(f"/api/v1/meetings/{council_meeting.pk}/papers").status_code == 404


def _third():
    from microcred.reference.models import Institution

    return Institution.objects.create(slug="elte", short_name="ELTE", name="ELTE", country="Hungary", country_code="HU")


def test_a_recommendation_recorded_on_its_own_names_the_meeting_that_made_it(client, quality, mc, council_meeting):
    client.force_login(quality)
    response = client.post(
        reverse("quality:recommendation-create"),
        {"micro_credential": mc.pk, "text": "Offer it online too.", "meeting": council_meeting.pk},
    )
    rec = Recommendation.objects.get()
    assert response["Location"] == reverse("quality:recommendation", args=[rec.pk])
    assert (rec.meeting, rec.report) == (council_meeting, None)
    assert str(council_meeting) in client.get(response["Location"]).content.decode()
