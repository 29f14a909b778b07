"""A micro-credential offered jointly (policy 5.6.2.2, 7.4 "the proposer(s)"): Laia (UB) opens a proposal and adds
Aoife, a proposer at Trinity College Dublin, as co-proposer; Aoife finds the draft among her proposals and may edit
it, but not change who proposes it. Every page is checked by axe-core."""

import pytest

from microcred.proposals import services
from microcred.proposals.models import CoProposer
from microcred.roles import Role
from tests.browser.helpers import log_in, log_out
from tests.browser.test_proposal_journeys import cast  # noqa: F401 - fixture

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
    assert "Aoife Byrne, co-proposer" in page.get_by_role("region", name="Proposers").inner_text()
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
