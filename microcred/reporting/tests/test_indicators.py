"""Each indicator against the figures counted by hand in ``conftest.world``; targets and statuses against a fixed
"today"; breakdowns and time series; the filters; bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from microcred.catalogue.selectors import listed_versions
from microcred.reporting import indicators
from microcred.reporting.indicators import Filters, Status, trajectory_status

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)

EXPECTED = {
    "ects_prepared": Decimal("11.0"),
    "micro_credentials_approved": 3,
    "universities_involved": 2,
    "green_digital_ects_share": Decimal("45.5"),
    "esco_skills_covered": 2,
    "esco_occupations_covered": 1,
    "proposals_in_review": 1,
    "proposals_rejected": 1,
    "days_to_decision": Decimal("15.0"),
    "offerings_run": 1,
    "learners_registered": 4,
    "lifelong_learners": 2,
    "learners_enrolled": 2,
    "learners_completed": 1,
    "learners_certified": 2,
    "completion_rate": Decimal("50.0"),
    "waitlist_rate": Decimal("25.0"),
    "credentials_issued": 5,
    "credentials_revoked": 1,
    "survey_response_rate": Decimal("0.0"),  # no survey in this world: test_survey_indicators.py has them
    "learner_satisfaction": Decimal("0.00"),
}


def values(filters=None, today=None):
    return {i.code: i.value for i in indicators.headline_indicators(filters or Filters(), today=today)}


def test_every_indicator_has_its_hand_counted_value(world):
    assert values() == EXPECTED
    assert [d.code for d in indicators.DEFINITIONS] == list(EXPECTED)


def test_ects_prepared_is_the_sum_over_what_the_catalogue_lists(world):
    listed = listed_versions().aggregate(total=Sum("ects"))["total"]
    assert indicators.indicator("ects_prepared").value == listed == Decimal("11.0")
    # The retired micro-credential's 4 ECTS are not prepared.
    assert world["versions"]["d"].ects == Decimal("4")


def test_revoked_credentials_do_not_certify_and_each_learner_counts_once(world):
    from microcred.credentials.models import IssuedCredential

    l2 = world["learners"]["l2"]
    assert IssuedCredential.objects.filter(learner=l2, revoked_at__isnull=False).count() == 1
    assert indicators.indicator("learners_certified").value == 2  # l1 (two credentials) and the erased account
    rows = {r.key: r.value for r in indicators.breakdown("learners_certified", "learner_group")}
    assert rows == {"lifelong_learner": 1, "none": 1}  # l2's revoked credential counts nowhere


def test_every_value_is_a_bounded_number_of_queries(world):
    with CaptureQueriesContext(connection) as queries:
        indicators.headline_indicators(Filters(), today=TODAY)
    assert len(queries) <= len(indicators.DEFINITIONS) + 3  # one each (two for certified), plus the targets


def test_the_university_filter(world, institution, other_institution):
    ub = values(Filters(university_id=institution.pk))
    assert ub["ects_prepared"] == Decimal("5")  # A (awarding); B is UU's only; C has no ECTS
    assert ub["micro_credentials_approved"] == 2  # A and C
    assert ub["offerings_run"] == 1 and ub["learners_enrolled"] == 2  # X is delivered by UB
    assert ub["learners_certified"] == 2  # A's credentials: l1 and the erased account
    assert ub["proposals_in_review"] == 1
    assert ub["learners_registered"] == 4  # not applied: a learner belongs to no university
    uu = values(Filters(university_id=other_institution.pk))
    assert uu["ects_prepared"] == Decimal("11")  # B awarding, A co-leading
    assert uu["offerings_run"] == 0 and uu["learners_enrolled"] == 1  # Y has not started; l1 has a place on it
    assert uu["proposals_in_review"] == 0


def test_the_kind_area_and_period_filters(world, areas):
    assert values(Filters(kind="participation_badge"))["micro_credentials_approved"] == 1
    assert values(Filters(kind="formal"))["ects_prepared"] == Decimal("11")
    health = values(Filters(content_area_id=areas["health"].pk))
    assert health["micro_credentials_approved"] == 2 and health["green_digital_ects_share"] == Decimal("0.0")
    in_2025 = values(Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))
    assert in_2025["ects_prepared"] == Decimal("11") and in_2025["micro_credentials_approved"] == 2  # not C
    assert values(Filters(start=dt.date(2025, 6, 1)))["ects_prepared"] == Decimal("6")  # B only


def test_trajectory_status_with_a_fixed_today():
    start, deadline = dt.date(2025, 1, 1), dt.date(2026, 12, 31)  # 729 days
    halfway = start + dt.timedelta(days=364)
    assert trajectory_status(60, 120, start, deadline, halfway) == (Status.ON_TRACK, Decimal("59.9"))
    assert trajectory_status(59, 120, start, deadline, halfway) == (Status.BEHIND, Decimal("59.9"))
    assert trajectory_status(120, 120, start, deadline, halfway)[0] == Status.REACHED
    assert trajectory_status(0, 120, start, deadline, dt.date(2024, 6, 1)) == (Status.ON_TRACK, Decimal("0.0"))
    assert trajectory_status(119, 120, start, deadline, dt.date(2027, 1, 1)) == (Status.BEHIND, Decimal("120.0"))
    # Without a period start no line is drawn: only reached, or behind after the deadline.
    assert trajectory_status(5, 120, None, deadline, halfway) == (None, None)
    assert trajectory_status(5, 120, None, deadline, dt.date(2027, 1, 1))[0] == Status.BEHIND
    assert trajectory_status(130, 120, None, deadline, halfway)[0] == Status.REACHED


@pytest.fixture
def targets(db):
    from microcred.reference.models import StrategicTarget

    common = {"unit": "ECTS", "deadline": dt.date(2026, 12, 31), "indicator": "ects_prepared"}
    StrategicTarget.objects.create(key="policy", label="Policy", min_value=120, max_value=140, **common)
    StrategicTarget.objects.create(
        key="strategy", label="Strategy", min_value=20, max_value=30, period_start=dt.date(2025, 1, 1), **common
    )
    StrategicTarget.objects.create(
        key="lll",
        label="Lifelong",
        min_value=2,
        max_value=3,
        unit="learners",
        period_start=dt.date(2024, 1, 1),
        deadline=dt.date(2030, 12, 31),
        indicator="lifelong_learners",
    )


def test_indicators_carry_their_target_and_status(world, targets):
    by_code = {i.code: i for i in indicators.headline_indicators(Filters(), today=TODAY)}
    ects = by_code["ects_prepared"]
    # The target whose line can be drawn is used: 20 by 2026-12-31 from 2025-01-01; on 2026-06-30 (545 of 729
    # days) the line is at 15.0, and 11 is below it.
    assert (ects.target, ects.target_max, ects.target_date, ects.target_key) == (
        20,
        30,
        dt.date(2026, 12, 31),
        "strategy",
    )
    assert ects.expected_now == Decimal("15.0") and ects.status == Status.BEHIND
    assert indicators.indicator("ects_prepared", today=dt.date(2025, 12, 31)).status == Status.ON_TRACK  # 10.0
    assert by_code["lifelong_learners"].status == Status.REACHED
    assert by_code["learners_certified"].target is None and by_code["learners_certified"].status is None
    # A target is the alliance's: a figure narrowed to a university shows none.
    narrowed = indicators.indicator(
        "ects_prepared", Filters(university_id=world["versions"]["a"].awarding_institution_id)
    )
    assert narrowed.target is None and narrowed.status is None
    # An end date alone is "as of": the status is judged on that day.
    as_of = indicators.indicator("ects_prepared", Filters(end=dt.date(2025, 6, 30)), today=TODAY)
    assert as_of.value == Decimal("5") and as_of.target == 20 and as_of.expected_now == Decimal("4.9")
    assert as_of.status == Status.ON_TRACK


def test_breakdowns(world, institution, other_institution):
    ects = {r.key: r.value for r in indicators.breakdown("ects_prepared", "university")}
    assert ects == {"uu": Decimal("11"), "ub": Decimal("5")}  # a micro-credential counts for each of its universities
    kinds = {r.key: r.value for r in indicators.breakdown("micro_credentials_approved", "kind")}
    assert kinds == {"formal": 2, "participation_badge": 1}
    assert {r.key: r.value for r in indicators.breakdown("ects_prepared", "eqf_level")} == {"7": 6, "6": 5, "none": 0}
    areas = {r.key: r.value for r in indicators.breakdown("micro_credentials_approved", "content_area")}
    assert areas == {"health": 2, "climate": 1}
    assert {r.key: r.value for r in indicators.breakdown("learners_registered", "learner_group")} == {
        "lifelong_learner": 2,
        "member_student": 1,
        "none": 1,
    }
    issuers = {r.key: r.value for r in indicators.breakdown("credentials_issued", "issuer")}
    assert issuers == {"ub": 3, "uu": 2}
    assert {r.key: r.value for r in indicators.breakdown("learners_enrolled", "university")} == {"ub": 2, "uu": 1}
    assert indicators.breakdown("lifelong_learners", "issuer") == []  # does not apply
    with pytest.raises(ValueError):
        indicators.breakdown("ects_prepared", "colour")
    with pytest.raises(ValueError):
        indicators.breakdown("no_such_indicator", "kind")


def test_time_series(world):
    months = indicators.time_series("ects_prepared", "month")
    assert [(r.key, r.value, r.extra["cumulative"]) for r in months] == [
        ("2025-03", Decimal("5"), Decimal("5")),
        ("2025-10", Decimal("6"), Decimal("11")),
        ("2026-02", Decimal("0"), Decimal("11")),
    ]
    years = indicators.time_series("micro_credentials_approved", "academic_year")
    assert [(r.key, r.label, r.value) for r in years] == [("2024-25", "2024/25", 1), ("2025-26", "2025/26", 2)]
    assert indicators.time_series("universities_involved", "month") == []  # no date
    with pytest.raises(ValueError):
        indicators.time_series("ects_prepared", "week")


def test_docs_repeat_each_definition_word_for_word():
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation

    text = " ".join((Path(settings.BASE_DIR) / "docs" / "indicators.md").read_text(encoding="utf-8").split())
    with translation.override("en"):
        for definition in indicators.DEFINITIONS:
            assert f"(`{definition.code}`, {definition.unit})" in text, definition.code
            assert " ".join(str(definition.definition).split()) in text, definition.code


def test_the_indicator_and_the_credentials_app_count_certified_learners_alike(world):
    from microcred.credentials import aggregates as credential_figures

    assert credential_figures.certified_learner_count() == indicators.indicator("learners_certified").value == 2
