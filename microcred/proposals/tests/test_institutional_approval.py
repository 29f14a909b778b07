"""Institutional approval by every proposing university (policy 7.4: each proposer "has approval ... from their
CHARM-EU Institutional Manager"): a proposal written with a co-proposer from another university waits for both
universities' approval before it is submitted; either may return it; a university with no manager falls to the
board secretary, as the proposing university's does."""

import pytest
from django.core import mail
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.proposals import co_proposers, permissions, selectors, services
from microcred.proposals.checklist import RuleStatus
from microcred.proposals.exceptions import AlreadyApproved, NotAllowed
from microcred.proposals.models import InstitutionalApproval, ProposalEvent, ProposalStatus
from microcred.proposals.tests.approvals import draft_proposal
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution
from microcred.roles import Role

pytestmark = pytest.mark.django_db
S = ProposalStatus


@pytest.fixture
def colleague(make_user, other_institution):
    """A proposer at Utrecht University (UU), whose manager is people["other_manager"]."""
    return make_user((Role.PROPOSER, other_institution), email="anna@uu.example", full_name="Anna Jansen")


@pytest.fixture
def joint(people, refdata, institution, other_institution, colleague):
    """A complete draft of UB's proposer, written with UU's Anna: sent for institutional approval."""
    proposal = draft_proposal(people, refdata, institution, other_institution)
    co_proposers.add_co_proposer(user=people["proposer"], proposal_id=proposal.pk, email=colleague.email)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    return _fresh(proposal)


def _fresh(proposal):
    return type(proposal).objects.get(pk=proposal.pk)


def _approve(user, proposal, comment=""):
    return services.take_action(user=user, proposal_id=proposal.pk, action=Action.MANAGER_APPROVE, comment=comment)


def _waiting_for(user):
    return {role: {p.pk for p in qs} for role, qs in selectors.waiting_for(user)}


def test_the_proposal_waits_for_each_proposing_university_then_is_submitted(people, joint, other_institution):
    assert joint.approving_institution_ids == [joint.institution_id, other_institution.pk]
    assert joint.pk in _waiting_for(people["manager"])["manager"]
    assert joint.pk in _waiting_for(people["other_manager"])["manager"]
    assert permissions.can_view_proposal(people["other_manager"], joint)  # UU's manager reads what they approve

    after_ub = _approve(people["manager"], joint, comment="Fine for UB.")
    assert after_ub.status == S.AWAITING_MANAGER  # UU has not approved yet
    (partial,) = ProposalEvent.objects.filter(proposal=joint, action=services.PARTIAL_APPROVAL)
    assert (partial.from_status, partial.to_status, partial.comment) == (
        S.AWAITING_MANAGER,
        S.AWAITING_MANAGER,
        "Fine for UB.",
    )
    assert "manager" not in _waiting_for(people["manager"])  # UB has given its approval
    assert joint.pk in _waiting_for(people["other_manager"])["manager"]
    assert [u.name for u in selectors.universities_waiting(after_ub)] == ["Utrecht University"]
    assert _approval_rule(after_ub) == RuleStatus.PENDING  # one university's approval is not the step

    submitted = _approve(people["other_manager"], joint)
    assert submitted.status == S.SUBMITTED
    assert sorted(InstitutionalApproval.objects.values_list("institution_id", "approved_by_id")) == sorted(
        [(joint.institution_id, people["manager"].pk), (other_institution.pk, people["other_manager"].pk)]
    )
    audit = AuditEvent.objects.filter(object_id=str(joint.pk))
    assert audit.filter(action="proposal.university_approved").count() == 2
    assert audit.filter(action="proposal.manager_approve").count() == 1  # the step itself, once
    assert _approval_rule(submitted) == RuleStatus.MET


def _approval_rule(proposal):
    (rule,) = [r for r in services.checklist_for(proposal) if r.code == "institutional_approval"]
    return rule.status


def test_the_other_order_and_a_second_click_change_nothing(people, joint):
    _approve(people["other_manager"], joint)
    with pytest.raises(AlreadyApproved, match="waits for the approval of University of Barcelona"):
        _approve(people["other_manager"], joint)
    assert InstitutionalApproval.objects.count() == 1 and _fresh(joint).status == S.AWAITING_MANAGER
    assert not permissions.may_take_action(people["other_manager"], _fresh(joint), Action.MANAGER_APPROVE)
    assert permissions.may_take_action(people["other_manager"], _fresh(joint), Action.MANAGER_RETURN)
    assert _approve(people["manager"], joint).status == S.SUBMITTED


def test_either_university_returns_it_and_the_next_sending_starts_a_new_round(people, joint):
    _approve(people["manager"], joint)
    services.take_action(
        user=people["other_manager"], proposal_id=joint.pk, action=Action.MANAGER_RETURN, comment="Name UU's staff."
    )
    assert _fresh(joint).status == S.RETURNED
    services.take_action(user=people["proposer"], proposal_id=joint.pk, action=Action.SEND_TO_MANAGER)
    assert not InstitutionalApproval.objects.exists()  # UB approves this version again
    assert _approve(people["other_manager"], joint).status == S.AWAITING_MANAGER


