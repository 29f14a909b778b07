"""The conformance cases of the learner's record and pathway progress (issue #12, items 3-4): /api/v1/me/record and
/api/v1/me/pathways; registered with test_openapi_conformance's `case` when it imports this module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.roles import Role

V1 = "/api/v1"
OPERATION_IDS = {
    ("get", "/api/v1/me/record"): "me_record_retrieve",
    ("get", "/api/v1/me/pathways"): "me_pathways_list",
}


@pytest.fixture
def lp_learner(make_user):
    return make_user(Role.LEARNER, email="katrin.lp@example.org", full_name="Katrin Weber")


@pytest.fixture
def lp_started(issuers, make_version, lp_learner, institution, other_institution):
    """A pathway of two micro-credentials, one of which she earned."""
    from microcred.credentials.services.issuance import issue_credential
    from microcred.pathways.models import Pathway, PathwayComponent, PathwayVersion

    first = make_version(title="Data analysis", ects=Decimal("5.0"))
    second = make_version(title="Energy policy", ects=Decimal("3.0"))
    rule = {"requirements": [{"type": "all_of", "components": [first.micro_credential_id, second.micro_credential_id]}]}
    version = PathwayVersion.objects.create(
        pathway=Pathway.objects.create(slug="sustainable-data"),
        number=1,
        title="Sustainable data",
        description="Two micro-credentials.",
        awarding_institution=institution,
        issued_by_alliance=True,
        rule=rule,
        minimum_ects=Decimal("8.0"),
        approved_at=timezone.now(),
        is_current=True,
    )
    for order, v in enumerate((first, second)):
        PathwayComponent.objects.create(
            pathway_version=version, micro_credential_id=v.micro_credential_id, micro_credential_version=v, order=order
        )
    return issue_credential(
        completion_key="lp-1",
        micro_credential_version=first,
        learner_name=lp_learner.full_name,
        learner_email=lp_learner.email,
        learner=lp_learner,
        awarded_on=dt.date(2026, 7, 1),
    )


def register(case, api):
    @case("get", "/api/v1/me/record", 200)
    def _(lp_learner, lp_started):
        return api(lp_learner).get(f"{V1}/me/record")

    @case("get", "/api/v1/me/record", 401)
    def _():
        return api().get(f"{V1}/me/record")

    @case("get", "/api/v1/me/pathways", 200)
    def _(lp_learner, lp_started):
        return api(lp_learner).get(f"{V1}/me/pathways")

    @case("get", "/api/v1/me/pathways", 401)
    def _():
        return api().get(f"{V1}/me/pathways")
