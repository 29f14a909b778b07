import pytest
from django.core.cache import cache

from microcred.catalogue import facet_memory


@pytest.fixture(autouse=True)
def _fresh_memory():
    """Rate-limit counters and the catalogue's facet memory start empty in each test."""
    cache.clear()
    facet_memory.memory.clear()
    yield
    cache.clear()
    facet_memory.memory.clear()


@pytest.fixture
def demo_catalogue(db, tmp_path, make_user):
    """The demo catalogue (catalogue/demo.py) over a slice of the real ESCO release."""
    from microcred.accounts.roles import Role
    from microcred.catalogue.demo import CATALOGUE, load_demo_catalogue
    from microcred.guide.tests.esco_slice import make_slice_dir
    from microcred.reference.loader import load_reference_data

    labels = [label for row in CATALOGUE for _outcome, names in row[13] for label in names]
    load_reference_data(data_dir=make_slice_dir(tmp_path, extra_skill_labels=labels))
    make_user(Role.ALLIANCE_ADMIN)
    load_demo_catalogue()
