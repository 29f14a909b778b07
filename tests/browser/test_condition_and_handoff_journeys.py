"""Conditions of approval and hand-offs as people live them (issue #14, items 3 and 4), each page checked by axe-core:
the council approves with a condition, the proposer reports it met, the secretary confirms it and the catalogue stops
saying "with conditions"; the communication office ticks its hand-off checklist to done."""

import pytest

from microcred.catalogue.models import MicroCredential
from microcred.handoffs.models import HandoffTask
from microcred.proposals.models import ApprovalCondition
from microcred.roles import Role
from tests.browser.helpers import log_in, log_out
from tests.browser.test_proposal_journeys import cast, refdata_for_services  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_condition_reported_confirmed_and_handoff_done(page, cast, refdata_for_services, make_user):
    make_user(Role.COMMUNICATION_OFFICE, email="anna@alliance.example", full_name="Anna Kovács")
    proposal = refdata_for_services(financial=False)  # on the next council's agenda

    # The council chair approves with one condition, due by the default date.
    log_in(page, "pieter@alliance.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_label("Approve with conditions").check()
    page.get_by_role("textbox", name="Rationale").fill("Well aligned with the alliance's principles.")
    page.get_by_role("textbox", name="Condition 1", exact=True).fill("State the prerequisites explicitly.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    assert "Conditions of approval, followed up" in page.content()
    mc = MicroCredential.objects.get()
    page.goto(f"/catalogue/{mc.slug}/")
    assert "Approved with conditions:" in page.content()
    log_out(page)

    # The proposer finds the condition on her action list and reports how it was met.
    log_in(page, "laia@ub.example")
    page.goto("/proposals/")
    page.check()
    assert page.get_by_role("heading", name="Conditions of approval to report on").is_visible()
    page.get_by_role("link", name="Condition 1").first.click()
    page.check()
    page.get_by_label("How the condition was met").fill("The prerequisites are now in the description.")
    page.get_by_role("button", name="Report as met").click()
    page.check()
    assert "the board secretary has been told" in page.content()
    log_out(page)

    # The secretary confirms it; the catalogue no longer says "with conditions".
    log_in(page, "brid@alliance.example")
    page.goto("/proposals/")
    page.check()
    assert page.get_by_role("heading", name="Conditions reported as met: to confirm").is_visible()
    page.get_by_role("link", name="Condition 1").first.click()
    page.check()
    page.get_by_role("button", name="Confirm as met").click()
    page.check()
    assert ApprovalCondition.objects.get().status == "confirmed"
    page.goto(f"/catalogue/{mc.slug}/")
    assert "Approved with conditions" not in page.content()
    log_out(page)

    # The communication office ticks its hand-off checklist to done.
    log_in(page, "anna@alliance.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    page.check()
    page.get_by_role("link", name="Catalogue text and marketing").click()
    page.check()
    boxes = page.locator("input[name=item]")
    for n in range(boxes.count()):
        boxes.nth(n).check()
    page.get_by_role("button", name="Save the checklist").click()
    page.check()
    assert "Done" in page.locator(".task-status").inner_text()
    assert HandoffTask.objects.get(kind__code="communication").status == "done"
    page.goto(f"/catalogue/{mc.slug}/")
    assert page.get_by_role("heading", name="Hand-off tasks after approval").is_visible()
