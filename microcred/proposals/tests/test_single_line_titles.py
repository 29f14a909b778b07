"""Titles are one line: typed ones with a line break are refused, stored ones still make safe e-mails (issue #11).

A title goes into e-mail subjects, and a header field is one line (RFC 5322 §2.2): a CR/LF in it would
start another header, or make Django refuse to send the workflow e-mails at all.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.core.exceptions import ValidationFailed
from microcred.proposals import services
from microcred.proposals.forms import CallForm, MeetingForm
from microcred.proposals.models import Call, Meeting, ProposalVersion
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db

BROKEN = [
    "Data\r\nBcc: victim@example.org",
    "Data\nSubject: hello",
    "Data\rX-Injected: 1",
    "Data\u2028Bcc: victim@example.org",
    "Data\x85next line",
    "Data\ttab",
    "Data\x00nul",
]


@pytest.mark.parametrize("title", BROKEN)
def test_save_draft_refuses_a_title_with_a_line_break_and_changes_nothing(people, institution, title):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(user=people["proposer"], proposal_id=proposal.pk, data={"title": "Before"})
    proposal.refresh_from_db()
    revision = proposal.revision
    with pytest.raises(ValidationFailed, match="The title must be on one line"):
        services.save_draft(
            user=people["proposer"], proposal_id=proposal.pk, data={"title": title, "description": "changed"}
        )
    proposal.refresh_from_db()
    version = ProposalVersion.objects.get(proposal=proposal)
    assert (version.title, version.description, proposal.revision) == ("Before", "", revision)


def test_the_proposal_form_shows_the_problem_next_to_the_title(client, people, institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["proposer"])
    data = {
        "p-revision": proposal.revision,
        "lo-TOTAL_FORMS": "0",
        "lo-INITIAL_FORMS": "0",
        "lo-MIN_NUM_FORMS": "0",
        "lo-MAX_NUM_FORMS": "20",
        "p-kind": "formal",
        "p-credential_type": "micro_credential",
        "p-title": "Data\r\nBcc: victim@example.org",
    }
    response = client.post(reverse("proposals:edit", args=[proposal.pk]), data)
    assert response.status_code == 200
    assert "This must be on one line" in response.content.decode()
    assert proposal.versions.get().title == "A working title"  # unchanged


def test_calls_and_meetings_refuse_line_breaks_in_one_line_fields(people):
    now = timezone.now()
    form = CallForm({"title": "Call\r\nBcc: x@example.org", "scope": "s", "opens_on": now.date(), "deadline": now})
    assert not form.is_valid() and "title" in form.errors
    with pytest.raises(ValidationFailed, match="The title must be on one line"):
        services.create_call(
            user=people["secretary"],
            title="Call\nX: y",
            scope="s",
            opens_on=now.date(),
            deadline=now + dt.timedelta(days=9),
        )
    assert not Call.objects.exists()
    form = MeetingForm({"body": "academic_council", "date": "2026-09-01T10:00", "location": "Room 1\r\nX: y"})
    assert not form.is_valid() and "location" in form.errors
    with pytest.raises(ValidationFailed, match="The place or link must be on one line"):
        services.create_meeting(user=people["secretary"], body="academic_council", date=now, location="A\nB")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("title", [*BROKEN[:5], "x" * 200])
def test_workflow_emails_go_out_with_a_one_line_subject_for_a_title_stored_before_the_check(
    people, refdata, institution, other_institution, title, django_capture_on_commit_callbacks
):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    data = complete_formal_data(refdata, institution, other_institution)
    services.save_draft(user=people["proposer"], proposal_id=proposal.pk, data=data)
    ProposalVersion.objects.filter(pk=proposal.current_version.pk).update(title=title)  # as stored by an older version
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    assert mail.outbox, "the workflow e-mails were not sent"
    for message in mail.outbox:
        rendered = message.message()
        assert rendered["Bcc"] is None and rendered["X-Injected"] is None
        assert not any(c in message.subject for c in "\r\n\u2028\x85")
        assert message.subject.startswith(f"[{proposal.reference}] Data ") or "x" * 200 in message.subject
        assert title in message.body  # the body keeps the text as it is
