"""The board report put on an Academic Council meeting's agenda (issue #15, item 4): as a KPI report paper, for
the filters the reader chose, by who may place one (the board secretary), on an upcoming meeting only; refused with
a message and nothing written otherwise."""

import pytest
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.proposals import services as proposal_services
from microcred.proposals.models import AgendaPaper, Meeting
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(make_user):
    return make_user(Role.BOARD_SECRETARY, email="secretary@example.org")


@pytest.fixture
def meetings(secretary):
    def meeting(days, body=Meeting.Body.ACADEMIC_COUNCIL):
        return proposal_services.create_meeting(
            user=secretary, body=body, date=timezone.now() + timezone.timedelta(days=days)
        )

    return {"council": meeting(10), "board": meeting(12, Meeting.Body.EXECUTIVE_BOARD), "past": meeting(-3)}


def test_the_secretary_puts_the_board_report_for_the_chosen_filters_on_the_agenda(client, secretary, meetings):
    client.force_login(secretary)
    page = client.get("/reporting/?start=2026-01-01", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Put the board report on its agenda" in page
    assert f'value="{meetings["council"].pk}"' in page
    assert f'value="{meetings["board"].pk}"' not in page and f'value="{meetings["past"].pk}"' not in page

    response = client.post(
        "/reporting/board-report/agenda/", {"meeting": meetings["council"].pk, "query": "start=2026-01-01"}
    )
    assert response.status_code == 302 and response["Location"] == f"/proposals/meetings/{meetings['council'].pk}/"
    paper = AgendaPaper.objects.get()
    assert (paper.meeting, paper.kind, paper.presenter) == (meetings["council"], "kpi_report", secretary)
    assert paper.title.startswith("Micro-credentials: figures against the targets (") and "2026" in paper.title
    assert paper.original_name.endswith(".pdf") and paper.file.read(5) == b"%PDF-"
    assert AuditEvent.objects.filter(actor=secretary, action="meeting.paper_added", changes__paper=paper.pk).exists()


@pytest.mark.parametrize(
    ("who", "meeting", "query", "message"),
    [
        ("quality", "council", "", "Only the board secretary puts papers on an agenda"),
        ("secretary", "past", "", "Choose an upcoming Academic Council meeting."),
        ("secretary", "board", "", "Choose an upcoming Academic Council meeting."),
        ("secretary", "council", "start=2026-05-01&end=2026-01-01", "These filters cannot be used"),
    ],
    ids=["not-allowed", "past-meeting", "not-the-council", "bad-filters"],
)
def test_refused_with_a_message_and_nothing_written(
    client, make_user, secretary, meetings, who, meeting, query, message
):
    user = secretary if who == "secretary" else make_user(Role.QUALITY_OFFICE)
    client.force_login(user)
    before = AuditEvent.objects.count()
    response = client.post(
        "/reporting/board-report/agenda/",
        {"meeting": meetings[meeting].pk, "query": query},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert message in response.content.decode()
    assert not AgendaPaper.objects.exists()
    assert AuditEvent.objects.count() - before <= 1  # at most the refusal's own record


def test_who_may_not_place_it_is_not_offered_the_form(client, make_user, meetings):
    client.force_login(make_user(Role.QUALITY_OFFICE))
    assert (
        "Put the board report on its agenda"
        not in client.get("/reporting/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
