"""A pathway as people live it (issue #12): the proposer writes it with its rule, the council approves it, and it
appears in the catalogue (beside the micro-credentials a search finds, and among the pathways) with its rule in
words; each page checked by axe-core."""

import pytest
from django.utils import timezone

from microcred.catalogue import services as catalogue_services
from microcred.pathways.models import PathwayVersion
from microcred.proposals import services
from microcred.proposals.models import Meeting, Proposal
from microcred.proposals.tests.approvals import hold_meeting_now
from microcred.proposals.workflow import Action
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in, log_out, record_decision

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(make_user, tmp_path):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub, tcd = Institution.objects.get(short_name="UB"), Institution.objects.get(short_name="TCD")
    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@alliance.example")
    common = dict(
        actor=admin,
        approval_note="Approved by the Academic Council on 1 March 2024.",
        kind="formal",
        hours=135,
        eqf_level=7,
        assessment_types=["report"],
        forms_of_participation=["online"],
        languages=["en"],
        quality_assurance="Accredited by the faculty.",
    )
    reporting = catalogue_services.publish_imported_micro_credential(
        **common,
        title="Sustainability reporting",
        awarding_institution=ub,
        ects=5,
        description="Report a company's footprint.",
        learning_outcomes=[("Prepare a greenhouse gas inventory.", [])],
    )
    ethics = catalogue_services.publish_imported_micro_credential(
        **common,
        title="Data ethics",
        awarding_institution=tcd,
        ects=3,
        description="Ethics of research data.",
        learning_outcomes=[("Assess the risks of a data set.", [])],
    )
    return {
        "proposer": make_user((Role.PROPOSER, ub), email="laia@ub.example", full_name="Laia Puig"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, ub), email="jordi@ub.example", full_name="Jordi Serra"),
        "secretary": make_user(Role.BOARD_SECRETARY, email="brid@alliance.example", full_name="Bríd Ní Bhriain"),
        "chair": make_user(Role.COUNCIL_CHAIR, email="pieter@alliance.example", full_name="Pieter Bakker"),
        "reporting": reporting,
        "ethics": ethics,
    }


def test_the_council_approves_a_pathway_and_it_appears_in_the_catalogue_with_its_rule_in_words(page, cast):
    services.create_meeting(
        user=cast["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=10)
    )
    # The proposer starts a pathway from the pathways page and writes its rule.
    log_in(page, "laia@ub.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pathways").click()
    page.check()
    page.get_by_label("Working title").fill("Sustainable data")
    page.get_by_role("button", name="Start the proposal").click()
    page.check()
    page.get_by_label("Description").fill("Measure a company's footprint and handle its data ethically.")
    first, second = page.get_by_role("group", name="Requirement 1"), page.get_by_role("group", name="Requirement 2")
    first.get_by_label("Kind").select_option(label="All of these")
    first.get_by_label("Micro-credentials").select_option(label="Sustainability reporting — UB, 5 ECTS")
    second.get_by_label("Kind").select_option(label="At least a number of ECTS credits from these")
    second.get_by_label("ECTS credits (for “at least … ECTS”)").fill("3")
    second.get_by_label("Micro-credentials").select_option(label="Data ethics — TCD, 3 ECTS")
    page.get_by_role("button", name="Save and send to my institutional manager").click()
    page.check()
    proposal = Proposal.objects.get()
    assert proposal.proposal_type == "pathway"
    assert "Awaiting institutional approval" in page.content()
    # The proposal page shows the rule in words, not the micro-credential form.
    assert "Earn at least 3 ECTS credits from: Data ethics." in page.content()
    log_out(page)

    services.take_action(user=cast["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=cast["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    hold_meeting_now(services.schedule_proposal(user=cast["secretary"], proposal_id=proposal.pk))  # meets today

    # The council chair approves it on the proposal page.
    log_in(page, "pieter@alliance.example")
    record_decision(page, proposal.pk, "Approve", "Two universities, a coherent whole.")
    assert "Approved" in page.locator(".status").inner_text()
    version = PathwayVersion.objects.get()
    log_out(page)

    # Anyone searching the catalogue finds it beside the micro-credentials, with its rule in words and its ECTS,
    # and in the catalogue's pathways.
    page.goto("/catalogue/?search=ethics")
    found = page.get_by_role("region", name="1 pathway found")
    assert "Earn at least 3 ECTS credits from: Data ethics." in found.inner_text()
    assert "at least 8 ECTS in total" in found.inner_text()
    page.get_by_role("link", name="Pathways: micro-credentials that add up to a larger credential").click()
    page.check()
    page.get_by_role("link", name="Sustainable data").click()
    page.check()
    assert page.url.endswith(f"/pathways/{version.pathway.slug}/")
    page.goto("/catalogue/?search=ethics")
    found.get_by_role("link", name="Sustainable data").click()
    page.check()
    assert page.url.endswith(f"/pathways/{version.pathway.slug}/")
    rule = page.locator("ul.rule").inner_text()
    assert "Earn Sustainability reporting." in rule
    assert "Earn at least 3 ECTS credits from: Data ethics." in rule
    assert "at least 8 ECTS" in page.content()
    page.get_by_role("link", name="Data ethics").click()
    page.check()
    assert "Part of these pathways" in page.content()
