"""Skill suggestions while writing a learning outcome, and the labour-market evidence they give (issue #13)."""

import pytest

from microcred.guidance import suggestions
from microcred.proposals.models import LearningOutcome, Proposal
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in
from tests.browser.proposal_steps import go_to_step

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proposer(make_user, tmp_path, settings):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    settings.VAR_DIR = tmp_path / "var"  # no vectors for this small ESCO: the suggestions use BM25
    suggestions.reset_index()
    yield make_user((Role.PROPOSER, Institution.objects.get(short_name="UB")), email="laia@ub.example")
    suggestions.reset_index()


def test_a_proposer_adds_a_suggested_skill_and_sees_the_occupations_it_prepares_for(page, proposer):
    log_in(page, "laia@ub.example")
    page.goto("/proposals/")
    page.get_by_label("Working title").fill("Leading projects")
    page.get_by_role("button", name="Start a draft").click()
    page.check()
    go_to_step(page, "Learning outcomes and skills")  # the proposal form in steps (issue #16)
    page.get_by_label("Learning outcome", exact=True).first.fill("Plan and manage projects with a small team.")
    suggested = page.get_by_role("list", name="ESCO skills suggested for learning outcome 1")
    suggested.get_by_role("button", name="Add manage projects").wait_for()
    status = page.locator("#field-learning_outcomes [role=status]").first
    assert "ESCO skills suggested for this learning outcome" in status.text_content()
    page.check()  # the suggestions pass axe too

    item = suggested.get_by_role("listitem").filter(has_text="manage projects").first
    item.get_by_role("button", name="Description manage projects").click()
    assert item.get_by_text("Description of manage projects.").is_visible()
    item.get_by_role("button", name="Add manage projects").click()
    assert page.locator("#id_lo-0-skill_1").input_value() == "manage projects"
    assert "Added manage projects" in status.text_content()
    assert item.get_by_role("button", name="Added manage projects").is_disabled()

    page.get_by_role("button", name="Save draft").click()
    page.check()
    outcome = LearningOutcome.objects.get(version__proposal=Proposal.objects.get())
    assert [s.preferred_label for s in outcome.skills.all()] == ["manage projects"]
    page.goto(f"/proposals/{Proposal.objects.get().pk}/")
    evidence = page.get_by_role("region", name="Labour-market evidence: occupations these skills prepare for")
    assert evidence.get_by_role("rowheader", name="project manager").is_visible()
