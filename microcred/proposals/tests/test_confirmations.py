"""Withdrawing a proposal, removing one of its documents and rejecting it ask for confirmation first (issue #16):
without it nothing changes; with it the action happens once, however often the confirmation is posted."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.proposals import services
from microcred.proposals.models import Decision, Proposal
from microcred.proposals.tests.approvals import draft_proposal, hold_meeting_now, on_agenda
from microcred.proposals.tests.test_documents_hostile import reportlab_pdf
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(people, refdata, institution, other_institution):
    return draft_proposal(people, refdata, institution, other_institution)


def withdraw(client, proposal, **extra):
    data = {"action": Action.WITHDRAW.value, "revision": proposal.revision, "comment": "Merged into another."}
    return client.post(reverse("proposals:action", args=[proposal.pk]), {**data, **extra})


def test_withdrawing_says_what_happens_and_changes_nothing(client, people, draft):
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert 'class="button-danger">Withdraw…</button>' in page
    response = withdraw(client, draft)
    html = response.content.decode()
    assert f"Withdraw the proposal {draft}?" in html and "This cannot be undone." in html
    assert "it does not reach the catalogue" in html and 'class="button-danger">Withdraw the proposal</button>' in html
    assert '<input type="hidden" name="action" value="withdraw">' in html
    assert 'name="comment" value="Merged into another."' in html  # the comment typed first goes with it
    assert f'href="{reverse("proposals:detail", args=[draft.pk])}">Keep the proposal</a>' in html
    assert Proposal.objects.get(pk=draft.pk).status == "draft"


def test_the_confirmation_withdraws_once(client, people, draft):
    client.force_login(people["proposer"])
    withdraw(client, draft, confirmed="yes")
    again = withdraw(client, draft, confirmed="yes")
    assert again.status_code == 302
    assert Proposal.objects.get(pk=draft.pk).status == "withdrawn"
    assert AuditEvent.objects.filter(action="proposal.withdraw").count() == 1


def test_someone_who_may_not_withdraw_is_told_so_at_once(client, people, draft):
    client.force_login(people["manager"])
    response = withdraw(client, draft)
    assert response.status_code in (302, 404)  # not a confirmation step
    assert Proposal.objects.get(pk=draft.pk).status == "draft"


def test_removing_a_document_asks_first_and_removes_once(client, people, draft):
    services.add_document(
        user=people["proposer"], proposal_id=draft.pk, name="letter.pdf", data=reportlab_pdf(), purpose="support"
    )
    document = draft.current_version.documents.get()
    client.force_login(people["proposer"])
    url = reverse("proposals:document-delete", args=[draft.pk, document.pk])
    html = client.post(url).content.decode()
    assert "Remove the document “letter.pdf”?" in html and 'class="button-danger">Remove the document</button>' in html
    assert draft.current_version.documents.exists()
    for _ in range(2):
        assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert not draft.current_version.documents.exists()
    removed = AuditEvent.objects.filter(action="proposal.document_removed")
    assert removed.count() == 1 and removed.get().summary == "letter.pdf"


@pytest.fixture
def item(people, refdata, institution, other_institution):
    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    return item


def test_a_rejection_says_what_happens_and_records_nothing(client, people, item):
    client.force_login(people["chair"])
    posted = {"outcome": "reject", "rationale": "Out of scope for the alliance."}
    response = client.post(reverse("proposals:decide", args=[item.pk]), posted)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reject the proposal" in html and "it does not reach the catalogue" in html
    assert "“Out of scope for the alliance.”" in html and "This cannot be undone." in html
    assert '<input type="hidden" name="outcome" value="reject">' in html
    assert '<input type="hidden" name="rationale" value="Out of scope for the alliance.">' in html
    assert not Decision.objects.exists()
    item.proposal.refresh_from_db()
    assert item.proposal.status == "scheduled"


def test_the_confirmed_rejection_is_recorded_once(client, people, item):
    client.force_login(people["chair"])
    posted = {"outcome": "reject", "rationale": "Out of scope for the alliance.", "confirmed": "yes"}
    client.post(reverse("proposals:decide", args=[item.pk]), posted)
    client.post(reverse("proposals:decide", args=[item.pk]), posted)
    assert Decision.objects.get().outcome == "reject"
    item.proposal.refresh_from_db()
    assert item.proposal.status == "rejected"


def test_other_decisions_need_no_confirmation(client, people, item):
    client.force_login(people["chair"])
    client.post(reverse("proposals:decide", args=[item.pk]), {"outcome": "approve", "rationale": "A good fit."})
    assert Decision.objects.get().outcome == "approve"
