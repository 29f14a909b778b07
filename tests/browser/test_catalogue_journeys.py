"""Journey 5 (a lifelong learner), the catalogue part: find a micro-credential by text and filters, read it."""

import pytest

from microcred.catalogue.tests import conftest as catalogue_fixtures

# The catalogue's own fixtures (a small catalogue made through the services, upcoming offerings).
cat = catalogue_fixtures.cat
offerings = catalogue_fixtures.offerings
_empty_cache = catalogue_fixtures._empty_cache

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_finds_by_text_and_filters_and_reads_the_page(page, cat, offerings):
    page.goto("/")
    page.get_by_role("link", name="Catalogue").first.click()
    page.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Catalogue of micro-credentials"

    page.get_by_label("Search titles, descriptions, learning outcomes, skills and content areas").fill("sustainab")
    page.get_by_role("button", name="Search", exact=True).click()
    page.check()
    # The report's title says it; the hackathon is filed under the sustainability content area (issue #16, defect 2).
    assert "2 micro-credentials found" in page.locator("#results-heading").inner_text()

    page.get_by_label("EQF level 7").check()
    page.get_by_label("English").check()
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Apply filters").click()
    page.check()
    assert "search=sustainab" in page.url and "eqf=7" in page.url and "lang=en" in page.url
    assert page.get_by_label("EQF level 7").is_checked()  # the search is kept
    results = page.locator("ul.results")
    assert results.locator("h3").all_inner_texts() == ["Sustainability reporting for SMEs"]

    results.get_by_role("link", name="Sustainability reporting for SMEs", exact=True).click()
    page.check()
    main = page.locator("main")
    for text in ["5 ECTS credits", "EQF level 7", "Supervised, with identity verification", "Online",
                 "University of Barcelona (Spain)", "carbon accounting", "Upcoming offerings", "Version 1"]:
        assert text in main.inner_text(), text
    assert page.locator('script[type="application/ld+json"]').count() == 1


def test_a_filter_with_no_results_says_so(page, cat):
    page.goto("/catalogue/?search=hackathon&kind=formal")
    assert "0 micro-credentials found" in page.locator("#results-heading").inner_text()
    assert "Nothing matches" in page.locator("main").inner_text()
