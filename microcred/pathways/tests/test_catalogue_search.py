"""Pathways beside the micro-credentials on the catalogue's search page (issue #12, item 2): the pathways matching
the same text (title, description, component titles) with a link, the rule in words and the ECTS, rendered outside
the catalogue's cached results so a pathway published or retired shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.catalogue.tests.conftest import cat, people, refdata  # noqa: F401  (fixtures)
from microcred.pathways import panels
from microcred.pathways import services as pathway_services
from microcred.pathways.tests.approvals import a_and_3_ects_of_b, approved_pathway, pathway  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _block(html: str) -> str:
    start = html.find('id="pathway-results"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


@pytest.mark.parametrize(
    "words",
    [
        "sustainable",  # its title
        "ethically",  # its description ("handle its data ethically")
        "researchers",  # a component's title (Data ethics for researchers)
    ],
)
def test_the_search_page_shows_the_matching_pathways_with_link_rule_and_ects(client, pathway, cat, words):
    block = _block(client.get("/catalogue/", {"search": words}).content.decode())
    assert "1 pathway found" in block
    assert f'href="/pathways/{pathway.pathway.slug}/"' in block and "Sustainable data" in block
    assert "Earn Sustainability reporting for SMEs." in block
    assert "Earn at least 3 ECTS credits from: Data ethics for researchers." in block
    assert "at least 8 ECTS in total" in block


def test_no_block_when_nothing_matches_or_nothing_is_searched(client, pathway, cat):
    assert 'id="pathway-results"' not in client.get("/catalogue/", {"search": "hungarian"}).content.decode()
    assert 'id="pathway-results"' not in client.get("/catalogue/").content.decode()


def test_the_block_is_fresh_though_the_results_are_cached(client, pathway, cat, people):
    first = client.get("/catalogue/", {"search": "ethics"}).content.decode()
    assert "Sustainable data" in _block(first)
    pathway_services.retire_pathway(user=people["secretary"], pathway_id=pathway.pathway_id, reason="Replaced.")
    again = client.get("/catalogue/", {"search": "ethics"}).content.decode()
    assert 'id="pathway-results"' not in again
    # The micro-credential results came from the cache and still show.
    assert "Data ethics for researchers" in again


def test_more_pathways_than_shown_are_one_link_away(client, people, cat, institution, monkeypatch):
    monkeypatch.setattr(panels, "SEARCH_PANEL_LIMIT", 1)
    for title in ("Sustainable data", "Sustainable ethics"):
        approved_pathway(people, institution, rule=a_and_3_ects_of_b(cat), title=title)
    block = _block(client.get("/catalogue/", {"search": "sustainable"}).content.decode())
    assert "2 pathways found" in block
    assert block.count("<h3>") == 1
    assert 'href="/pathways/?search=sustainable"' in block


def test_only_the_pathways_shown_are_read_with_their_components(client, people, cat, institution, monkeypatch):
    monkeypatch.setattr(panels, "SEARCH_PANEL_LIMIT", 2)
    for title in ("Sustainable data", "Sustainable ethics", "Sustainable reporting", "Sustainable water"):
        approved_pathway(people, institution, rule=a_and_3_ects_of_b(cat), title=title)
    with CaptureQueriesContext(connection) as queries:
        block = _block(client.get("/catalogue/", {"search": "sustainable"}).content.decode())
    assert "4 pathways found" in block
    assert block.count("<h3>") == 2 and "Sustainable data" in block and "Sustainable ethics" in block
    (components,) = [q["sql"] for q in queries.captured_queries if 'FROM "pathways_pathwaycomponent"' in q["sql"]]
    versions = re.search(r'"pathway_version_id" IN \(([^)]*)\)', components).group(1)
    assert len(versions.split(",")) == 2  # the two shown, not the four found


def test_the_matching_pathways_come_before_the_list_of_micro_credentials(client, pathway, cat):
    # A search can find many micro-credentials: the pathways are shown first so a long list does not hide them.
    html = client.get("/catalogue/", {"search": "sustainable"}).content.decode()
    assert 0 <= html.find('id="pathway-results"') < html.find('id="results-heading"')
