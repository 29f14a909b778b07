"""The public impact page and /api/v1/kpis: anyone may read them, small counts of people are suppressed (never the
exact number, in the page, its JSON-LD or the API); the staff endpoints: who may read them and for which
university."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from microcred.roles import Role

pytestmark = pytest.mark.django_db

IMPACT = "/reporting/impact/"


def _json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "the page embeds its schema.org data"
    return json.loads(found.group(1))


def test_url_names():
    assert reverse("reporting:impact") == IMPACT
    assert reverse("api-v1:kpis") == "/api/v1/kpis"


def test_the_impact_page_for_anyone_with_small_numbers_suppressed(client, world):
    response = client.get(IMPACT)
    assert response.status_code == 200
    html = response.content.decode()
    # 11 ECTS, 3 micro-credentials, 2 universities: not people, shown as they are.
    assert "11 ECTS" in html and "3 micro-credentials are approved" in html
    # 2 learners certified and 2 lifelong learners: people, fewer than 5, so the number is never shown.
    assert "So far, fewer than 5 learners hold at least one valid credential." in html
    assert "Fewer than 5 lifelong learners" in html
    data = _json_ld(html)
    assert data["@type"] == "Dataset"
    measured = {v["propertyID"]: v for v in data["variableMeasured"]}
    assert measured["learners_certified"]["value"] == "fewer than 5"
    assert measured["lifelong_learners"]["value"] == "fewer than 5"
    assert measured["ects_prepared"]["value"] == 11 and measured["micro_credentials_approved"]["value"] == 3
    assert measured["universities_involved"]["value"] == 2
    for code in ("learners_certified", "lifelong_learners"):
        assert "2" not in json.dumps(measured[code]["value"])
    # The table: a caption, column and row headers.
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def test_the_exact_small_count_is_nowhere_on_the_page(client, world):
    html = client.get(IMPACT).content.decode()
    for section in re.findall(r'<section class="impact-figure".*?</section>', html, re.S):
        if "figure-learners_certified" in section or "figure-lifelong_learners" in section:
            assert not re.search(r">\s*2\b|\b2 learners|\b2 lifelong", section), section


def test_at_five_people_the_number_is_shown(client, world, make_user):
    for n in range(3):
        make_user(Role.LEARNER, email=f"more{n}@example.org", learner_group="lifelong_learner")
    body = client.get("/api/v1/kpis").json()
    lifelong = next(i for i in body["indicators"] if i["code"] == "lifelong_learners")
    assert lifelong["value"] == 5 and lifelong["suppressed"] is False
    assert "5 lifelong learners and professionals have registered" in client.get(IMPACT).content.decode()


def test_the_footer_links_the_impact_page(client, db):
    assert IMPACT in client.get(reverse("privacy:notice")).content.decode()


def test_kpis_api_shape_for_anyone(client, world):
    response = client.get("/api/v1/kpis")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"indicators", "as_of"}  # the shape the issue names, and how fresh the figures are
    by_code = {i["code"]: i for i in body["indicators"]}
    assert {"ects_prepared", "micro_credentials_approved", "learners_certified", "lifelong_learners"} <= set(by_code)
    for item in body["indicators"]:
        assert set(item) == {"code", "label", "value", "target", "target_date", "unit", "status", "suppressed"}
    assert by_code["ects_prepared"]["value"] == 11 and by_code["ects_prepared"]["suppressed"] is False
    assert by_code["learners_certified"] == {**by_code["learners_certified"], "value": None, "suppressed": True}


def test_kpis_api_carries_the_targets(client, world):
    from microcred.reference.models import StrategicTarget

    StrategicTarget.objects.create(
        key="t", label="T", min_value=120, max_value=160, unit="ECTS", indicator="ects_prepared",
        period_start="2025-01-01", deadline="2026-12-31",
    )  # fmt: skip
    item = next(i for i in client.get("/api/v1/kpis").json()["indicators"] if i["code"] == "ects_prepared")
    assert (item["target"], item["target_date"]) == (120, "2026-12-31")
    assert item["status"] in {"on_track", "behind"}


BREAKDOWNS = "/api/v1/kpis/breakdowns"
SERIES = "/api/v1/kpis/series"


def test_staff_endpoints_refuse_anonymous_and_others(client, world, make_user):
    assert client.get(BREAKDOWNS, {"code": "ects_prepared", "by": "university"}).status_code == 401
    for role in (Role.LEARNER, Role.COMMUNICATION_OFFICE, Role.CREDENTIAL_OFFICER):
        client.force_login(make_user(role))
        response = client.get(SERIES, {"code": "ects_prepared", "period": "month"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    "role", [Role.QUALITY_OFFICE, Role.EXECUTIVE_BOARD_MEMBER, Role.COUNCIL_MEMBER, Role.BOARD_SECRETARY]
)
def test_alliance_readers_see_every_university(client, world, make_user, role):
    client.force_login(make_user(role))
    response = client.get(BREAKDOWNS, {"code": "ects_prepared", "by": "university"})
    assert response.status_code == 200
    body = response.json()
    assert {r["key"]: r["value"] for r in body["rows"]} == {"uu": 11, "ub": 5}
    assert body["indicator"]["value"] == 11 and "university" in body["available"]
    assert client.get(BREAKDOWNS, {"code": "ects_prepared", "by": "kind", "university": "uu"}).status_code == 200


def test_a_manager_reads_the_alliance_and_their_own_university_only(client, world, make_user, institution):
    client.force_login(make_user((Role.INSTITUTIONAL_MANAGER, institution)))
    assert client.get(SERIES, {"code": "ects_prepared", "period": "month"}).status_code == 200
    own = client.get(SERIES, {"code": "ects_prepared", "period": "academic_year", "university": "ub"})
    assert own.status_code == 200
    assert [(r["key"], r["value"]) for r in own.json()["rows"]] == [("2024-25", 5), ("2025-26", 0)]
    other = client.get(SERIES, {"code": "ects_prepared", "period": "month", "university": "uu"})
    assert other.status_code == 403


def test_staff_endpoints_refuse_bad_parameters(client, world, make_user):
    client.force_login(make_user(Role.QUALITY_OFFICE))
    response = client.get(BREAKDOWNS, {"code": "nope", "by": "colour", "start": "2026-13-01", "university": "x"})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"code", "by", "start", "university"}
    response = client.get(
        SERIES, {"code": "ects_prepared", "period": "month", "start": "2026-02-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400 and "end" in response.json()["error"]["details"]["fields"]


def test_series_rows_carry_the_running_total(client, world, make_user):
    client.force_login(make_user(Role.QUALITY_OFFICE))
    rows = client.get(SERIES, {"code": "ects_prepared", "period": "month"}).json()["rows"]
    assert [(r["key"], r["value"], r["cumulative"]) for r in rows] == [
        ("2025-03", 5, 5),
        ("2025-10", 6, 11),
        ("2026-02", 0, 11),
    ]


def test_the_impact_page_says_the_target_and_the_status(client, world):
    from microcred.reference.models import StrategicTarget

    StrategicTarget.objects.create(
        key="t", label="T", min_value=120, max_value=160, unit="ECTS", indicator="ects_prepared",
        period_start="2025-01-01", deadline="2026-12-31",
    )  # fmt: skip
    html = client.get(IMPACT).content.decode()
    assert "worth 11 ECTS credits; the target is 120 ECTS by December 2026." in html
    assert "This is behind the path to the target." in html  # 11 of 120, most of the period gone
    assert "120–160 ECTS" in html
    ects = next(v for v in _json_ld(html)["variableMeasured"] if v["propertyID"] == "ects_prepared")
    assert ects["valueReference"]["minValue"] == 120 and ects["valueReference"]["validThrough"] == "2026-12-31"
