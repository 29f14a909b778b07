"""Reporting periods (core.periods): months, quarters and years, named alike and cut in the platform's time
zone, in the database and in Python."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from microcred.core.periods import count_values_by_period, counts_by_period, period_name

NEW_YEARS_NIGHT = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 January 2026 in Brussels


def test_period_names():
    day = dt.date(2026, 8, 4)
    assert [period_name(day, p) for p in ("month", "quarter", "year")] == ["2026-08", "2026-Q3", "2026"]
    with pytest.raises(ValueError, match="Unknown period"):
        period_name(day, "week")


def test_times_fall_in_the_period_of_the_platforms_time_zone(settings):
    assert settings.TIME_ZONE == "Europe/Brussels"
    values = [NEW_YEARS_NIGHT, dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC), None, dt.date(2025, 7, 1)]
    assert count_values_by_period(values, "year") == {"2025": 1, "2026": 2}
    assert count_values_by_period(values, "quarter") == {"2025-Q3": 1, "2026-Q1": 2}
    with pytest.raises(ValueError, match="Unknown period"):
        count_values_by_period([], "week")


@pytest.mark.django_db
def test_the_database_cuts_periods_the_same_way(make_user):
    User = get_user_model()
    for joined in (NEW_YEARS_NIGHT, dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC)):
        User.objects.filter(pk=make_user().pk).update(date_joined=joined)
    assert counts_by_period(User.objects.all(), "date_joined", "month") == {"2025-12": 1, "2026-01": 1}
    with pytest.raises(ValueError, match="Unknown period"):
        counts_by_period(User.objects.all(), "date_joined", "week")
