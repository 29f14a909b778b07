"""Co-proposers (policy 7.4, "the proposer(s)"; 5.6.2.2, micro-credentials offered jointly): a colleague at a member
university writes the proposal with its proposer. The proposer adds and removes them while writing; a co-proposer
sees the draft, edits and sends it, is e-mailed its steps and invited to its meetings, and, like the proposer,
never decides on it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.proposals import co_proposers, permissions, selectors, services
from microcred.proposals.exceptions import NotAllowed, OwnProposal, ProposalNotFound
from microcred.proposals.models import CoProposer, Meeting, ProposalStatus
from microcred.proposals.tests.approvals import draft_proposal, to_agenda
from microcred.proposals.workflow import Action
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user, other_institution):
    """A proposer at the co-leading university (UU), who also sits on the Academic Council."""
    return make_user(
        (Role.PROPOSER, other_institution), Role.COUNCIL_MEMBER, email="Anna.Jansen@uu.example", full_name="Anna Jansen"
    )


@pytest.fixture
def draft(people, refdata, institution, other_institution):
    return draft_proposal(people, refdata, institution, other_institution)


def _add(people, draft, email="anna.jansen@UU.example"):
    return co_proposers.add_co_proposer(user=people["proposer"], proposal_id=draft.pk, email=email)


def _fresh(proposal):
    return type(proposal).objects.get(pk=proposal.pk)


def test_the_proposer_adds_a_colleague_by_address_once_audited_and_e_mailed(
    people, draft, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = _add(people, draft)
        again = _add(people, draft, email=" anna.jansen@uu.example ")  # posted twice: nothing more
    assert link == again and link.person == colleague and link.added_by == people["proposer"]
    assert CoProposer.objects.count() == 1
    assert AuditEvent.objects.filter(action="proposal.co_proposer_added").count() == 1
    (email,) = [m for m in mail.outbox if colleague.email in m.to]
    assert "You are a co-proposer of" in email.subject and draft.reference in email.subject
    assert "can read, edit and send it with them" in email.body and f"/proposals/{draft.pk}/" in email.body


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Give the e-mail address"),
        ("nobody@example.org", "is not the address of a proposer at a member university"),
        ("learner@example.org", "is not the address of a proposer at a member university"),
        ("proposer@ub.example", "You are this proposal's proposer already."),
    ],
)
def test_who_may_not_be_added_is_refused_and_nothing_is_written(people, draft, colleague, email, message):
    with pytest.raises(ValidationFailed, match=message):
        _add(people, draft, email=email)
    assert not CoProposer.objects.exists() and not AuditEvent.objects.filter(action__startswith="proposal.co_").exists()


def test_an_inactive_proposer_may_not_be_added(people, draft, colleague):
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ValidationFailed):
        _add(people, draft)


def test_only_the_proposer_manages_co_proposers_and_only_while_writing(
    people, draft, colleague, make_user, institution
):
    _add(people, draft)
    with pytest.raises(NotAllowed):  # a co-proposer does not add others
        co_proposers.add_co_proposer(user=colleague, proposal_id=draft.pk, email="proposer@ub.example")
    with pytest.raises(ProposalNotFound):  # a stranger does not even see the draft
        co_proposers.remove_co_proposer(user=people["manager"], proposal_id=draft.pk, person_id=colleague.pk)
    services.take_action(user=people["proposer"], proposal_id=draft.pk, action=Action.SEND_TO_MANAGER)
    third = make_user((Role.PROPOSER, institution), email="third@ub.example")
    with pytest.raises(NotAllowed, match="while the proposal is being written"):
        _add(people, draft, email=third.email)
    assert CoProposer.objects.filter(proposal=draft).count() == 1


def test_a_co_proposer_sees_edits_and_sends_the_draft_and_finds_it_in_their_list(people, draft, colleague):
    assert not permissions.can_view_proposal(colleague, _fresh(draft))
    assert draft not in selectors.visible_proposals(colleague)
    _add(people, draft)
    proposal = _fresh(draft)
    assert permissions.can_view_proposal(colleague, proposal) and permissions.can_edit_proposal(colleague, proposal)
    assert not permissions.can_manage_co_proposers(colleague, proposal)
    assert proposal in selectors.visible_proposals(colleague)
    mine = dict(selectors.waiting_for(colleague))["proposer"]
    assert proposal in mine
    services.take_action(user=colleague, proposal_id=draft.pk, action=Action.SEND_TO_MANAGER)
    assert _fresh(draft).status == ProposalStatus.AWAITING_MANAGER


def test_a_co_proposer_never_decides_on_the_proposal(people, draft, colleague):
    _add(people, draft)
    services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )
    item = to_agenda(_fresh(draft), people)
    proposal = _fresh(draft)
    assert proposal.status == ProposalStatus.SCHEDULED
    # A council member elsewhere, but a proposer here: not among those who review or decide it.
    assert not permissions.can_review(colleague, proposal)
    assert not permissions.may_take_action(colleague, proposal, Action.COUNCIL_APPROVE)
    with pytest.raises(OwnProposal):
        permissions.check_action(colleague, proposal, Action.COUNCIL_APPROVE)
    assert proposal not in dict(selectors.waiting_for(colleague)).get("council", [])
    assert proposal in dict(selectors.waiting_for(people["member"]))["council"]
    # ... and is invited to the meeting, seeing their own item.
    assert permissions.is_invited_to(colleague, item.meeting)
    assert [n for n, _item in selectors.agenda_seen_by(colleague, item.meeting)] == [1]


def test_a_manager_who_co_proposes_does_not_approve_and_the_step_falls_to_the_secretary(
    people, draft, make_user, institution
):
    """The only other manager at the proposing university co-proposes: nobody there may approve it, so the step
    falls to the board secretary (policy 7.4), as it does when the proposer is the only manager."""
    people["manager"].role_assignments.all().delete()
    manager_colleague = make_user(
        (Role.INSTITUTIONAL_MANAGER, institution), (Role.PROPOSER, institution), email="boss@ub.example"
    )
    _add(people, draft, email="boss@ub.example")
    services.take_action(user=people["proposer"], proposal_id=draft.pk, action=Action.SEND_TO_MANAGER)
    proposal = _fresh(draft)
    assert proposal.fell_to_fallback_at is not None
    assert not permissions.may_take_action(manager_colleague, proposal, Action.MANAGER_APPROVE)
    assert permissions.may_take_action(people["secretary"], proposal, Action.MANAGER_APPROVE)


def test_co_proposers_are_e_mailed_each_step_and_told_when_it_is_their_turn(
    people, draft, colleague, django_capture_on_commit_callbacks
):
    _add(people, draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=draft.pk, action=Action.SEND_TO_MANAGER)
        services.take_action(
            user=people["manager"], proposal_id=draft.pk, action=Action.MANAGER_RETURN, comment="Add the fees."
        )
    to_colleague = [m for m in mail.outbox if colleague.email in m.to]
    assert len(to_colleague) == 2
    assert "(action needed from you)" in to_colleague[1].subject  # returned: the proposers' turn


def test_removing_a_co_proposer_ends_their_access_once_and_is_audited(people, draft, colleague):
    _add(people, draft)
    for _ in range(2):
        co_proposers.remove_co_proposer(user=people["proposer"], proposal_id=draft.pk, person_id=colleague.pk)
    assert not CoProposer.objects.exists()
    assert AuditEvent.objects.filter(action="proposal.co_proposer_removed").count() == 1
    assert not permissions.can_view_proposal(colleague, _fresh(draft))


def test_the_proposal_page_lists_adds_and_removes_co_proposers(client, people, draft, colleague):
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert "Proposers" in page and "Add as co-proposer" in page
    refused = client.post(reverse("proposals:co-proposer-add", args=[draft.pk]), {"email": "nobody@example.org"})
    assert refused.status_code == 400 and "is not the address of a proposer" in refused.content.decode()
    assert "nobody@example.org" in refused.content.decode()  # what was typed stays
    added = client.post(reverse("proposals:co-proposer-add", args=[draft.pk]), {"email": colleague.email})
    assert added.status_code == 302
    page = client.get(added.url).content.decode()
    assert "Anna Jansen is a co-proposer now" in page and "Anna Jansen (Utrecht University), co-proposer" in page
    # Removing asks first, and changes nothing until confirmed.
    remove = reverse("proposals:co-proposer-remove", args=[draft.pk, colleague.pk])
    asked = client.post(remove).content.decode()
    assert "Remove Anna Jansen as co-proposer?" in asked and "can no longer edit or send the proposal" in asked
    assert CoProposer.objects.count() == 1
    client.post(remove, {"confirmed": "yes"})
    assert not CoProposer.objects.exists()
    # The co-proposer's own page shows the list, without the means to change it.
    _add(people, draft)
    client.force_login(colleague)
    page = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert (
        "Anna Jansen (Utrecht University), co-proposer" in page
        and "Add as co-proposer" not in page
        and "Remove Anna" not in page
    )
    assert (
        client.post(reverse("proposals:co-proposer-add", args=[draft.pk]), {"email": "x@uu.example"}).status_code == 400
    )


def test_co_proposers_are_invited_to_the_meeting_and_answer_for_conditions(
    people, draft, colleague, django_capture_on_commit_callbacks
):
    _add(people, draft)
    services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        to_agenda(_fresh(draft), people)
    invitations = [m for m in mail.outbox if "You are invited" in m.subject]
    assert sorted(address for m in invitations for address in m.to) == sorted(
        [people["proposer"].email, colleague.email]
    )
    from microcred.proposals.notifications import condition_owners, proposers

    assert proposers(_fresh(draft)) == [people["proposer"], colleague]

    class Condition:  # what condition_owners reads of a condition
        proposal, owner_institution_id = _fresh(draft), draft.institution_id

    assert colleague in condition_owners(Condition())


def test_a_co_proposer_leaves_once_audited_and_the_proposer_is_told(
    people, draft, colleague, django_capture_on_commit_callbacks
):
    _add(people, draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert co_proposers.leave_proposal(user=colleague, proposal_id=draft.pk) is True
        assert co_proposers.leave_proposal(user=colleague, proposal_id=draft.pk) is False  # again: nothing more
    assert not CoProposer.objects.exists()
    (event,) = AuditEvent.objects.filter(action="proposal.co_proposer_left")
    assert event.actor == colleague and event.changes == {"co_proposer": colleague.pk}
    (email,) = mail.outbox
    assert email.to == [people["proposer"].email]
    assert "Anna Jansen is no longer a co-proposer" in email.subject and draft.reference in email.subject
    assert "left the proposal" in email.body and f"/proposals/{draft.pk}/" in email.body
    assert not permissions.can_view_proposal(colleague, _fresh(draft))  # an unsent draft: the proposer's alone again


def test_who_may_not_leave(people, draft, colleague, make_user, institution):
    # The proposer withdraws; they do not leave.
    with pytest.raises(NotAllowed, match="withdraw it"):
        co_proposers.leave_proposal(user=people["proposer"], proposal_id=draft.pk)
    # Someone who is not on it (or may not see it) leaves nothing, and learns nothing of it.
    stranger = make_user((Role.PROPOSER, institution), email="stranger@ub.example")
    assert co_proposers.leave_proposal(user=stranger, proposal_id=draft.pk) is False
    assert co_proposers.leave_proposal(user=colleague, proposal_id=10**9) is False
    # A closed proposal keeps its proposers.
    _add(people, draft)
    services.take_action(user=people["proposer"], proposal_id=draft.pk, action=Action.WITHDRAW, comment="")
    withdrawn = _fresh(draft)
    assert withdrawn.status == ProposalStatus.WITHDRAWN and not permissions.can_leave_proposal(colleague, withdrawn)
    with pytest.raises(NotAllowed, match="stay on its record"):
        co_proposers.leave_proposal(user=colleague, proposal_id=draft.pk)
    assert CoProposer.objects.count() == 1
    assert not AuditEvent.objects.filter(action="proposal.co_proposer_left").exists()


def test_the_co_proposer_leaves_from_the_page_after_confirming(client, people, draft, colleague):
    _add(people, draft)
    client.force_login(colleague)
    page = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert "Leave this proposal…" in page
    leave = reverse("proposals:co-proposer-leave", args=[draft.pk])
    asked = client.post(leave).content.decode()
    assert "Leave the proposal" in asked and "is told by e-mail" in asked and "stays in the proposal" in asked
    assert CoProposer.objects.count() == 1  # nothing changes until confirmed
    left = client.post(leave, {"confirmed": "yes"})
    assert left.status_code == 302 and left.url == reverse("proposals:list")
    assert not CoProposer.objects.exists()
    assert "You are no longer a co-proposer of" in client.get(left.url).content.decode()
    again = client.post(leave, {"confirmed": "yes"})  # sent twice: lands on the list, nothing more
    assert again.status_code == 302 and again.url == reverse("proposals:list")
    assert AuditEvent.objects.filter(action="proposal.co_proposer_left").count() == 1
    # The proposer's own page offers no leaving.
    client.force_login(people["proposer"])
    assert "Leave this proposal" not in client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()


def test_the_api_names_the_proposer_and_the_co_proposers(client, people, draft, colleague):
    _add(people, draft)
    client.force_login(colleague)
    body = client.get(f"/api/v1/proposals/{draft.pk}").json()
    assert body["proposer"] == str(people["proposer"])
    assert body["co_proposers"] == [{"id": colleague.pk, "name": "Anna Jansen", "institution": "uu"}]


def test_the_api_adds_removes_and_leaves_as_the_page_does(client, people, draft, colleague):
    url = f"/api/v1/proposals/{draft.pk}/co-proposers"
    client.force_login(people["proposer"])
    refused = client.post(url, {"email": "nobody@example.org"}, content_type="application/json")
    assert refused.status_code == 400 and "is not the address of a proposer" in refused.json()["error"]["message"]
    assert client.post(url, {"email": "not an address"}, content_type="application/json").status_code == 400
    for _ in range(2):  # sent twice: one co-proposer
        added = client.post(url, {"email": colleague.email}, content_type="application/json")
        assert added.status_code == 200
        assert added.json() == {"id": colleague.pk, "name": "Anna Jansen", "institution": "uu"}
    assert CoProposer.objects.count() == 1
    # Only the proposer adds or removes.
    client.force_login(colleague)
    assert client.post(url, {"email": "x@uu.example"}, content_type="application/json").status_code == 403
    assert client.delete(f"{url}/{people['proposer'].pk}").status_code == 403
    # The co-proposer leaves (their own id); again changes nothing.
    assert client.delete(f"{url}/{colleague.pk}").json() == {"removed": True}
    assert client.delete(f"{url}/{colleague.pk}").json() == {"removed": False}
    assert not CoProposer.objects.exists()
    assert AuditEvent.objects.filter(action="proposal.co_proposer_left").count() == 1
    # The proposer removes one.
    _add(people, draft)
    client.force_login(people["proposer"])
    assert client.delete(f"{url}/{colleague.pk}").json() == {"removed": True}
    assert not CoProposer.objects.exists()
    assert AuditEvent.objects.filter(action="proposal.co_proposer_removed").count() == 1
    # A proposal nobody may see: 404.
    client.force_login(people["learner"])
    assert client.post(url, {"email": colleague.email}, content_type="application/json").status_code == 404
