"""Proposers invited to the meeting where their proposal is discussed (policy 7.5), and a step needing a role
nobody holds at the university falling to the board secretary, the alliance admin told at once (policy 7.4)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.accounts.services import assign_role
from microcred.audit.models import AuditEvent
from microcred.outbox.models import OutboxMessage
from microcred.outbox.services import deliver
from microcred.proposals import selectors, services
from microcred.proposals.exceptions import NotAllowed
from microcred.proposals.models import Meeting
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.tests.test_services import draft, to_agenda
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_meeting(people):
    return services.create_meeting(
        user=people["secretary"],
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() + timezone.timedelta(days=7),
        location="Room 101",
    )


def test_the_proposer_is_invited_to_the_meeting_with_the_agenda_item(
    people, refdata, institution, other_institution, council_meeting, django_capture_on_commit_callbacks
):
    first = draft(people, refdata, institution, other_institution)
    second = draft(people, refdata, institution, other_institution, title="Second proposal")
    to_agenda(first, people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = to_agenda(second, people)
    invitations = [m for m in mail.outbox if "You are invited" in m.subject]
    assert [m.to for m in invitations] == [[people["proposer"].email]]
    body = invitations[0].body
    assert "item 2 on the agenda" in body
    assert timezone.localtime(council_meeting.date).strftime("%Y-%m-%d %H:%M") in body
    assert "Room 101" in body and "policy 7.5" in body
    assert reverse("proposals:meeting", args=[council_meeting.pk]) in body
    assert OutboxMessage.objects.filter(key=f"meeting-invitation:{item.pk}").count() == 1


def test_no_invitation_goes_out_for_a_proposal_taken_off_the_agenda(
    people, refdata, institution, other_institution, council_meeting, django_capture_on_commit_callbacks
):
    proposal = draft(people, refdata, institution, other_institution)
    to_agenda(proposal, people)  # on_commit callbacks not run: the invitation is still pending
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.UNSCHEDULE)
    message = OutboxMessage.objects.get(key__startswith="meeting-invitation:")
    mail.outbox.clear()
    deliver(message.pk)
    assert mail.outbox == []


def test_the_invited_proposer_sees_the_meeting_and_only_their_item(
    client, people, refdata, institution, other_institution, council_meeting, make_user
):
    other_proposer = make_user((Role.PROPOSER, other_institution), email="proposer@uu.example")
    other_manager = people["other_manager"]
    theirs = services.create_proposal(title="Someone else's", user=other_proposer, institution=other_institution)
    services.save_draft(
        user=other_proposer,
        proposal_id=theirs.pk,
        data=complete_formal_data(refdata, other_institution, institution, title="Someone else's course"),
    )
    services.take_action(user=other_proposer, proposal_id=theirs.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=other_manager, proposal_id=theirs.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=theirs.pk, action=Action.ACCEPT_AS_COMPLETE)
    services.schedule_proposal(user=people["secretary"], proposal_id=theirs.pk)
    mine = draft(people, refdata, institution, other_institution)
    to_agenda(mine, people)
    services.record_minutes(user=people["secretary"], meeting_id=council_meeting.pk, minutes="Confidential minutes")
    url = reverse("proposals:meeting", args=[council_meeting.pk])

    client.force_login(people["proposer"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "You are invited to attend the discussion of your proposal" in text
    assert mine.reference in text and "<td>2</td>" in text  # their item, with its number on the agenda
    assert theirs.reference not in text and "Confidential minutes" not in text
    assert client.post(url, {"minutes": "Mine now"}).status_code == 403
    assert client.get(reverse("proposals:meeting-pdf", args=[council_meeting.pk, "agenda"])).status_code == 404

    client.force_login(make_user((Role.PROPOSER, institution), email="not-on-it@ub.example"))
    assert client.get(url).status_code == 403

    client.force_login(people["member"])  # the council sees the whole meeting
    text = client.get(url).content.decode()
    assert theirs.reference in text and mine.reference in text and "Confidential minutes" in text


# A step nobody can take at the university falls to the board secretary (policy 7.4) ----------------------------


@pytest.fixture
def abo(db):
    return Institution.objects.create(
        slug="aau", short_name="ÅAU", name="Åbo Akademi University", country="Finland", country_code="FI"
    )


@pytest.fixture
def abo_proposer(make_user, abo):
    return make_user((Role.PROPOSER, abo), email="proposer@abo.example")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ALLIANCE_ADMIN, email="admin@example.org", is_staff=True)


def _send_from_abo(abo_proposer, refdata, abo, institution):
    proposal = services.create_proposal(title="From Åbo", user=abo_proposer, institution=abo)
    services.save_draft(
        user=abo_proposer, proposal_id=proposal.pk, data=complete_formal_data(refdata, abo, institution)
    )
    services.take_action(user=abo_proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal.refresh_from_db()
    return proposal


def test_without_a_manager_the_step_falls_to_the_secretary_and_the_admin_is_told(
    client, people, refdata, abo, abo_proposer, admin, institution, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _send_from_abo(abo_proposer, refdata, abo, institution)
    assert proposal.status == S.AWAITING_MANAGER and proposal.fell_to_fallback_at is not None

    # Waiting for the secretary, in their action list; in no manager's.
    secretary_lists = dict(selectors.waiting_for(people["secretary"]))
    assert proposal in secretary_lists["secretary"]
    assert all(proposal not in qs for _role, qs in selectors.waiting_for(people["manager"]))
    client.force_login(people["secretary"])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Waiting for" in page and "the board secretary" in page and "Nobody is institutional manager" in page

    # The admin is told at once: an e-mail, an audit record, a flag on the admin's pages.
    admin_mail = [m for m in mail.outbox if m.to == [admin.email]]
    assert len(admin_mail) == 1 and "No institutional manager at Åbo Akademi University" in admin_mail[0].subject
    assert any(people["secretary"].email in m.to for m in mail.outbox)  # the secretary is told the step is theirs
    event = AuditEvent.objects.get(action="proposal.step_fell_to_fallback")
    assert event.changes["waiting_for"] == "manager" and event.changes["fallback"] == "secretary"
    client.force_login(admin)
    assert f"{proposal.reference} fell to the board secretary" in client.get(reverse("admin:index")).content.decode()
    changelist = client.get(reverse("admin:proposals_proposal_changelist") + "?fell_to_fallback=yes")
    assert proposal.reference in changelist.content.decode()

    # The secretary takes the step; then the flag is gone.
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.fell_to_fallback_at is None
    assert f"{proposal.reference} fell to" not in client.get(reverse("admin:index")).content.decode()


def test_with_a_manager_the_secretary_cannot_take_the_managers_step(people, refdata, institution, other_institution):
    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal.refresh_from_db()
    assert proposal.fell_to_fallback_at is None
    assert not AuditEvent.objects.filter(action="proposal.step_fell_to_fallback").exists()
    with pytest.raises(NotAllowed):
        services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)


def test_a_manager_appointed_later_leaves_the_step_with_the_secretary(
    people, refdata, abo, abo_proposer, institution, make_user
):
    proposal = _send_from_abo(abo_proposer, refdata, abo, institution)
    late_manager = make_user((Role.INSTITUTIONAL_MANAGER, abo), email="manager@abo.example")
    with pytest.raises(NotAllowed):
        services.take_action(user=late_manager, proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    assert all(proposal not in qs for _role, qs in selectors.waiting_for(late_manager))
    services.take_action(
        user=people["secretary"], proposal_id=proposal.pk, action=Action.MANAGER_RETURN, comment="Add the hours."
    )
    # Sent again: now there is a manager, so it waits for them.
    services.take_action(user=abo_proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal.refresh_from_db()
    assert proposal.fell_to_fallback_at is None
    services.take_action(user=late_manager, proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)


def test_a_proposer_who_is_the_only_manager_does_not_count(people, refdata, abo, abo_proposer, institution):
    assign_role(user=abo_proposer, role=Role.INSTITUTIONAL_MANAGER, institution=abo)  # nobody approves their own
    proposal = _send_from_abo(abo_proposer, refdata, abo, institution)
    assert proposal.fell_to_fallback_at is not None


def test_proposals_already_waiting_for_nobody_fall_to_the_secretary_on_migrating(
    people, refdata, abo, abo_proposer, institution, other_institution
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("microcred.proposals.migrations.0006_stuck_proposals_fall_to_fallback")
    stuck = _send_from_abo(abo_proposer, refdata, abo, institution)
    waiting = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=waiting.pk, action=Action.SEND_TO_MANAGER)
    type(stuck).objects.filter(pk=stuck.pk).update(fell_to_fallback_at=None)  # as before the step could fall
    migration.flag_waiting_for_nobody(apps, None)
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.fell_to_fallback_at is not None
    assert waiting.fell_to_fallback_at is None  # UB has a manager
