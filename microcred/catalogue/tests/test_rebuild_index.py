"""`manage.py rebuild_catalogue_index` rebuilds the derived search index from the approved records."""

import io

import pytest
from django.core.management import call_command

from microcred.catalogue import selectors
from microcred.catalogue.indexing import facet_rows
from microcred.catalogue.models import CatalogueFacet, MicroCredentialVersion

pytestmark = pytest.mark.django_db


def _index():
    return {
        v.pk: (v.is_current, v.search_text, sorted(v.facets.values_list("facet", "value")))
        for v in MicroCredentialVersion.objects.prefetch_related("facets")
    }


def test_the_command_rebuilds_a_lost_index(cat):
    built = _index()
    assert all(text.strip() and facets for _current, text, facets in built.values())
    MicroCredentialVersion.objects.update(is_current=False, search_text="")
    CatalogueFacet.objects.all().delete()
    assert selectors.search(selectors.parse_query({"search": "hackathon"}), language="en").total == 0

    out = io.StringIO()
    call_command("rebuild_catalogue_index", stdout=out)

    assert "5 version(s)" in out.getvalue()
    assert _index() == built
    assert sorted(cat["c"].facets.values_list("facet", "value")) == facet_rows(cat["c"])
    found = selectors.search(selectors.parse_query({"search": "hackathon"}), language="en")
    assert [v.pk for v in found.versions] == [cat["c"].pk]


def test_running_it_twice_changes_nothing(cat):
    call_command("rebuild_catalogue_index", stdout=io.StringIO())
    once = _index()
    call_command("rebuild_catalogue_index", stdout=io.StringIO())
    assert _index() == once
