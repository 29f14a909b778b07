"""A micro-credential offered jointly (policy 5.6.2.2, 7.4 "the proposer(s)"): Laia (UB) opens a proposal and adds
Aoife, a proposer at Trinity College Dublin, as co-proposer; Aoife finds the draft among her proposals and may edit
it, but not change who proposes it. Sent for institutional approval, the proposal waits for both universities'
managers (policy 7.4), and Aoife cannot leave it meanwhile. Every page is checked by axe-core."""

import pytest

from microcred.proposals import services
from microcred.proposals.models import CoProposer
from microcred.roles import Role
from tests.browser.helpers import log_in, log_out
from tests.browser.test_proposal_journeys import cast, refdata_for_services  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_colleague_at_another_university_writes_and_sends_the_proposal(page, cast, make_user):
    aoife = make_user((Role.PROPOSER, cast["tcd"]), email="aoife@tcd.example", full_name="Aoife Byrne")
    proposal = services.create_proposal(user=cast["proposer"], institution=cast["ub"], title="Circular design studio")

    log_in(page, "laia@ub.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    section = page.get_by_role("region", name="Proposers")
    assert "Laia Puig (University of Barcelona), proposer" in section.inner_text()
    section.get_by_label("E-mail address of a colleague").fill("nobody@tcd.example")
    section.get_by_role("button", name="Add as co-proposer").click()
    page.check()
    assert (
        "is not the address of a proposer at a member university"
        in page.get_by_role("region", name="Proposers").inner_text()
    )
    page.get_by_label("E-mail address of a colleague").fill("aoife@tcd.example")
    page.get_by_role("button", name="Add as co-proposer").click()
    page.check()
    assert "Aoife Byrne is a co-proposer now" in page.get_by_role("status").inner_text()
    assert f"Aoife Byrne ({cast['tcd'].name}), co-proposer" in page.get_by_role("region", name="Proposers").inner_text()
    log_out(page)

    log_in(page, "aoife@tcd.example")
    page.goto("/proposals/")
    page.check()
    assert "Circular design studio" in page.locator("main").inner_text()
    page.get_by_role("link", name=proposal.reference).first.click()
    page.check()
    assert page.get_by_role("button", name="Add as co-proposer").count() == 0
    assert page.get_by_role("link", name="Edit the proposal").count() == 1
    page.get_by_role("link", name="Edit the proposal").click()
    page.check()
    assert CoProposer.objects.filter(proposal=proposal, person=aoife).exists()


def test_both_universities_approve_before_the_proposal_is_submitted(page, cast, refdata_for_services, make_user):
    from microcred.proposals.models import ProposalStatus

    aoife = make_user((Role.PROPOSER, cast["tcd"]), email="aoife@tcd.example", full_name="Aoife Byrne")
    make_user((Role.INSTITUTIONAL_MANAGER, cast["tcd"]), email="sean@tcd.example", full_name="Seán Murphy")
    proposal = refdata_for_services(financial=False, stop_at_manager=True, co_proposer=aoife)

    log_in(page, "jordi@ub.example")  # UB's manager approves for UB
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    approvals = page.get_by_role("region", name="Institutional approval")
    assert f"{cast['tcd'].name}: waiting for its institutional manager" in approvals.inner_text()
    page.get_by_role("button", name="Approve for submission").click()
    page.check()
    approvals = page.get_by_role("region", name="Institutional approval")
    assert "University of Barcelona: approved by Jordi Serra" in approvals.inner_text()
    assert page.get_by_role("button", name="Approve for submission").count() == 0  # UB has approved
    assert "Awaiting institutional approval" in page.locator(".status-line").inner_text()
    log_out(page)

    log_in(page, "aoife@tcd.example")  # nobody leaves while the universities approve
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    assert page.get_by_role("button", name="Leave this proposal…").count() == 0
    log_out(page)

    log_in(page, "sean@tcd.example")  # TCD's manager finds it on his list and approves for TCD
    page.goto("/proposals/")
    page.check()
    page.get_by_role("link", name=proposal.reference).first.click()
    page.check()
    page.get_by_role("button", name="Approve for submission").click()
    page.check()
    assert "Submitted: completeness check" in page.locator(".status-line").inner_text()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
