"""A pathway proposed, checked, reviewed and published like a micro-credential; changed and retired (issue #12)."""

from decimal import Decimal

import pytest

from microcred.audit.models import AuditEvent
from microcred.catalogue import services as catalogue_services
from microcred.catalogue.tests.conftest import cat, people, refdata  # noqa: F401  (fixtures)
from microcred.core.exceptions import DomainError, ValidationFailed
from microcred.pathways import services
from microcred.pathways.models import Pathway, PathwayComponent, PathwayDraft, PathwayVersion
from microcred.pathways.tests.approvals import (
    approved_pathway,
    council_approves,
    draft,
    executive_approves,
    on_council_agenda,
    rule_all_of,
)
from microcred.proposals import services as proposal_services
from microcred.proposals.checklist import RuleStatus, blocking_problems
from microcred.proposals.exceptions import ChecklistIncomplete
from microcred.proposals.models import ProposalStatus
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


def _checklist(proposal):
    return {r.code: r for r in proposal_services.checklist_for(proposal)}


def test_the_council_approves_a_pathway_and_its_version_pins_the_components(people, cat, institution):
    a, b = cat["a"], cat["b"]
    version = approved_pathway(people, institution, rule=rule_all_of(a, b))
    assert version.number == 1 and version.is_current
    assert version.title == "Sustainable data" and version.source == PathwayVersion.Source.WORKFLOW
    assert version.awarding_institution == institution
    assert version.minimum_ects == Decimal("8")  # 5 + 3
    assert version.parsed_rule().components == (a.micro_credential_id, b.micro_credential_id)
    pinned = {c.micro_credential_id: c.micro_credential_version_id for c in version.components.all()}
    assert pinned == {a.micro_credential_id: a.pk, b.micro_credential_id: b.pk}
    assert version.pinned_only is False
    # Components from two universities: the alliance issues the pathway credential (policy 7.20.3).
    assert version.issued_by_alliance is True
    assert version.pathway.status == Pathway.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="pathway.version_published", object_id=str(version.pathway_id)).exists()
    # Publishing again (a retry) returns the same version.
    again = services.publish_approved_pathway(proposal=version.proposal, actor=people["chair"])
    assert again.pk == version.pk and PathwayVersion.objects.count() == 1


def test_with_financial_implications_the_executive_board_decides_after_the_council(people, cat, institution):
    proposal = draft(
        people, institution, rule=rule_all_of(cat["a"], cat["b"]), financial="Two coordinators, 0.2 FTE each."
    )
    council_approves(people, proposal)
    assert proposal.status == ProposalStatus.EXECUTIVE_REVIEW
    assert not PathwayVersion.objects.exists()  # not yet: the board has not decided
    executive_approves(people, proposal)
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.current_version.pathway_version.title == "Sustainable data"


def test_the_checklist_says_what_is_missing_and_stops_the_proposal_being_sent(people, cat, institution):
    proposal = services.propose_pathway(user=people["proposer"], institution=institution, title="Empty")
    results = _checklist(proposal)
    assert results["pathway_text"].status == RuleStatus.MISSING  # no description
    assert results["pathway_rule"].status == RuleStatus.MISSING
    assert results["pathway_joint"].status == RuleStatus.MISSING  # one university only
    assert results["institutional_approval"].status == RuleStatus.PENDING
    fields = {p.field for p in blocking_problems(proposal_services.checklist_for(proposal))}
    assert fields == {"description", "rule", "co_leads"}
    with pytest.raises(ChecklistIncomplete):
        proposal_services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)


def test_a_pathway_of_one_university_is_joint_with_a_co_lead(people, cat, institution, other_institution):
    # A (UB, co-led by UU) alone: the component brings two universities.
    one = draft(people, institution, rule=rule_all_of(cat["a"]), title="One")
    assert _checklist(one)["pathway_joint"].status == RuleStatus.MET
    # C (UB only), with no co-lead: one university; naming UU as co-lead makes it joint.
    lonely = draft(people, institution, rule=rule_all_of(cat["c"]), title="Lonely")
    assert _checklist(lonely)["pathway_joint"].status == RuleStatus.MISSING
    joint = draft(people, institution, rule=rule_all_of(cat["c"]), title="Joint", co_leads=[other_institution])
    assert _checklist(joint)["pathway_joint"].status == RuleStatus.MET
    assert [r.code for r in proposal_services.checklist_for(joint) if not r.ok] == []


@pytest.mark.parametrize(
    "make_rule, message",
    [
        (
            lambda c: {"requirements": [{"type": "min_ects", "ects": "20", "components": [c["a"], c["b"]]}]},
            "can never be met",
        ),
        (lambda c: {"requirements": [{"type": "all_of", "components": [c["a"], c["a"]]}]}, "listed twice"),
        (
            lambda c: {
                "requirements": [
                    {"type": "all_of", "components": [c["a"]]},
                    {"type": "n_of", "n": 1, "components": [c["a"], c["b"]]},
                ]
            },
            "listed twice",
        ),
        (lambda c: {"requirements": [{"type": "all_of", "components": [c["a"], c["retired"]]}]}, "is retired"),
        (lambda c: {"requirements": [{"type": "all_of", "components": [c["a"], 999999]}]}, "not an approved"),
        (lambda c: {"requirements": [{"type": "n_of", "n": 3, "components": [c["a"], c["b"]]}]}, "only 2 are listed"),
    ],
    ids=["cannot-be-met", "duplicated", "duplicated-across-requirements", "retired", "not-approved", "n-too-big"],
)
def test_a_bad_rule_is_refused_with_its_reason_and_nothing_is_saved(people, cat, institution, make_rule, message):
    ids = {k: cat[k].micro_credential_id for k in ("a", "b", "retired")}
    proposal = services.propose_pathway(user=people["proposer"], institution=institution, title="Before")
    revision = proposal.revision
    with pytest.raises(ValidationFailed) as exc:
        services.save_pathway_draft(
            user=people["proposer"],
            proposal_id=proposal.pk,
            data=services.PathwayDraftInput(title="After", description="Changed", co_leads=[], rule=make_rule(ids)),
        )
    assert message in exc.value.message
    proposal.refresh_from_db()
    assert proposal.revision == revision
    assert proposal.current_version.title == "Before"
    assert PathwayDraft.objects.get(proposal_version=proposal.current_version).rule == {"requirements": []}


