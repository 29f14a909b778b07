"""Read-only figures about the catalogue for reporting (catalogue.aggregates), on the shared small catalogue:
A (UB, co-led by UU, green), B (UU, tech), C (UB participation badge, green and tech), D (ELTE, culture), and a
retired one (UB, green) that is not counted as published."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.catalogue import aggregates
from microcred.catalogue.models import MicroCredentialVersion

pytestmark = pytest.mark.django_db


def _reads_only(function, *args):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args)
    assert queries.captured_queries and all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    return result


def test_published_by_university_counts_awarding_and_co_leading(cat, institution, other_institution):
    rows = _reads_only(aggregates.published_by_university)
    assert [(r["slug"], r["awarding"], r["co_leading"], r["total"]) for r in rows] == [
        ("elte", 1, 0, 1),
        ("ub", 2, 0, 2),  # A and C; the retired one is not published
        ("uu", 1, 1, 2),  # B, and A as co-lead
    ]
    assert rows[1]["institution"] == institution.pk and rows[1]["name"] == "University of Barcelona"
    assert _reads_only(aggregates.published_count) == 4


def test_published_by_content_area_in_the_areas_order(cat):
    rows = _reads_only(aggregates.published_by_content_area)
    assert [(r["slug"], r["count"]) for r in rows] == [("green", 2), ("tech", 2), ("culture", 1)]
    assert rows[0]["content_area"] == cat["areas"]["green"].pk


def test_published_by_kind_and_type(cat):
    assert _reads_only(aggregates.published_by_type) == [
        {"kind": "formal", "credential_type": "micro_credential", "count": 2},
        {"kind": "non_formal", "credential_type": "micro_credential", "count": 1},
        {"kind": "non_formal", "credential_type": "participation_badge", "count": 1},
    ]


def test_new_micro_credentials_by_period_of_their_first_approval(cat):
    march_2024 = timezone.make_aware(dt.datetime(2024, 3, 1, 10, 0))
    MicroCredentialVersion.objects.filter(pk=cat["b"].pk).update(approved_at=march_2024)
    this_year = str(timezone.localdate().year)
    assert _reads_only(aggregates.first_published_by_period, "year") == {"2024": 1, this_year: 4}  # retired too
    assert _reads_only(aggregates.first_published_by_period, "quarter")["2024-Q1"] == 1
    with pytest.raises(ValueError, match="Unknown period"):
        aggregates.first_published_by_period("week")


def test_nothing_published_nothing_counted(db):
    assert aggregates.published_by_university() == []
    assert aggregates.published_by_content_area() == []
    assert aggregates.published_count() == 0