def test_a_university_without_a_manager_falls_to_the_secretary(
    people, refdata, institution, other_institution, make_user, django_capture_on_commit_callbacks
):
    third = Institution.objects.create(
        slug="elte", short_name="ELTE", name="ELTE", country="Hungary", country_code="HU"
    )
    make_user((Role.PROPOSER, third), email="zsofia@elte.example", full_name="Zsófia Kiss")
    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@alliance.example")
    proposal = draft_proposal(people, refdata, institution, other_institution)
    co_proposers.add_co_proposer(user=people["proposer"], proposal_id=proposal.pk, email="zsofia@elte.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    # The admin is told, as when the proposal's own university has no manager, and the audit log records it.
    (alert,) = [m for m in mail.outbox if admin.email in m.to]
    assert "No institutional manager at ELTE" in alert.subject
    (fallen,) = AuditEvent.objects.filter(action="proposal.step_fell_to_fallback")
    assert fallen.changes["institution"] == third.pk
    assert _fresh(proposal).fell_to_fallback_at is None  # UB's own step stays with UB's manager
    assert proposal.pk in _waiting_for(people["secretary"])["secretary"]
    assert permissions.approval_universities(people["secretary"], _fresh(proposal)) == [third.pk]
    rows = selectors.university_approvals(_fresh(proposal))
    assert [(r.institution.short_name, r.by_secretary, r.approval) for r in rows] == [
        ("UB", False, None),
        ("ELTE", True, None),
    ]
    assert _approve(people["secretary"], proposal).status == S.AWAITING_MANAGER
    assert _approve(people["manager"], proposal).status == S.SUBMITTED


def test_managers_of_each_university_are_e_mailed_that_their_action_is_needed(
    people, refdata, institution, other_institution, colleague, django_capture_on_commit_callbacks
):
    proposal = draft_proposal(people, refdata, institution, other_institution)
    co_proposers.add_co_proposer(user=people["proposer"], proposal_id=proposal.pk, email=colleague.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    for manager in (people["manager"], people["other_manager"]):
        (email,) = [m for m in mail.outbox if manager.email in m.to]
        assert "Action needed from you: approve the proposal" in email.body


def test_co_proposers_from_a_new_university_join_before_the_approval_not_after(
    people, joint, make_user, other_institution
):
    # While the universities approve, nobody joins or leaves.
    with pytest.raises(NotAllowed, match="once it is approved or returned"):
        co_proposers.leave_proposal(user=_fresh(joint).co_proposer_links.get().person, proposal_id=joint.pk)
    _approve(people["manager"], joint)
    _approve(people["other_manager"], joint)
    services.take_action(user=people["secretary"], proposal_id=joint.pk, action=Action.ACCEPT_AS_COMPLETE)
    type(joint).objects.filter(pk=joint.pk).update(status=S.REVISIONS_REQUESTED)  # as a council decision leaves it
    third = Institution.objects.create(
        slug="elte", short_name="ELTE", name="ELTE", country="Hungary", country_code="HU"
    )
    make_user((Role.PROPOSER, third), email="zsofia@elte.example", full_name="Zsófia Kiss")
    with pytest.raises(ValidationFailed, match="proposes for ELTE, which has not approved this proposal"):
        co_proposers.add_co_proposer(user=people["proposer"], proposal_id=joint.pk, email="zsofia@elte.example")
    # A colleague from a university that approved joins: resubmitting skips no approval.
    make_user((Role.PROPOSER, other_institution), email="piet@uu.example", full_name="Piet de Vries")
    link = co_proposers.add_co_proposer(user=people["proposer"], proposal_id=joint.pk, email="piet@uu.example")
    assert link.institution == other_institution


def test_a_co_proposer_proposes_for_the_proposal_s_university_when_they_may(
    people, refdata, institution, other_institution, make_user
):
    both = make_user((Role.PROPOSER, other_institution), (Role.PROPOSER, institution), email="both@example.org")
    proposal = draft_proposal(people, refdata, institution, other_institution)
    assert co_proposers.university_of(both, proposal) == institution
    link = co_proposers.add_co_proposer(user=people["proposer"], proposal_id=proposal.pk, email=both.email)
    assert link.institution == institution
    assert _fresh(proposal).approving_institution_ids == [institution.pk]  # one university: one approval


def test_the_page_shows_each_university_s_approval(client, people, joint):
    _approve(people["manager"], joint)
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:detail", args=[joint.pk])).content.decode()
    assert "Institutional approval" in page
    assert f"University of Barcelona: approved by {people['manager']}" in page
    assert "Utrecht University: waiting for its institutional manager" in page
    assert "Waiting for: <strong>the approval of Utrecht University</strong>" in page
    assert "their university approved" in page  # the history's step
    client.force_login(people["manager"])
    page = client.get(reverse("proposals:detail", args=[joint.pk])).content.decode()
    assert "Approve for submission" not in page and "Return to the proposer" in page
    client.force_login(people["other_manager"])
    page = client.get(reverse("proposals:detail", args=[joint.pk])).content.decode()
    assert "Approve for submission" in page


def test_the_api_lists_the_co_proposers_universities(client, people, joint):
    client.force_login(people["other_manager"])
    body = client.get(f"/api/v1/proposals/{joint.pk}").json()
    assert body["co_proposers"] == [
        {"id": joint.co_proposer_links.get().person_id, "name": "Anna Jansen", "institution": "uu"}
    ]
    assert [(a["institution"], a["approved"]) for a in body["institutional_approvals"]] == [
        ("ub", False),
        ("uu", False),
    ]