def test_a_component_retired_before_the_decision_stops_the_approval_and_nothing_is_published(people, cat, institution):
    proposal = draft(people, institution, rule=rule_all_of(cat["a"], cat["b"]))
    item = on_council_agenda(people, proposal)
    catalogue_services.retire_micro_credential(
        user=cat["admin"], micro_credential_id=cat["b"].micro_credential_id, reason="Replaced."
    )
    with pytest.raises(DomainError) as exc:
        decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Fine.")
    assert "is retired" in exc.value.message
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SCHEDULED
    assert not Pathway.objects.exists() and not PathwayComponent.objects.exists()


def test_revisions_keep_the_rule_and_a_change_proposal_publishes_version_two(
    people, cat, institution, other_institution
):
    a, b, c = cat["a"], cat["b"], cat["c"]
    proposal = draft(people, institution, rule=rule_all_of(a, b))
    item = on_council_agenda(people, proposal)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="request_revisions", rationale="Say more.")
    proposal.refresh_from_db()
    proposal._current_version = None
    assert proposal.current_version.number == 2
    # Version 2 of the proposal reads the rule of version 1 until it is edited.
    assert _checklist(proposal)["pathway_rule"].status == RuleStatus.MET
    proposal_services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.RESUBMIT)
    proposal_services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    item = proposal_services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Ok")
    v1 = PathwayVersion.objects.get()
    pathway = v1.pathway

    change = services.start_pathway_change(user=people["proposer"], pathway_id=pathway.pk, institution=institution)
    assert change.proposal_type == services.PATHWAY
    assert change.current_version.title == v1.title
    with pytest.raises(ValidationFailed, match="already open"):
        services.start_pathway_change(user=people["proposer"], pathway_id=pathway.pk, institution=institution)
    new_rule = {
        "requirements": [
            {"type": "all_of", "components": [a.micro_credential_id]},
            {"type": "n_of", "n": 1, "components": [b.micro_credential_id, c.micro_credential_id]},
        ]
    }
    services.save_pathway_draft(
        user=people["proposer"],
        proposal_id=change.pk,
        data=services.PathwayDraftInput(
            title="Sustainable data, revised",
            description=v1.description,
            co_leads=[other_institution],
            rule=new_rule,
            pinned_only=True,
        ),
    )
    council_approves(people, change)
    v2 = pathway.versions.get(number=2)
    v1.refresh_from_db()
    assert v2.is_current and not v1.is_current
    assert v2.title == "Sustainable data, revised" and v2.pinned_only is True
    assert v2.rule == new_rule
    assert v2.minimum_ects == Decimal("5")  # A (5) and C (no ECTS)
    assert list(v2.co_lead_institutions.all()) == [other_institution]
    assert Pathway.objects.count() == 1


def test_the_board_secretary_retires_a_pathway_once(people, cat, institution):
    version = approved_pathway(people, institution, rule=rule_all_of(cat["a"], cat["b"]))
    with pytest.raises(DomainError):
        services.retire_pathway(user=people["proposer"], pathway_id=version.pathway_id, reason="No.")
    with pytest.raises(ValidationFailed):
        services.retire_pathway(user=people["secretary"], pathway_id=version.pathway_id, reason="  ")
    services.retire_pathway(user=people["secretary"], pathway_id=version.pathway_id, reason="Superseded.")
    pathway = Pathway.objects.get()
    assert pathway.status == Pathway.Status.RETIRED and pathway.retirement_reason == "Superseded."
    assert AuditEvent.objects.filter(action="pathway.retired").count() == 1
    with pytest.raises(ValidationFailed, match="already retired"):
        services.retire_pathway(user=people["secretary"], pathway_id=version.pathway_id, reason="Again.")
    with pytest.raises(ValidationFailed, match="retired pathway"):
        services.start_pathway_change(user=people["proposer"], pathway_id=pathway.pk, institution=institution)


def test_the_lead_university_issues_a_pathway_only_of_its_own_formal_micro_credentials():
    from types import SimpleNamespace

    from microcred.pathways.models import pathway_issued_by_alliance

    own = SimpleNamespace(issued_by_alliance=False, awarding_institution_id=1)
    other = SimpleNamespace(issued_by_alliance=False, awarding_institution_id=2)
    central = SimpleNamespace(issued_by_alliance=True, awarding_institution_id=1)
    assert pathway_issued_by_alliance(1, [], [own, own]) is False
    assert pathway_issued_by_alliance(1, [2], [own]) is True  # a co-lead: a joint pathway
    assert pathway_issued_by_alliance(1, [], [own, other]) is True
    assert pathway_issued_by_alliance(1, [], [own, central]) is True  # a non-formal component


def test_a_pathway_never_takes_the_address_of_a_page_under_pathways(people, cat, institution):
    version = approved_pathway(people, institution, rule=rule_all_of(cat["a"], cat["b"]), title="Awards")
    assert version.pathway.slug == "awards-2"
