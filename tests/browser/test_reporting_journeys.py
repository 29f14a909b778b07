"""Issue #15: the quality office reads the figures against the targets, narrows them to one university, and
downloads a table (CSV) and the board report (PDF) for the Academic Council."""

import csv
import io

import pytest
from pypdf import PdfReader

from microcred.catalogue.tests import conftest as catalogue_fixtures
from microcred.roles import Role
from tests.browser.helpers import log_in

# A small catalogue made through the services: five micro-credentials over three universities and three areas.
cat = catalogue_fixtures.cat
_empty_cache = catalogue_fixtures._empty_cache

pytestmark = pytest.mark.django_db(transaction=True)


def test_quality_office_filters_one_university_and_downloads_the_csv_and_the_pdf(page, cat, make_user, tmp_path):
    from microcred.reference.models import Institution
    from microcred.reporting import indicators

    make_user(Role.QUALITY_OFFICE, email="quality@example.org")
    log_in(page, "quality@example.org")
    page.get_by_role("link", name="Figures and targets").first.click()
    page.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Figures against the targets"
    headline = page.locator("#table-headline")
    first = indicators.headline_indicators(indicators.Filters())[0]
    assert first.label in headline.inner_text()

    ub = Institution.objects.get(slug="ub")
    page.get_by_label("University", exact=True).select_option(label=ub.name)
    page.get_by_role("button", name="Show the figures").click()
    page.check()
    assert "university=ub" in page.url
    assert f"University: {ub.name}." in page.locator("main").inner_text()
    assert page.get_by_label("University", exact=True).input_value() == "ub"  # the choice is kept
    theirs = indicators.headline_indicators(indicators.Filters(university_id=ub.pk))

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of “Headline figures against the targets”").click()
    assert download.value.suggested_filename == "figures-headline-ub.csv"
    path = tmp_path / "headline.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Indicator", "Value"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(i.label, as_written(i)) for i in theirs]
    ects = next(i for i in theirs if i.code == "ects_prepared")
    alliance_ects = next(i for i in indicators.headline_indicators(indicators.Filters()) if i.code == "ects_prepared")
    assert 0 < ects.value < alliance_ects.value  # one university's share, not the alliance's

    with page.expect_download() as download:
        page.get_by_role("link", name="Board report (PDF)").click()
    assert download.value.suggested_filename == "figures-board-report-ub.pdf"
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Academic Council" in text
    assert f"University: {ub.name}." in text
    for indicator in theirs:  # the figures and their definitions (the PDF wraps lines: compare without breaks)
        assert indicator.label in text
        assert " ".join(indicator.definition.split()[:6]) in " ".join(text.split())


def as_written(indicator) -> str:
    """A figure as the CSV writes it: a count of people below 5 as "fewer than 5"."""
    from microcred.reporting.exports import plain_value

    if indicator.counts_people and indicator.value < 5:
        return "fewer than 5"
    return str(plain_value(indicator.value))
