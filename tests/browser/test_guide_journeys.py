"""The guide for learners (issue #13, item 4): from the home page, a learner names an occupation, chooses it, sees
the micro-credentials ranked with the skills each covers and misses, narrows them with a filter and follows one."""

import pytest

from microcred.guidance import suggestions
from microcred.guide.tests.builders import offer, publish
from tests.browser.helpers import load_small_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(make_user, tmp_path, settings):
    load_small_reference_data(tmp_path)
    settings.VAR_DIR = tmp_path / "var"
    suggestions.reset_index()
    leadership = publish(make_user, "Project leadership", ["s-pm", "s-team"])
    publish(make_user, "Team basics", ["s-team"], short="UU", languages=("es",), forms=("on_site",), ects=2)
    publish(make_user, "Recycling at home", ["s-recycle"], short="UU", ects=1)
    offer(make_user, leadership, days=30)
    yield
    suggestions.reset_index()


def test_a_learner_finds_what_covers_an_occupation_and_follows_it(page, catalogue):
    page.goto("/")
    page.get_by_role("link", name="Open the guide").click()
    page.check()
    page.get_by_label("Occupation (ESCO)").fill("project")
    page.get_by_role("button", name="Find occupations").click()
    page.check()
    page.get_by_role("link", name="project manager").click()
    page.check()

    results = page.get_by_role("region", name="Ranked by how much they cover")
    items = results.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3))
    assert [h.strip() for h in items.get_by_role("heading", level=3).all_inner_texts()] == [
        "Project leadership",
        "Team basics",
    ]
    first, second = items.all()
    assert "Covers 100% of the target" in first.inner_text()
    assert "Covers: manage projects (essential), lead a team" in first.inner_text()
    assert "Covers: lead a team" in second.inner_text()
    second.get_by_text("1 skill still missing").click()  # opens the details
    assert second.get_by_role("listitem").filter(has_text="manage projects (essential)").is_visible()
    page.check()  # the opened details pass too
    combination = page.get_by_role("region", name="The best combination")
    assert "Together these cover 100% of your target." in combination.inner_text()

    page.get_by_label("Language of instruction").select_option("es")
    page.get_by_role("button", name="Apply filters").click()
    page.check()
    assert results.get_by_role("heading", level=3).all_inner_texts() == ["Team basics"]
    page.get_by_role("link", name="Clear the filters").click()
    page.check()

    results.get_by_role("link", name="Project leadership").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Project leadership").is_visible()


@pytest.fixture
def demo_catalogue_with_occupation_vectors(make_user, tmp_path, settings):
    """The demo catalogue over a slice of the real ESCO release, and the multilingual model's vectors of its
    occupations (what `manage.py build_skill_vectors` makes), so that an occupation is found in Spanish."""
    from microcred.catalogue.demo import CATALOGUE, load_demo_catalogue
    from microcred.guidance import occupation_search
    from microcred.guidance.encoder import load_multilingual_encoder
    from microcred.guide.tests.esco_slice import make_slice_dir
    from microcred.reference.loader import load_reference_data
    from microcred.roles import Role

    labels = [label for row in CATALOGUE for _outcome, names in row[13] for label in names]
    load_reference_data(data_dir=make_slice_dir(tmp_path, extra_skill_labels=labels))
    make_user(Role.ALLIANCE_ADMIN)
    load_demo_catalogue()
    settings.VAR_DIR = tmp_path / "var"
    suggestions.reset_index()
    occupation_search.reset_occupation_index()
    encoder = load_multilingual_encoder()
    rows = occupation_search.load_occupation_rows()
    suggestions.write_vectors(
        rows, encoder.passages(rows.dense_texts), encoder.fingerprint, kind=suggestions.E5_OCCUPATIONS
    )
    yield
    occupation_search.reset_occupation_index()
    suggestions.reset_index()


def test_a_learner_names_the_occupation_in_spanish(page, demo_catalogue_with_occupation_vectors):
    page.goto("/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.check()
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("main a[href='/guide/']").first.click()  # the home page's way to the guide, whatever its words
    page.check()
    page.locator("#occupation_search").fill("analista de datos")
    page.locator("form:has(#occupation_search) button[type=submit]").click()
    page.check()
    choices = page.locator("section[aria-labelledby=occupations-heading] li > a")
    assert choices.first.inner_text() == "data analyst"
    choices.first.click()
    page.check()
    results = page.locator("section[aria-labelledby=results-heading] ol > li")
    assert results.first.locator("h3").inner_text().strip() == "Databases and SQL for data analysis"
    assert "use databases" in results.first.inner_text()  # covered
    results.first.locator("details summary").click()
    assert "business intelligence" in results.first.locator("details").inner_text()  # still missing
    page.check()
