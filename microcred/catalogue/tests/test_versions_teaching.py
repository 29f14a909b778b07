"""catalogue.selectors.versions_teaching: published versions teaching given ESCO skills, ranked by how many."""

import pytest

from microcred.catalogue import selectors, services

pytestmark = pytest.mark.django_db


def _uri(cat, label):
    return cat["skills"][label].uri


def test_ranked_by_how_many_of_the_skills_each_teaches(cat, institution):
    both = services.publish_imported_micro_credential(
        actor=cat["admin"],
        approval_note="Approved by the Academic Council on 1 March 2024.",
        title="Circular carbon accounting",
        awarding_institution=institution,
        kind="non_formal",
        learning_outcomes=[
            ("Account for the carbon of a product.", [cat["skills"]["carbon accounting"]]),
            ("Redesign it for a circular economy.", [cat["skills"]["circular economy"]]),
        ],
        quality_assurance="Approved by the Academic Council.",
    )
    wanted = [_uri(cat, "circular economy"), _uri(cat, "carbon accounting"), _uri(cat, "teamwork principles")]
    found = selectors.versions_teaching(wanted)
    # "a" teaches carbon accounting and circular economy too; "c" only teamwork; the retired one is left out.
    assert [(v.title, v.matching_skills) for v in found] == [
        ("Circular carbon accounting", 2),
        ("Sustainability reporting for SMEs", 2),
        ("Green Campus Hackathon", 1),
    ]
    assert both.pk in {v.pk for v in found} and cat["retired"].pk not in {v.pk for v in found}


def test_no_skills_or_unknown_skills_find_nothing(cat):
    assert selectors.versions_teaching([]) == []
    assert selectors.versions_teaching(["http://data.europa.eu/esco/skill/unknown"]) == []


def test_the_limit_keeps_the_best(cat):
    wanted = [_uri(cat, "circular economy"), _uri(cat, "carbon accounting"), _uri(cat, "data protection")]
    [best] = selectors.versions_teaching(wanted, limit=1)
    assert best == cat["a"] and best.matching_skills == 2
