"""Fixtures of the learner-side tests (progress, award, record): the issuing fixtures of the credentials tests,
a learner, and pathway versions built directly (the approval workflow is tested by the pathways' own tests)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, issue, ...

_slugs = itertools.count(1)


@pytest.fixture
def learner(make_user):
    from microcred.roles import Role

    return make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber", password="katrin-pass-42")


@pytest.fixture
def make_pathway(db, institution, other_institution):
    """make_pathway([v1, v2, ...], rule=None, pinned_only=False) → the current PathwayVersion of a published
    pathway whose components are the micro-credentials of those versions (pinned at them); the default rule is
    all of them."""
    from microcred.pathways.models import Pathway, PathwayComponent, PathwayVersion
    from microcred.pathways.rules import minimum_ects, parse

    def make(versions, *, rule=None, pinned_only=False, title=None, alliance=True, number=1, pathway=None):
        n = next(_slugs)
        mcs = [v.micro_credential_id for v in versions]
        rule = rule or {"requirements": [{"type": "all_of", "components": mcs}]}
        pathway = pathway or Pathway.objects.create(slug=f"pathway-{n}")
        if number > 1:
            pathway.versions.update(is_current=False)
        version = PathwayVersion.objects.create(
            pathway=pathway,
            number=number,
            title=title or f"Sustainable data pathway {n}",
            description="Three micro-credentials that add up to a specialisation in sustainable data analysis.",
            awarding_institution=institution,
            issued_by_alliance=alliance,
            rule=rule,
            pinned_only=pinned_only,
            minimum_ects=minimum_ects(parse(rule), {v.micro_credential_id: v.ects for v in versions}),
            approved_at=timezone.now(),
            is_current=True,
        )
        version.co_lead_institutions.set([other_institution])
        for order, v in enumerate(versions):
            PathwayComponent.objects.create(
                pathway_version=version,
                micro_credential_id=v.micro_credential_id,
                micro_credential_version=v,
                order=order,
            )
        return version

    return make


@pytest.fixture
def earn(issue, learner, django_capture_on_commit_callbacks):
    """earn(version) → the learner's credential for it, issued through the real pipeline; the credential_issued
    signal is sent as after a real commit (the award runs)."""

    def run(version, **overrides):
        arguments = {"learner": learner, "learner_email": learner.email, "learner_name": learner.full_name}
        arguments.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return issue(version, **arguments)

    return run


@pytest.fixture
def three(make_version):
    return [
        make_version(title="Data analysis", ects=Decimal("5.0")),
        make_version(title="Energy policy", ects=Decimal("3.0")),
        make_version(title="Climate modelling", ects=Decimal("4.0")),
    ]
