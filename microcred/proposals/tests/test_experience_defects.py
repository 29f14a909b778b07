"""Issue #16 in the proposals app, below the pages: a reordered set is not a change (defect 7), the e-mail that
asks for an action says so (defect 10), the minutes PDF in TIME_ZONE (defect 8), what to fix (defect 11)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone

from microcred.proposals import selectors, services
from microcred.proposals.models import Meeting
from microcred.proposals.tests.approvals import decide_in_session, draft_proposal, on_agenda
from microcred.proposals.versions import compare
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


def test_sets_ticked_in_another_order_are_not_a_change(people, refdata, institution, other_institution):
    from microcred.proposals.versions import copy_version

    proposal = draft_proposal(
        people, refdata, institution, other_institution, assessment_types=["report", "oral"], languages=["es", "en"]
    )
    v1 = proposal.versions.get(number=1)
    v2 = copy_version(v1, proposal=proposal, number=2)
    v2.assessment_types, v2.languages = ["oral", "report"], ["en", "es"]
    v2.save()
    assert [row["field"] for row in compare(v1, v2) if row["changed"]] == []
    v2.assessment_types = ["oral", "written"]
    v2.save()
    assert [row["field"] for row in compare(v1, v2) if row["changed"]] == ["assessment_types"]


def test_the_manager_is_told_an_action_is_needed_and_the_proposer_is_not(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    proposal = draft_proposal(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    to_manager = next(m for m in mail.outbox if people["manager"].email in m.to)
    to_proposer = next(m for m in mail.outbox if people["proposer"].email in m.to)
    assert "(action needed from you)" in to_manager.subject
    assert to_manager.body.split("\n\n")[1].startswith("Action needed from you: approve the proposal for submission")
    assert "Action needed" not in to_proposer.subject + to_proposer.body
    # Returned to the proposer: now she is the one asked to act.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(
            user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_RETURN, comment="Add the hours."
        )
    to_proposer = next(m for m in mail.outbox if people["proposer"].email in m.to)
    assert "Action needed from you: edit the proposal" in to_proposer.body


def test_the_minutes_pdf_gives_the_meeting_time_in_the_configured_time_zone(people, settings):
    from pypdf import PdfReader

    from microcred.proposals.pdf import meeting_pdf

    settings.TIME_ZONE = "Europe/Brussels"
    meeting = Meeting.objects.create(
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=dt.datetime(2026, 7, 2, 16, 29, tzinfo=dt.UTC),
        created_by=people["secretary"],
    )
    for minutes in (True, False):
        text = PdfReader(io.BytesIO(meeting_pdf(meeting, minutes=minutes))).pages[0].extract_text()
        text = " ".join(text.split())  # (the title may wrap)
        assert "2026-07-02 18:29" in text, text  # summer time: UTC+2, as the meeting's page shows it


def test_what_to_fix_is_the_step_that_sent_the_proposal_back(people, refdata, institution, other_institution):
    item = on_agenda(people, refdata, institution, other_institution)
    proposal = item.proposal
    assert selectors.what_to_fix(proposal) is None
    decide_in_session(
        user=people["chair"], agenda_item_id=item.pk, outcome="request_revisions", rationale="Make outcomes observable."
    )
    proposal.refresh_from_db()
    fix = selectors.what_to_fix(proposal)
    assert fix.action == "council_request_revisions" and "Make outcomes observable." in fix.comment
    assert timezone.now() - fix.at < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"rationale": "A good fit."}, "Choose a decision."),
        ({"outcome": "approve_all", "rationale": "A good fit."}, "Choose a decision."),
        ({"outcome": "approve", "rationale": "   "}, "Give the rationale for the decision."),
        ({"outcome": "approve", "rationale": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_decision_form_sent_incomplete_says_what_is_missing_and_records_nothing(
    people, refdata, institution, other_institution, client, posted, message
):
    from django.urls import reverse

    from microcred.proposals.models import Decision
    from microcred.proposals.tests.approvals import hold_meeting_now

    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    client.force_login(people["chair"])
    response = client.post(reverse("proposals:decide", args=[item.pk]), posted)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "The decision is not recorded yet: see the messages next to the fields." in html
    assert not Decision.objects.exists()
    item.proposal.refresh_from_db()
    assert item.proposal.status == "scheduled"
