"""What search keeps in memory (facet values, labels) and when it reads them again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.catalogue import cache, facet_memory, selectors
from microcred.catalogue.models import CatalogueFacet

pytestmark = pytest.mark.django_db


def facet_reads(ctx) -> int:
    return sum('"catalogue_cataloguefacet"' in q["sql"] for q in ctx.captured_queries)


def label_reads(ctx) -> int:
    return sum('FROM "reference_' in q["sql"] for q in ctx.captured_queries)


def search(**params):
    return selectors.search(selectors.parse_query(params))


def test_a_second_search_reads_no_facet_rows_or_labels(cat):
    with CaptureQueriesContext(connection) as first:
        search(area="green")
    assert facet_reads(first) >= 1 and label_reads(first) >= 1
    with CaptureQueriesContext(connection) as second:
        result = search(area="green", lang="en")
    assert facet_reads(second) == 0 and label_reads(second) == 0
    assert [v.title for v in result.versions] == ["Green Campus Hackathon", "Sustainability reporting for SMEs"]


def test_a_new_generation_reads_facets_again(cat):
    search()
    # Rows changed behind the index's back (as a migration rebuilding the index would) are seen once the
    # generation moves on, not before.
    hackathon = selectors.listed_versions().get(title="Green Campus Hackathon")
    row = CatalogueFacet.objects.filter(version=hackathon, facet="lang").order_by("pk").first()
    CatalogueFacet.objects.filter(pk=row.pk).update(value="fr")
    assert selectors.facet_counts(selectors.parse_query({}))["lang"].get("fr") is None
    cache.bump()
    assert selectors.facet_counts(selectors.parse_query({}))["lang"]["fr"] == 1
    assert [v.title for v in search(lang="fr").versions] == ["Green Campus Hackathon"]


def test_emptying_the_cache_starts_a_generation_never_seen_before():
    from django.core.cache import cache as django_cache

    seen = {cache.generation()}
    for _ in range(5):
        django_cache.clear()
        seen.add(cache.generation())
        cache.bump()
        seen.add(cache.generation())
    assert len(seen) == 11


def test_renamed_university_and_area_show_at_once(cat):
    from microcred.reference.models import ContentArea, Institution

    search()
    uu = Institution.objects.get(slug="uu")
    uu.name = "Universiteit Utrecht"
    uu.save()
    green = ContentArea.objects.get(slug="green")
    green.name = "Green transition"
    green.save()
    facets = search().facets
    assert "Universiteit Utrecht" in [o["label"] for o in facets["university"]]
    assert "Green transition" in [o["label"] for o in facets["area"]]


def test_a_new_area_is_a_valid_filter_at_once(cat):
    from microcred.reference.models import ContentArea

    search()
    with pytest.raises(selectors.QueryError):
        selectors.parse_query({"area": "health"})
    ContentArea.objects.create(slug="health", name="Health", order=9)
    assert selectors.parse_query({"area": "health"}).filters == {"area": ["health"]}
    assert search(area="health").total == 0


def test_a_search_during_a_new_generation_answers_from_its_own_reading(cat, monkeypatch):
    read = facet_memory._read

    def read_then_bump(ids):
        values = read(ids)
        cache.bump()  # the catalogue changes while this search reads
        return values

    monkeypatch.setattr(facet_memory, "_read", read_then_bump)
    result = search(area="green", lang="en")
    assert result.total == 2
    assert {o["value"]: o["count"] for o in result.facets["lang"]} == {"en": 2, "es": 1}


def test_memory_is_bounded(cat, monkeypatch):
    monkeypatch.setattr(facet_memory, "MAX_VERSIONS", 1)
    assert search().total == 4
    assert search(kind="formal").total == 2  # over the bound: emptied and read again, still right
