"""The public impact page (issue #15): reached from the footer of any page, accessible (axe-core, through the
checked page), under the Content-Security-Policy with its schema.org data, and with small counts of people said
as "fewer than 5"."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def some_figures(db):
    from django.contrib.auth import get_user_model

    from microcred.accounts.services import assign_role

    for n in range(3):  # three lifelong learners: fewer than 5, never shown as a number
        user = get_user_model().objects.create_user(
            f"lll{n}@example.org", "a-long-test-password", learner_group="lifelong_learner"
        )
        assign_role(user=user, role="learner")


def test_the_impact_page_from_the_footer(page, some_figures):
    page.goto("/catalogue/")
    page.get_by_role("contentinfo").get_by_role("link", name="Our impact in figures").click()
    page.check()  # the page reached by the link passes the accessibility check too
    assert page.url.endswith("/reporting/impact/")
    assert page.get_by_role("heading", level=1, name="Our impact in figures").is_visible()
    section = page.locator("section", has=page.get_by_role("heading", level=2, name="Lifelong learners"))
    text = section.inner_text()
    assert "Fewer than 5 lifelong learners" in text and not re.search(r"(?<![\d,])3(?![\d,])", text)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    lifelong = next(v for v in data["variableMeasured"] if v["propertyID"] == "lifelong_learners")
    assert data["@type"] == "Dataset" and lifelong["value"] == "fewer than 5"
    table = page.get_by_role("table", name="The headline figures at a glance")
    assert table.get_by_role("rowheader", name="Learners certified").is_visible()
