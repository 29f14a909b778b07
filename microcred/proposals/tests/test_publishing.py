"""The review workflow is generic over what is proposed: each proposal type has its publisher (publishing.py).

A second proposal type (pathways will be the first real one) goes through the same services, the same decisions
and the same Executive Board rule, and approval calls its publisher instead of the catalogue's. Who takes each step,
whom each state waits for and who sits on each meeting body are stated once (workflow.py, permissions.py).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.catalogue.models import MicroCredential
from microcred.catalogue.services import publish_approved_proposal
from microcred.proposals import publishing, services
from microcred.proposals.checklist import Problem, RuleResult, RuleStatus, appendix2_checklist
from microcred.proposals.exceptions import ChecklistIncomplete
from microcred.proposals.models import CLOSED_STATUSES, Meeting, Proposal
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.permissions import may_take_action
from microcred.proposals.selectors import meeting_members, waiting_for
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import TRANSITIONS, WAITING_FOR, Action, Decider, allowed_actions, decider_of
from microcred.reference.models import Institution
from microcred.roles import Role

pytestmark = pytest.mark.django_db

FAKE = "fake_pathway"


FAKE_RULE_MISSING = {"on": False}  # the fake type's one rule: "has a budget line", missing when switched on


def fake_checklist(version, *, manager_approved=False):
    status = RuleStatus.MISSING if FAKE_RULE_MISSING["on"] else RuleStatus.MET
    problems = (Problem("budget", "Add the budget line."),) if FAKE_RULE_MISSING["on"] else ()
    return [RuleResult("budget", "A budget line", "test", status, problems)]


@pytest.fixture
def published():
    """A fake proposal type whose publisher records what it was asked to publish, with a checklist of its own."""
    calls = []

    def publish_fake(*, proposal, actor):
        calls.append((proposal.pk, proposal.status, actor.pk))
        return f"published {proposal.reference}"

    publishing.register_publisher(FAKE, publish_fake)
    publishing.register_checklist(FAKE, fake_checklist)
    yield calls
    publishing.unregister_publisher(FAKE)
    publishing.unregister_checklist(FAKE)
    FAKE_RULE_MISSING["on"] = False


@pytest.fixture
def meetings(people):
    soon = timezone.now() + timezone.timedelta(days=7)
    return {
        body: services.create_meeting(user=people["secretary"], body=body, date=soon)
        for body in (Meeting.Body.ACADEMIC_COUNCIL, Meeting.Body.EXECUTIVE_BOARD)
    }


def _approve(proposal, people, *, executive: bool):
    for user, action in [
        (people["proposer"], Action.SEND_TO_MANAGER),
        (people["manager"], Action.MANAGER_APPROVE),
        (people["secretary"], Action.ACCEPT_AS_COMPLETE),
    ]:
        services.take_action(user=user, proposal_id=proposal.pk, action=action)
    item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Fits.")
    if executive:
        item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
        assert item.meeting.body == Meeting.Body.EXECUTIVE_BOARD
        decide_in_session(user=people["board"], agenda_item_id=item.pk, outcome="approve", rationale="Funded.")
    proposal.refresh_from_db()
    return proposal


def _draft(people, refdata, institution, other_institution, proposal_type, **overrides):
    proposal = services.create_proposal(
        user=people["proposer"], institution=institution, title="A working title", proposal_type=proposal_type
    )
    data = complete_formal_data(refdata, institution, other_institution, **overrides)
    services.save_draft(user=people["proposer"], proposal_id=proposal.pk, data=data)
    return proposal


def test_the_catalogue_publishes_micro_credential_proposals():
    assert publishing.publisher_for(publishing.MICRO_CREDENTIAL) is publish_approved_proposal
    assert Proposal().proposal_type == publishing.MICRO_CREDENTIAL  # every existing proposal is one


@pytest.mark.parametrize("executive", [False, True], ids=["council", "council-then-executive-board"])
def test_a_second_proposal_type_goes_through_the_same_workflow_to_its_own_publisher(
    people, refdata, institution, other_institution, meetings, published, executive
):
    overrides = {"has_financial_implications": True, "financial_implications": "Travel grants."} if executive else {}
    proposal = _draft(people, refdata, institution, other_institution, FAKE, **overrides)
    assert proposal.proposal_type == FAKE

    proposal = _approve(proposal, people, executive=executive)

    assert proposal.status == S.APPROVED
    approver = people["board"] if executive else people["chair"]
    assert published == [(proposal.pk, S.APPROVED, approver.pk)]  # once, after the last decision, by its decider
    assert not MicroCredential.objects.exists()  # the catalogue's publisher was not called
    assert not AuditEvent.objects.filter(action="micro_credential.version_published").exists()


def test_a_proposal_is_checked_by_the_checklist_of_its_type(people, refdata, institution, other_institution, published):
    fake = _draft(people, refdata, institution, other_institution, FAKE)
    assert [r.code for r in services.checklist_for(fake)] == ["budget"]
    FAKE_RULE_MISSING["on"] = True
    with pytest.raises(ChecklistIncomplete):  # the Appendix 2 form is complete, but this type's rule is not
        services.take_action(user=people["proposer"], proposal_id=fake.pk, action=Action.SEND_TO_MANAGER)
    fake.refresh_from_db()
    assert fake.status == S.DRAFT

    mc = _draft(people, refdata, institution, other_institution, publishing.MICRO_CREDENTIAL)
    assert publishing.checklist_of(publishing.MICRO_CREDENTIAL) is appendix2_checklist
    assert "budget" not in {r.code for r in services.checklist_for(mc)}


def test_a_micro_credential_proposal_still_goes_to_the_catalogue(
    people, refdata, institution, other_institution, meetings, published
):
    proposal = _draft(people, refdata, institution, other_institution, publishing.MICRO_CREDENTIAL)
    proposal = _approve(proposal, people, executive=False)
    assert MicroCredential.objects.get().current_version.proposal == proposal
    assert published == []


def test_a_proposal_type_nobody_registered_is_refused_before_anything_is_written(people, institution, published):
    with pytest.raises(publishing.UnknownProposalType):
        services.create_proposal(user=people["proposer"], institution=institution, title="T", proposal_type="nope")
    publishing.unregister_checklist(FAKE)  # a publisher without a checklist is not enough
    with pytest.raises(publishing.UnknownProposalType, match="checklist"):
        services.create_proposal(user=people["proposer"], institution=institution, title="T", proposal_type=FAKE)
    assert not Proposal.objects.exists()


def test_one_publisher_per_proposal_type(published):
    publishing.register_publisher(FAKE, publishing.publisher_for(FAKE))  # the same one again: harmless
    with pytest.raises(ValueError, match="already registered"):
        publishing.register_publisher(FAKE, lambda *, proposal, actor: None)


# Who decides each step (policy 7.4, 7.4.1, 7.6, 7.7), stated once in the workflow; permissions.py says who each decider is.
DECIDERS = {
    Decider.PROPOSER: {"proposer"},
    Decider.MANAGER: {"manager"},
    Decider.SECRETARY: {"secretary"},
    Decider.COUNCIL: {"chair", "member", "member2", "secretary"},  # the secretary records the council's decision
    Decider.EXECUTIVE: {"board", "secretary"},
}


@pytest.mark.parametrize("action", list(TRANSITIONS), ids=str)
def test_each_step_is_taken_by_its_decider_only(action, people, institution):
    proposal = Proposal(reference="MC-T-1", proposer=people["proposer"], institution=institution)
    allowed = {name for name, user in people.items() if may_take_action(user, proposal, action)}
    assert allowed == DECIDERS[decider_of(action)]


def test_the_deciders_of_the_policy():
    assert decider_of(Action.MANAGER_APPROVE) == Decider.MANAGER  # policy 7.4
    assert decider_of(Action.ACCEPT_AS_COMPLETE) == Decider.SECRETARY  # policy 7.4.1
    assert decider_of(Action.COUNCIL_APPROVE) == Decider.COUNCIL  # policy 7.6
    assert decider_of(Action.EXECUTIVE_APPROVE) == Decider.EXECUTIVE  # policy 7.7
    assert {decider_of(a) for a in (Action.SEND_TO_MANAGER, Action.RESUBMIT, Action.WITHDRAW)} == {Decider.PROPOSER}


def test_a_change_proposal_starts_from_what_the_catalogue_registered(
    people, refdata, institution, other_institution, meetings
):
    proposal = _approve(
        _draft(people, refdata, institution, other_institution, publishing.MICRO_CREDENTIAL), people, executive=False
    )
    mc = MicroCredential.objects.get()
    basis = publishing.change_basis(publishing.MICRO_CREDENTIAL, mc.pk)
    assert basis.subject == mc and basis.field == "changes_micro_credential"
    assert basis.published and basis.title == "Life-cycle thinking for circular products"
    assert basis.university_ids == {institution.pk, other_institution.pk}
    assert basis.proposal_version == proposal.current_version
    assert basis.url == f"/catalogue/{mc.slug}/"

    change = services.start_change_proposal(user=people["proposer"], micro_credential_id=mc.pk, institution=institution)
    assert change.changes_micro_credential == mc and change.current_version.title == basis.title


def test_a_proposal_type_without_a_change_basis_cannot_change_anything(people, institution, published):
    with pytest.raises(publishing.UnknownProposalType):
        services.start_change_proposal(
            user=people["proposer"], micro_credential_id=1, institution=institution, proposal_type=FAKE
        )
    assert not Proposal.objects.exists()


def test_every_open_state_waits_for_someone_who_can_move_it_on():
    assert set(WAITING_FOR) == set(S) - CLOSED_STATUSES
    for state, decider in WAITING_FOR.items():
        moves = [a for a in allowed_actions(state) if a != Action.WITHDRAW]
        assert decider in {decider_of(a) for a in moves}, state


@pytest.mark.parametrize(
    ("who", "states"),
    [
        ("proposer", {S.DRAFT, S.RETURNED, S.REVISIONS_REQUESTED}),
        ("manager", {S.AWAITING_MANAGER}),
        ("secretary", {S.SUBMITTED, S.PANEL_REVIEW, S.READY_FOR_AGENDA, S.EXECUTIVE_REVIEW}),
        ("member", {S.SCHEDULED}),
        ("board", {S.EXECUTIVE_SCHEDULED}),
    ],
)
def test_the_action_lists_show_what_waits_for_each_decider(who, states, people, institution):
    for number, status in enumerate(S):
        Proposal.objects.create(
            reference=f"MC-T-{number}", proposer=people["proposer"], institution=institution, status=status
        )
    lists = dict(waiting_for(people[who]))
    role = {"member": "council", "board": "executive"}.get(who, who)
    assert set(lists[role].values_list("status", flat=True)) == states


def test_each_meeting_lists_the_members_of_its_body(people, meetings):
    council = meeting_members(meetings[Meeting.Body.ACADEMIC_COUNCIL])
    executive = meeting_members(meetings[Meeting.Body.EXECUTIVE_BOARD])
    names = {user.pk: name for name, user in people.items()}
    assert {names[u.pk] for u in council} == {"chair", "member", "member2", "secretary"}
    assert {names[u.pk] for u in executive} == {"board", "secretary"}


def test_a_refused_change_goes_back_to_the_micro_credential_and_an_unknown_one_is_not_found(
    client, people, refdata, institution, other_institution, meetings, make_user
):
    _approve(
        _draft(people, refdata, institution, other_institution, publishing.MICRO_CREDENTIAL), people, executive=False
    )
    mc = MicroCredential.objects.get()
    elte = Institution.objects.create(
        slug="elte", short_name="ELTE", name="ELTE", country="Hungary", country_code="HU", domain="elte.hu"
    )
    outsider = make_user((Role.PROPOSER, elte), email="proposer@elte.example")
    client.force_login(outsider)
    response = client.post(reverse("proposals:change", args=[mc.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("catalogue:detail", args=[mc.slug])
    assert not mc.change_proposals.exists()
    assert client.post(reverse("proposals:change", args=[mc.pk + 1000])).status_code == 404


def test_each_decision_is_announced_once_inside_its_transaction(
    people, refdata, institution, other_institution, meetings, published
):
    """Other apps (hand-offs, conditions, recommendations) hear of each decision, after approval has published."""
    from microcred.proposals.signals import proposal_decided

    heard = []

    def receiver(sender, *, proposal, decision, actor, **kwargs):
        heard.append((proposal.pk, proposal.status, decision.outcome, actor.pk, len(published)))

    proposal_decided.connect(receiver)
    try:
        proposal = _approve(_draft(people, refdata, institution, other_institution, FAKE), people, executive=False)
    finally:
        proposal_decided.disconnect(receiver)
    assert heard == [(proposal.pk, S.APPROVED, "approve", people["chair"].pk, 1)]  # after its publisher ran


def test_a_receiver_that_fails_rolls_the_decision_back(people, refdata, institution, other_institution, meetings):
    from microcred.proposals.signals import proposal_decided

    def broken(sender, **kwargs):
        raise RuntimeError("receiver failed")

    proposal = _draft(people, refdata, institution, other_institution, publishing.MICRO_CREDENTIAL)
    for user, action in [
        (people["proposer"], Action.SEND_TO_MANAGER),
        (people["manager"], Action.MANAGER_APPROVE),
        (people["secretary"], Action.ACCEPT_AS_COMPLETE),
    ]:
        services.take_action(user=user, proposal_id=proposal.pk, action=action)
    item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    proposal_decided.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="x")
    finally:
        proposal_decided.disconnect(broken)
    proposal.refresh_from_db()
    assert proposal.status == S.SCHEDULED
    assert not MicroCredential.objects.exists()
