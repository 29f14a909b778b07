"""Read-only figures about enrolment and completion for reporting (learning.aggregates)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.learning import aggregates
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering, record_result

pytestmark = pytest.mark.django_db


def _reads_only(function, *args):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args)
    assert queries.captured_queries and all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    return result


def _at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


@pytest.fixture
def figures(make_user, institution, other_institution):
    """UB runs a formal micro-credential (4 learners) and UU a participation badge (2 learners)."""
    staff = make_user()
    formal = make_offering(
        micro_credential=make_micro_credential(institution=institution, proposer=staff, title="Circular design"),
        creator=staff,
        institution=institution,
    )
    badge = make_offering(
        micro_credential=make_micro_credential(
            institution=other_institution,
            proposer=staff,
            title="Hackathon",
            kind="non_formal",
            credential_type="participation_badge",
        ),
        creator=staff,
        institution=other_institution,
    )

    def enrol(offering, status, enrolled_at=None, **dates):
        return Enrolment.objects.create(
            offering=offering, learner=make_user(), status=status, enrolled_at=enrolled_at, **dates
        )

    passed = enrol(formal, "enrolled", _at(2026, 1, 10))
    failed = enrol(formal, "enrolled", _at(2026, 1, 20))
    enrol(formal, "cancelled", _at(2026, 2, 3), cancelled_at=_at(2026, 2, 5))  # had a place, then cancelled
    enrol(formal, "waitlisted", None, waitlisted_at=_at(2026, 2, 6))  # never had a place
    record_result(formal, passed, recorded_by=staff, outcome="pass", assessed_on=dt.date(2026, 3, 30))
    record_result(formal, failed, recorded_by=staff, outcome="fail", assessed_on=dt.date(2026, 3, 30))
    attended = enrol(badge, "enrolled", _at(2026, 4, 1))
    absent = enrol(badge, "enrolled", _at(2026, 4, 2))
    record_result(badge, attended, recorded_by=staff, outcome="", assessed_on=dt.date(2026, 4, 15))  # took part
    record_result(badge, absent, recorded_by=staff, participated=False, outcome="", assessed_on=dt.date(2026, 4, 15))
    return {"formal": formal, "badge": badge}


def test_figures_by_offering(figures, institution):
    rows = _reads_only(aggregates.figures_by_offering)
    assert [
        (r["offering"], r["enrolled"], r["active"], r["waitlisted"], r["cancelled"], r["completed"]) for r in rows
    ] == [
        (figures["formal"].pk, 3, 2, 1, 1, 1),
        (figures["badge"].pk, 2, 2, 0, 0, 1),  # taking part completes a participation badge
    ]
    assert rows[0]["title"] == "Circular design" and rows[0]["institution"] == institution.pk


def test_figures_by_university(figures):
    rows = _reads_only(aggregates.figures_by_university)
    assert [(r["slug"], r["enrolled"], r["completed"]) for r in rows] == [("ub", 3, 1), ("uu", 2, 1)]


def test_figures_by_period(figures):
    assert _reads_only(aggregates.figures_by_period, "month") == [
        {"period": "2026-01", "enrolled": 2, "completed": 0},
        {"period": "2026-02", "enrolled": 1, "completed": 0},
        {"period": "2026-03", "enrolled": 0, "completed": 1},
        {"period": "2026-04", "enrolled": 2, "completed": 1},
    ]
    assert aggregates.figures_by_period("quarter") == [
        {"period": "2026-Q1", "enrolled": 3, "completed": 1},
        {"period": "2026-Q2", "enrolled": 2, "completed": 1},
    ]
    assert aggregates.figures_by_period("year") == [{"period": "2026", "enrolled": 5, "completed": 2}]
    with pytest.raises(ValueError, match="Unknown period"):
        aggregates.figures_by_period("week")


def test_no_enrolments_no_rows(db):
    assert aggregates.figures_by_offering() == []
    assert aggregates.figures_by_university() == []
    assert aggregates.figures_by_period() == []
