import pytest
from django.core.cache import cache

from microcred.catalogue import facet_memory


@pytest.fixture(autouse=True)
def _fresh_memory():
    """Rate-limit counters, the catalogue's facet memory and the guide's index start empty in each test."""
    from microcred.guide import selectors

    cache.clear()
    facet_memory.memory.clear()
    selectors.reset_index()
    yield
    cache.clear()
    facet_memory.memory.clear()
    selectors.reset_index()


@pytest.fixture
def demo_catalogue(db, tmp_path, make_user):
    """The demo catalogue (catalogue/demo.py) over a slice of the real ESCO release."""
    from microcred.catalogue.demo import CATALOGUE, load_demo_catalogue
    from microcred.guide.tests.esco_slice import make_slice_dir
    from microcred.reference.loader import load_reference_data
    from microcred.roles import Role

    labels = [label for row in CATALOGUE for _outcome, names in row[13] for label in names]
    load_reference_data(data_dir=make_slice_dir(tmp_path, extra_skill_labels=labels))
    make_user(Role.ALLIANCE_ADMIN)
    load_demo_catalogue()


@pytest.fixture(autouse=True)
def _occupation_look_up_without_the_model(monkeypatch):
    """The occupation look-up matches labels only (the multilingual model is not loaded: its own tests are
    guidance's), and its index is made afresh for each test's database."""
    from microcred.guidance import encoder, occupation_search

    def unavailable(*args, **kwargs):
        raise encoder.EncoderUnavailable("not loaded in these tests")

    monkeypatch.setattr(occupation_search, "load_multilingual_encoder", unavailable)
    occupation_search.reset_occupation_index()
    yield
    occupation_search.reset_occupation_index()
