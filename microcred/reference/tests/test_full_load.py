"""Loads the REAL shipped data and checks the published counts (its speed is measured in bench/bench_reference.py,
not asserted here: a busy machine must not fail the suite)."""

import pytest
from django.core.management import call_command

from microcred.reference import models as m
from microcred.reference import selectors
from microcred.reference.loader import load_reference_data


@pytest.mark.slow
@pytest.mark.django_db
def test_full_reference_data_load():
    report = load_reference_data()
    assert m.EscoSkill.objects.count() == 13_896
    assert m.EscoOccupation.objects.count() == 3_007
    assert m.EscoSkillGroup.objects.count() == 640
    relations = report["ESCO occupation-skill relations"]
    # 123,855 rows; 67 of them name one occupation that is not in occupations_en.csv (an ESCO v1.1.1 quirk)
    assert relations.created + relations.notes.get("skipped (unknown concept)", 0) == 123_855
    assert m.OccupationSkill.objects.count() == 123_788
    assert m.IscedField.objects.count() == 220
    assert m.EqfLevel.objects.count() == 8
    assert m.Institution.objects.filter(is_alliance=False).count() == 9
    assert m.EscoSkill.objects.filter(in_green=True).count() == 570
    assert m.EscoSkill.objects.filter(in_digital=True).count() == 1_201
    assert m.EscoSkill.objects.filter(in_transversal=True).count() == 96
    assert m.EscoSkillLabel.objects.filter(language="fr", kind="preferred").count() == 13_379
    assert m.EscoSkillLabel.objects.filter(language="es", kind="preferred").count() == 13_379
    assert any(r.label == "project management" for r in selectors.search_skills("project manag"))
    call_command("load_reference_data")  # and a second run changes nothing
    assert not load_reference_data().changed
