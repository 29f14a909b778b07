"""The ESCO prefix look-up ranks by relevance (issue #13): preferred label from its start, then a word of it, then
other labels; within each, shorter labels first (an exact match leads), not alphabetically."""

import pytest

from microcred.reference.loader import load_reference_data
from microcred.reference.selectors import search_skills
from microcred.reference.tests.esco_fixture import make_data_dir

pytestmark = pytest.mark.django_db

SKILLS = [
    ("s-1", "skill/competence", "environmental aspects of inland waterway transportation", ""),
    ("s-2", "skill/competence", "environmental policy", ""),
    ("s-3", "knowledge", "environment", ""),
    ("s-4", "skill/competence", "assess environmental impact", ""),
    ("s-5", "skill/competence", "manage projects", "environmental project management"),
    ("s-pm", "skill/competence", "lead a team", ""),
    ("s-team", "skill/competence", "work in teams", ""),
    ("s-recycle", "skill/competence", "recycle waste", ""),
]


def test_exact_then_shorter_preferred_labels_then_words_then_other_labels(tmp_path):
    load_reference_data(make_data_dir(tmp_path, skills=SKILLS))
    found = [r.label for r in search_skills("environment", limit=10)]
    assert found == [
        "environment",
        "environmental policy",
        "environmental aspects of inland waterway transportation",
        "assess environmental impact",
        "manage projects",  # through its alternative label
    ]
