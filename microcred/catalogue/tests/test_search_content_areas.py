"""Search matches content areas (issue #16, defect 2): "sustainab" finds what is filed under "Sustainability and
climate change" though its title and description never say it, on SQLite and PostgreSQL alike."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection

from microcred.catalogue import indexing, selectors
from microcred.catalogue.models import MicroCredentialVersion

pytestmark = pytest.mark.django_db


def titles(params):
    return [v.title for v in selectors.search(selectors.parse_query(params)).versions]


def test_a_content_area_name_is_searched(cat):
    # The hackathon is filed under "Sustainability and climate change" and "Technology and STEM"; neither word is in
    # its title, description or outcomes.
    assert "sustainab" not in indexing.normalise(cat["c"].title + " " + cat["c"].annex.description)
    assert "Green Campus Hackathon" in titles({"search": "sustainab"})
    assert titles({"search": "stem hackathon"}) == ["Green Campus Hackathon"]


def test_with_the_filters_of_the_defect(cat):
    # The defect's query: "sustainab", EQF 7, online or blended, English: the version filed under sustainability
    # whose text does not say so is found.
    from microcred.catalogue import services

    lca = services.publish_imported_micro_credential(
        actor=cat["admin"],
        approval_note="Approved by the Academic Council.",
        title="Life-cycle thinking for circular products",
        awarding_institution=cat["a"].awarding_institution,
        kind="formal",
        ects=5,
        hours=135,
        eqf_level=7,
        assessment_types=["report"],
        forms_of_participation=["blended"],
        languages=["en"],
        content_areas=[cat["areas"]["green"]],
        description="Assess products over their whole life and redesign them for reuse.",
        learning_outcomes=[("Carry out a life-cycle assessment of a product.", [cat["skills"]["circular economy"]])],
        quality_assurance="Accredited by the Faculty of Engineering.",
    )
    found = titles({"search": "sustainab", "eqf": "7", "form": ["online", "blended"], "lang": "en"})
    assert set(found) == {lca.title, "Sustainability reporting for SMEs"}


def test_a_translated_area_name_is_searched(cat, monkeypatch):
    # The names of content areas are reference data; when the interface's translations give one a name in another
    # language, that name is found too.
    real = indexing.translation.gettext

    def gettext(message):
        if message == "Sustainability and climate change" and indexing.translation.get_language() == "fr":
            return "Zéphyrologie et changement climatique"
        return real(message)

    monkeypatch.setattr(indexing.translation, "gettext", gettext)
    indexing.reindex_version(MicroCredentialVersion.objects.get(pk=cat["c"].pk))
    assert titles({"search": "zephyrologie"}) == ["Green Campus Hackathon"]


def test_a_renamed_area_is_found_by_its_new_name(cat, django_capture_on_commit_callbacks):
    tech = cat["areas"]["tech"]
    with django_capture_on_commit_callbacks(execute=True):
        tech.name = "Engineering and computing"
        tech.save()
    assert titles({"search": "computing"}) == ["Data ethics for researchers", "Green Campus Hackathon"]


def test_the_migration_reindexes_existing_versions(cat):
    # Versions indexed before content areas were searched (as the index was) are found after the migration.
    lost = {"search_text": " "}
    if connection.vendor == "postgresql":
        lost["search_document"] = None
    MicroCredentialVersion.objects.update(**lost)
    assert "Green Campus Hackathon" not in titles({"search": "sustainab"})
    migration = importlib.import_module("microcred.catalogue.migrations.0006_index_content_areas")
    migration.forwards(global_apps, None)
    assert "Green Campus Hackathon" in titles({"search": "sustainab"})


def test_the_shipped_translation_of_an_area_name_is_searched(cat):
    # The French catalogue names "Sustainability and climate change" "…durabilité…": a French word finds what is filed
    # under it, though neither its title nor its description says so.
    assert "Green Campus Hackathon" in titles({"search": "durabilite"})
