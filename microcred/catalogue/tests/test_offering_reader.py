"""The catalogue shows offerings through the reader the learning app registers (catalogue.offerings), and imports no
app above it. Without a reader it lists no offerings and an offering filter matches nothing."""

import pytest

from microcred.catalogue import offerings as offering_registry
from microcred.catalogue import selectors
from microcred.catalogue.tests.test_search import titles
from microcred.learning.catalogue_offerings import CatalogueOfferings

pytestmark = pytest.mark.django_db


def test_the_learning_app_registers_its_reader_when_ready():
    assert isinstance(offering_registry.offering_reader(), CatalogueOfferings)


@pytest.fixture
def without_reader():
    registered = offering_registry.offering_reader()
    offering_registry.register_offering_reader(offering_registry.NoOfferings())
    yield
    offering_registry.register_offering_reader(registered)


def test_through_the_reader_the_catalogue_sees_the_offerings(cat, offerings):
    mc = cat["a"].micro_credential
    assert [o.pk for o in selectors.upcoming_offerings(mc)] == [offerings["a"].pk]
    assert selectors.next_offerings([mc.pk])[mc.pk].pk == offerings["a"].pk
    assert titles(cost="free") == ["Sustainability reporting for SMEs"]
    assert titles(sort="start")[0] == "Sustainability reporting for SMEs"


def test_without_a_reader_no_offering_is_shown_and_an_offering_filter_matches_nothing(cat, offerings, without_reader):
    mc = cat["a"].micro_credential
    assert selectors.upcoming_offerings(mc) == []
    assert selectors.next_offerings([mc.pk]) == {}
    assert selectors.my_enrolments(cat["admin"], [offerings["a"]]) == {}
    assert titles(cost="free") == []
    assert titles(sort="start", search="Sustainability reporting") == ["Sustainability reporting for SMEs"]
