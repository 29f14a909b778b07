"""The workflow as the services enforce it: roles, separation of duties, checklist, history, e-mails."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.catalogue.models import MicroCredential
from microcred.proposals import services
from microcred.proposals.exceptions import (
    AlreadyDecided,
    ChecklistIncomplete,
    NotAllowed,
    NotOnAgenda,
    OwnProposal,
    ProposalNotFound,
    StaleProposal,
)
from microcred.proposals.models import Decision, Meeting, ProposalEvent
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import decide_in_session, to_agenda
from microcred.proposals.tests.approvals import draft_proposal as draft  # other tests import it from here
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import Action, InvalidTransition
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_meeting(people):
    return services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )


@pytest.fixture
def board_meeting(people):
    return services.create_meeting(
        user=people["secretary"], body=Meeting.Body.EXECUTIVE_BOARD, date=timezone.now() + timezone.timedelta(days=14)
    )


def test_whole_journey_approve_with_conditions_publishes_version_1(
    people, refdata, institution, other_institution, council_meeting, django_capture_on_commit_callbacks
):
    proposal = draft(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=True):
        item = to_agenda(proposal, people)
    assert item.meeting == council_meeting  # the next meeting was proposed automatically
    assert any(people["manager"].email in m.to for m in mail.outbox)
    assert any(people["member"].email in m.to for m in mail.outbox)

    decide_in_session(
        user=people["chair"],
        agenda_item_id=item.pk,
        outcome="approve_with_conditions",
        rationale="Good fit.",
        conditions="State the prerequisites explicitly.",
    )
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    mc = MicroCredential.objects.get()
    version = mc.current_version
    assert version.number == 1 and version.title == "Life-cycle thinking for circular products"
    assert version.annex1["workload"]["ects"] == "5.0" and version.eqf_level == 7
    assert [b["country_code"] for b in version.annex1["awarding_bodies"]] == ["ES", "NL"]
    assert not version.issued_by_alliance
    assert proposal.conditions == "State the prerequisites explicitly."
    actions = list(ProposalEvent.objects.filter(proposal=proposal).values_list("action", flat=True))
    assert actions == [
        "send_to_manager",
        "manager_approve",
        "accept_as_complete",
        "schedule",
        "council_approve_with_conditions",
    ]
    assert AuditEvent.objects.filter(action="micro_credential.version_published").count() == 1


def test_financial_implications_go_to_the_executive_board(
    people, refdata, institution, other_institution, council_meeting, board_meeting
):
    proposal = draft(
        people,
        refdata,
        institution,
        other_institution,
        has_financial_implications=True,
        financial_implications="Catering 4,000 EUR",
    )
    item = to_agenda(proposal, people)
    decide_in_session(user=people["member"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    proposal.refresh_from_db()
    assert proposal.status == S.EXECUTIVE_REVIEW
    assert not MicroCredential.objects.exists()
    with pytest.raises(AlreadyDecided):  # the council cannot decide again, nor skip the board
        decide_in_session(user=people["member"], agenda_item_id=item.pk, outcome="approve", rationale="x")
    board_item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    assert board_item.meeting == board_meeting
    with pytest.raises(NotAllowed):  # a council member is not the Executive Board
        decide_in_session(user=people["member"], agenda_item_id=board_item.pk, outcome="approve", rationale="x")
    decide_in_session(user=people["board"], agenda_item_id=board_item.pk, outcome="approve", rationale="ok")
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    assert MicroCredential.objects.count() == 1


def test_revisions_round_creates_version_2_and_comparison(
    people, refdata, institution, other_institution, council_meeting
):
    from microcred.proposals.versions import compare

    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    decide_in_session(
        user=people["chair"],
        agenda_item_id=item.pk,
        outcome="request_revisions",
        rationale="Outcomes are not assessable.",
    )
    proposal.refresh_from_db()
    proposal._current_version = None
    assert proposal.status == S.REVISIONS_REQUESTED
    assert [v.number for v in proposal.versions.all()] == [1, 2]
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data={"outcomes": [("Carry out a life-cycle assessment of a product.", [refdata["skills"][0]])]},
    )
    v1, v2 = proposal.versions.order_by("number")
    changed = [row["field"] for row in compare(v1, v2) if row["changed"]]
    assert changed == ["learning_outcomes"]
    assert "Apply life-cycle assessment." in v1.learning_outcomes.first().text  # version 1 untouched
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.RESUBMIT)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    item2 = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    assert item2.version_number == 2
    decide_in_session(user=people["chair"], agenda_item_id=item2.pk, outcome="approve", rationale="Fixed.")
    assert MicroCredential.objects.get().current_version.proposal_version.number == 2


def test_rejection_closes_the_proposal(people, refdata, institution, other_institution, council_meeting):
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="reject", rationale="Out of scope")
    proposal.refresh_from_db()
    assert proposal.status == S.REJECTED
    with pytest.raises(InvalidTransition):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.WITHDRAW)


def test_incomplete_proposal_cannot_be_sent(people, refdata, institution, other_institution):
    proposal = draft(people, refdata, institution, other_institution, quality_assurance="")
    with pytest.raises(ChecklistIncomplete) as exc:
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    assert [p.field for p in exc.value.problems] == ["quality_assurance"]
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_nobody_approves_their_own_proposal(people, refdata, institution, other_institution, make_user):
    from microcred.accounts.services import assign_role
    from microcred.roles import Role

    proposer = people["proposer"]
    assign_role(user=proposer, role=Role.INSTITUTIONAL_MANAGER, institution=institution)
    assign_role(user=proposer, role=Role.BOARD_SECRETARY)
    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    with pytest.raises(OwnProposal):
        services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    assert ProposalEvent.objects.filter(action="manager_approve").count() == 0


def test_manager_of_another_university_may_not_approve(people, refdata, institution, other_institution):
    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    with pytest.raises(ProposalNotFound):  # cannot even see it
        services.take_action(user=people["other_manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)


def test_out_of_turn_actions_are_refused(people, refdata, institution, other_institution, council_meeting):
    proposal = draft(people, refdata, institution, other_institution)
    with pytest.raises(ProposalNotFound):  # nobody but its author sees an unsent draft
        services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    with pytest.raises(InvalidTransition):  # the secretary cannot accept what the manager has not approved
        services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    with pytest.raises(NotAllowed):  # deciding is done through an agenda item only
        services.take_action(user=people["chair"], proposal_id=proposal.pk, action=Action.COUNCIL_APPROVE)
    with pytest.raises(NotAllowed):  # a council member is not the secretary
        services.schedule_proposal(user=people["member"], proposal_id=proposal.pk)


def test_return_requires_a_comment_and_reopens_editing(people, refdata, institution, other_institution):
    from microcred.core.exceptions import ValidationFailed

    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    with pytest.raises(ValidationFailed):
        services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_RETURN)
    services.take_action(
        user=people["manager"],
        proposal_id=proposal.pk,
        action=Action.MANAGER_RETURN,
        comment="Add the accreditation decision.",
    )
    proposal.refresh_from_db()
    assert proposal.status == S.RETURNED and proposal.is_editable
    assert proposal.events.last().comment == "Add the accreditation decision."


def test_stale_save_is_refused_and_changes_nothing(people, refdata, institution, other_institution):
    proposal = draft(people, refdata, institution, other_institution)
    seen = proposal.revision
    services.save_draft(
        user=people["proposer"], proposal_id=proposal.pk, data={"title": "First tab"}, expected_revision=seen
    )
    with pytest.raises(StaleProposal):
        services.save_draft(
            user=people["proposer"], proposal_id=proposal.pk, data={"title": "Second tab"}, expected_revision=seen
        )
    proposal.refresh_from_db()
    assert proposal.versions.get().title == "First tab"


def test_second_decision_on_the_same_item_is_refused(people, refdata, institution, other_institution, council_meeting):
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["member"], agenda_item_id=item.pk, outcome="approve", rationale="yes")
    with pytest.raises((AlreadyDecided, NotOnAgenda)):
        decide_in_session(user=people["member2"], agenda_item_id=item.pk, outcome="reject", rationale="no")
    assert Decision.objects.count() == 1


def test_past_meetings_cannot_take_new_items(people, refdata, institution, other_institution):
    from microcred.core.exceptions import ValidationFailed

    past = Meeting.objects.create(
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() - timezone.timedelta(days=1),
        created_by=people["secretary"],
    )
    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    with pytest.raises(ValidationFailed):
        services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk, meeting_id=past.pk)


def test_change_proposal_produces_version_2_and_keeps_version_1(
    people, refdata, institution, other_institution, council_meeting
):
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    mc = MicroCredential.objects.get()
    change = services.start_change_proposal(user=people["proposer"], micro_credential_id=mc.pk, institution=institution)
    from microcred.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):  # one open change proposal at a time
        services.start_change_proposal(user=people["proposer"], micro_credential_id=mc.pk, institution=institution)
    services.save_draft(user=people["proposer"], proposal_id=change.pk, data={"title": "Life-cycle thinking, 2nd ed."})
    decide_in_session(
        user=people["chair"], agenda_item_id=to_agenda(change, people).pk, outcome="approve", rationale="ok"
    )
    titles = list(mc.versions.order_by("number").values_list("number", "title"))
    assert titles == [(1, "Life-cycle thinking for circular products"), (2, "Life-cycle thinking, 2nd ed.")]


def test_call_with_panel_review(people, refdata, institution, other_institution, make_user):
    from microcred.core.exceptions import ValidationFailed
    from microcred.roles import Role

    panelist = make_user(Role.COUNCIL_MEMBER, email="panel@example.org")
    call = services.create_call(
        user=people["secretary"],
        title="Green skills 2027",
        scope="Green skills",
        opens_on=timezone.now().date(),
        deadline=timezone.now() + timezone.timedelta(days=30),
        panel_review=True,
        panel_members=[panelist],
    )
    proposal = services.create_proposal(
        title="A working title", user=people["proposer"], institution=institution, call=call
    )
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution),
    )
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    with pytest.raises(ValidationFailed):
        services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.SEND_TO_PANEL)
    review = services.add_review(user=panelist, proposal_id=proposal.pk, comment="Strong.", panel_score=4)
    assert review.panel_score == 4
    with pytest.raises(ValidationFailed):
        services.add_review(user=panelist, proposal_id=proposal.pk, comment="x", panel_score=9)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.PANEL_DONE)
    proposal.refresh_from_db()
    assert proposal.status == S.READY_FOR_AGENDA


def test_closed_call_refuses_new_proposals(people, institution):
    from microcred.core.exceptions import ValidationFailed
    from microcred.proposals.models import Call

    call = Call.objects.create(
        title="Old",
        scope="s",
        opens_on=timezone.now().date(),
        deadline=timezone.now() - timezone.timedelta(days=1),
        created_by=people["secretary"],
    )
    with pytest.raises(ValidationFailed):
        services.create_proposal(title="A working title", user=people["proposer"], institution=institution, call=call)


def test_learners_cannot_propose(people, institution):
    with pytest.raises(NotAllowed):
        services.create_proposal(title="A working title", user=people["learner"], institution=institution)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_leave_exactly_one(people, refdata, institution, other_institution, council_meeting):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL (the unique row still holds).")
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, outcome):
        from django.db import connections

        try:
            barrier.wait()
            decide_in_session(user=user, agenda_item_id=item.pk, outcome=outcome, rationale=outcome)
            outcomes.append("ok")
        except (AlreadyDecided, NotOnAgenda) as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(people["member"], "approve")),
        threading.Thread(target=decide, args=(people["member2"], "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert Decision.objects.count() == 1
    assert any("already decided" in o for o in outcomes if o != "ok")


# --- issue #11, authorisation details ------------------------------------------------------------------------


def test_an_unsent_draft_is_its_authors_alone(client, people, refdata, institution, other_institution):
    from microcred.proposals import selectors
    from microcred.proposals.permissions import can_view_proposal

    proposal = draft(people, refdata, institution, other_institution)
    others = ("manager", "secretary", "chair", "member", "board")
    for who in others:
        assert not can_view_proposal(people[who], proposal), who
        assert proposal not in selectors.visible_proposals(people[who]), who
        with pytest.raises(ProposalNotFound):
            services.add_review(user=people[who], proposal_id=proposal.pk, comment="Looks fine.")
    client.force_login(people["board"])
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    assert proposal.reference not in client.get("/proposals/").content.decode()
    assert can_view_proposal(people["proposer"], proposal)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal.refresh_from_db()
    for who in others:
        assert can_view_proposal(people[who], proposal), who
        assert proposal in selectors.visible_proposals(people[who]), who
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 200


def test_refused_workflow_steps_are_in_the_audit_log(
    people, refdata, institution, other_institution, council_meeting, make_user
):
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    refusals = AuditEvent.objects.filter(action="proposal.action_refused")
    assert not refusals.exists()

    with pytest.raises(NotAllowed):  # a council member is not the secretary
        services.schedule_proposal(user=people["member"], proposal_id=proposal.pk)
    with pytest.raises(NotAllowed):  # the Executive Board does not decide for the Academic Council
        decide_in_session(user=people["board"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    # A council member who proposed it may not decide on it (self-approval).
    author = make_user((Role.PROPOSER, institution), Role.COUNCIL_MEMBER, email="author@ub.example")
    own = services.create_proposal(title="A working title", user=author, institution=institution)
    services.save_draft(
        user=author, proposal_id=own.pk, data=complete_formal_data(refdata, institution, other_institution)
    )
    services.take_action(user=author, proposal_id=own.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=own.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=own.pk, action=Action.ACCEPT_AS_COMPLETE)
    own_item = services.schedule_proposal(user=people["secretary"], proposal_id=own.pk)
    with pytest.raises(OwnProposal):
        decide_in_session(user=author, agenda_item_id=own_item.pk, outcome="approve", rationale="mine")

    recorded = [(e.actor, e.object_id, e.changes) for e in refusals.order_by("pk")]
    assert recorded == [
        (people["member"], str(proposal.pk), {"action": "schedule", "refusal": "not_allowed"}),
        (people["board"], str(proposal.pk), {"action": "council_approve", "refusal": "not_allowed"}),
        (author, str(own.pk), {"action": "council_approve", "refusal": "own_proposal"}),
    ]
    assert not Decision.objects.exists()  # and nothing else changed
