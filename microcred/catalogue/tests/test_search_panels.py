"""The registry of blocks other apps add beside the catalogue's search results (search_panels.py): a registered
block is called with the search text and shown outside the cached results; "" shows nothing."""

import pytest

from microcred.catalogue import search_panels
from microcred.catalogue.tests.conftest import cat, people, refdata  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    calls = []

    def panel(request, text):
        calls.append(text)
        return f'<section id="extra-block">found for {text}</section>' if text == "ethics" else ""

    monkeypatch.setattr(search_panels, "_PANELS", [])
    search_panels.register_search_panel(panel)
    search_panels.register_search_panel(panel)  # registered once only
    return calls


def test_a_registered_block_shows_beside_the_results_on_every_request(client, cat, registered):
    for _ in range(2):  # the second page's results come from the cache; the block is called again
        html = client.get("/catalogue/", {"search": "ethics"}).content.decode()
        assert '<section id="extra-block">found for ethics</section>' in html
        assert html.index('id="extra-block"') > html.index('id="catalogue-search"')
    assert registered == ["ethics", "ethics"]
    assert 'id="extra-block"' not in client.get("/catalogue/", {"search": "hungarian"}).content.decode()
