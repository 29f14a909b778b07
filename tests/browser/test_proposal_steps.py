"""The proposal form in steps (issue #16, "forms that guide"), walked in a browser on a laptop and at 375 px: the
progress, an error that keeps what was typed, learning-outcome rows added and removed by the script (focus and a
polite announcement), "Back", and the review step's list of what is missing, each every page checked by axe-core."""

import pytest
from playwright.sync_api import expect

from microcred.guidance import suggestions
from microcred.proposals.models import LearningOutcome, Proposal
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in
from tests.browser.proposal_steps import STEP_TITLES, go_to_step, on_step, save_and_continue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proposer(make_user, tmp_path, settings):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    settings.VAR_DIR = tmp_path / "var"  # no vectors for this small ESCO: the suggestions use BM25
    suggestions.reset_index()
    yield make_user((Role.PROPOSER, Institution.objects.get(short_name="UB")), email="laia@ub.example")
    suggestions.reset_index()


def statuses(page) -> dict[str, str]:
    """Each step's title and its status as the progress list says it in words."""
    rows = {}
    for item in page.locator("nav.steps li").all():
        title = item.get_by_role("link").inner_text().split(". ", 1)[1]
        rows[title] = item.locator(".step-status").inner_text().strip(" ✔⚠○")
    return rows


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.screenshots
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_proposer_walks_the_form_step_by_step(page, proposer, device):
    if device == "phone":
        page.set_viewport_size({"width": 375, "height": 812})  # the narrowest common phone (WCAG 2.1 1.4.10)
    log_in(page, "laia@ub.example")
    page.goto("/proposals/")
    page.get_by_label("Working title").fill("Circular design studio")
    page.get_by_role("button", name="Start a draft").click()
    page.check()
    on_step(page, "The basics")
    assert list(statuses(page)) == STEP_TITLES
    assert statuses(page)["Assessment"] == "Not started"

    page.get_by_label("Relevance to the alliance").fill("Circularity is central to the alliance's green focus.")
    save_and_continue(page, "Kind, workload and level")
    assert statuses(page)["The basics"] == "Has problems"  # criteria and description are still to be written

    # A step with an error: nothing is saved, everything typed is still there, the summary links to the field.
    page.get_by_label("Total hours of learning").fill("-5")
    page.get_by_label("Calculation of hours").fill("30 contact hours and 105 hours of self-study.")
    save_and_continue(page, "Kind, workload and level")
    summary = page.locator("#error-summary")
    assert summary.get_by_role("link", name="Total hours of learning:").count() == 1
    assert page.get_by_label("Calculation of hours").input_value() == "30 contact hours and 105 hours of self-study."
    assert statuses(page)["Kind, workload and level"] == "Has problems"
    assert page.get_by_label("Total hours of learning").get_attribute("aria-invalid") == "true"
    page.get_by_label("Total hours of learning").fill("135")
    page.get_by_label("ECTS credits").fill("5")
    page.get_by_label("EQF level").select_option(label="EQF 7")
    save_and_continue(page, "Learning outcomes and skills")

    # Learning-outcome rows added and removed without saving.
    rows = page.locator("#field-learning_outcomes fieldset.outcome:visible")
    assert rows.count() == 2
    assert page.locator("#field-learning_outcomes").get_by_label("Remove this learning outcome").first.is_hidden()
    page.get_by_role("button", name="Add a learning outcome").click()
    assert rows.count() == 3
    assert rows.nth(2).locator("legend").inner_text() == "Learning outcome 3"
    assert focused_id(page) == "id_lo-2-text"
    status = page.locator("#field-learning_outcomes [data-rows-status]")
    expect(status).to_have_text("Learning outcome 3 added.")  # the live region speaks after a beat
    rows.nth(0).get_by_label("Learning outcome", exact=True).fill("Assess a product's life cycle.")
    rows.nth(1).get_by_label("Learning outcome", exact=True).fill("A row the proposer changes their mind about.")
    rows.nth(2).get_by_label("Learning outcome", exact=True).fill("Manage a redesign project with a small team.")
    # The new row's ESCO picker works like the others (the script set it up).
    rows.nth(2).get_by_role("combobox", name="ESCO skill", exact=True).fill("manage pro")
    page.get_by_role("option", name="manage projects").click()
    page.check()
    page.get_by_role("button", name="Remove learning outcome 2").click()
    assert rows.count() == 2
    assert rows.locator("legend").all_inner_texts() == ["Learning outcome 1", "Learning outcome 2"]
    assert page.evaluate("document.activeElement.textContent") == "Add a learning outcome"
    expect(status).to_have_text("Learning outcome 2 removed.")
    page.check()
    save_and_continue(page, "Assessment")
    proposal = Proposal.objects.get()
    saved = LearningOutcome.objects.filter(version__proposal=proposal).order_by("order")
    assert [o.text for o in saved] == ["Assess a product's life cycle.", "Manage a redesign project with a small team."]
    assert [s.preferred_label for s in saved[1].skills.all()] == ["manage projects"]

    # "Back" keeps what was typed on the step (it saves it) and shows the step before.
    page.locator("#field-assessment_types").get_by_label("Report / paper").check()
    page.get_by_role("button", name="Back").click()
    page.check()
    on_step(page, "Learning outcomes and skills")
    assert rows.count() == 2 + 2  # the two saved outcomes and two empty rows
    go_to_step(page, "Assessment")
    assert page.locator("#field-assessment_types").get_by_label("Report / paper").is_checked()

    # Through the remaining steps to the review, which lists what is missing, each a link to its step and field.
    save_and_continue(page, "Delivery and learners")
    save_and_continue(page, "Principles, quality and resources")
    save_and_continue(page, "Supporting documents")
    page.get_by_role("link", name="Continue").click()
    page.check()
    on_step(page, "Review and send")
    missing = page.get_by_role("region", name="Before it can be sent")
    assert "Choose at least one language." in missing.inner_text()
    missing.get_by_role("link", name="Choose at least one language.").click()
    page.check()
    on_step(page, "Delivery and learners")
    languages = page.locator("#field-languages")
    assert "Choose at least one language." in languages.locator(".problem").inner_text()
    assert languages.get_by_role("group", name="Languages").count() == 1  # checkboxes in a fieldset with a legend
    assert statuses(page)["Kind, workload and level"] == "Complete"
