"""Each shipped target names the indicator measured against it (reporting reads the link, never a mapping in code),
and the migration that added the link fills it in for targets seeded before it."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from microcred.reference import models as m
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import make_data_dir

pytestmark = pytest.mark.django_db


def test_the_shipped_targets_name_their_indicators(tmp_path):
    load_reference_data(make_data_dir(tmp_path), only=["targets"])
    links = dict(m.StrategicTarget.objects.values_list("key", "indicator"))
    assert links == {
        "mc-ects-policy-2026": "",
        "mc-ects-strategy-2025-2026": "ects_prepared",
        "lifelong-learners-2030": "lifelong_learners",
    }
    lifelong = m.StrategicTarget.objects.get(key="lifelong-learners-2030")
    assert (lifelong.period_start, lifelong.deadline, lifelong.min_value) == (
        dt.date(2024, 1, 1),
        dt.date(2030, 12, 31),
        2000,
    )


def test_the_migration_fills_only_blanks():
    migration = importlib.import_module("microcred.reference.migrations.0004_strategic_target_indicator")
    m.StrategicTarget.objects.create(key="lifelong-learners-2030", label="L", min_value=2000, unit="learners")
    m.StrategicTarget.objects.create(
        key="mc-ects-strategy-2025-2026", label="E", min_value=120, unit="ECTS", indicator="edited_by_admin"
    )
    migration.link_shipped_targets(apps, None)
    lifelong = m.StrategicTarget.objects.get(key="lifelong-learners-2030")
    assert (lifelong.indicator, lifelong.period_start) == ("lifelong_learners", dt.date(2024, 1, 1))
    assert m.StrategicTarget.objects.get(key="mc-ects-strategy-2025-2026").indicator == "edited_by_admin"
