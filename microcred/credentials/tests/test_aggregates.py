"""Read-only figures about issued credentials for reporting (credentials.aggregates)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.credentials import aggregates
from microcred.credentials.models import IssuedCredential

pytestmark = pytest.mark.django_db


def _reads_only(function, *args):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args)
    assert queries.captured_queries and all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
    return result


def _at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


@pytest.fixture
def issued(issue, make_version):
    """Three credentials of a UB micro-credential (one revoked later) and one alliance participation badge."""
    formal = make_version()
    badge = make_version(kind="non_formal", credential_type="participation_badge", title="Hackathon")
    made = {
        "january": issue(version=formal),
        "february": issue(version=formal),
        "revoked": issue(version=formal),
        "badge": issue(version=badge),
    }
    dates = {"january": (2026, 1, 15), "february": (2026, 2, 1), "revoked": (2026, 2, 20), "badge": (2026, 4, 2)}
    for name, date in dates.items():
        IssuedCredential.objects.filter(pk=made[name].pk).update(issued_at=_at(*date))
    IssuedCredential.objects.filter(pk=made["revoked"].pk).update(
        revoked_at=_at(2026, 5, 3), revocation_reason="Issued in error."
    )
    return made


def test_issued_and_revoked_by_period(issued):
    assert _reads_only(aggregates.issued_and_revoked_by_period, "month") == [
        {"period": "2026-01", "issued": 1, "revoked": 0},
        {"period": "2026-02", "issued": 2, "revoked": 0},
        {"period": "2026-04", "issued": 1, "revoked": 0},
        {"period": "2026-05", "issued": 0, "revoked": 1},
    ]
    assert aggregates.issued_and_revoked_by_period("quarter") == [
        {"period": "2026-Q1", "issued": 3, "revoked": 0},
        {"period": "2026-Q2", "issued": 1, "revoked": 1},
    ]
    assert aggregates.issued_and_revoked_by_period("year") == [{"period": "2026", "issued": 4, "revoked": 1}]
    with pytest.raises(ValueError, match="Unknown period"):
        aggregates.issued_and_revoked_by_period("week")


def test_issued_by_issuer(issued):
    rows = _reads_only(aggregates.issued_by_issuer)
    by_issuer = {r["issuer"]: (r["issued"], r["revoked"], r["valid"]) for r in rows}
    assert by_issuer == {
        issued["january"].issuer_id: (3, 1, 2),
        issued["badge"].issuer_id: (1, 0, 1),
    }
    assert issued["january"].issuer_id != issued["badge"].issuer_id  # the badge is the alliance's
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)


def test_nothing_issued_nothing_counted(issuers):
    assert aggregates.issued_by_issuer() == []  # issuers with no credential are left out
    assert aggregates.issued_and_revoked_by_period() == []
