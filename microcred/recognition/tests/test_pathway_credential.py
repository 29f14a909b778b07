"""Recognition of one of our pathway credentials (issue #12): the officer sees what the pathway is made of, its
component credentials with their ECTS, EQF level and issuer, and their learning outcomes and types of assessment,
not only the pathway's signed title and ECTS."""

from __future__ import annotations

from decimal import Decimal

import pytest

from microcred.pathways.tests.learner_fixtures import *  # noqa: F403 - kek, issuers, make_version, learner, earn, ...
from microcred.recognition import services, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway_credential(make_version, make_pathway, earn, django_capture_on_commit_callbacks):
    from microcred.pathways.models import PathwayAward

    first = make_version(title="Data analysis", ects=Decimal("5.0"))
    second = make_version(title="Energy policy", ects=Decimal("3.0"))
    make_pathway([first, second], title="Sustainable data")
    earn(first)
    earn(second)
    return PathwayAward.objects.get().credential


def test_the_request_for_a_pathway_credential_lists_its_components_and_their_outcomes(
    pathway_credential, learner, other_institution
):
    request = services.submit_request(
        learner=learner,
        institution_id=other_institution.pk,
        programme="MSc Sustainable Development",
        credential_uuid=pathway_credential.uuid,
    )
    annex = request.annex
    assert annex["title"] == "Sustainable data" and annex["ects"] == "8" and annex["ours"] is True
    assert [c["title"] for c in annex["components"]] == ["Data analysis", "Energy policy"]
    assert [c["ects"] for c in annex["components"]] == ["5", "3"]
    assert annex["eqf_level"] == 6  # both components are at EQF level 6
    assert annex["learning_outcomes"].count("Analyse open energy data sets.") == 2  # each component's outcomes
    assert annex["assessment_types"] == ["written", "portfolio"]
    rows = {label: (text, items) for label, text, items in snapshot.rows(annex)}
    made_of = rows["Made of (component credentials)"][1]
    assert len(made_of) == 2 and made_of[0].startswith("Data analysis (University of Barcelona, 5 ECTS credits")
    assert rows["Type of assessment"][0] != "Not stated in the credential"


def test_a_micro_credential_has_no_components_row(issue, learner, make_version):
    credential = issue(make_version(), learner=learner, learner_email=learner.email)
    annex = snapshot.of_ours(credential)
    assert "components" not in annex
    assert "Made of (component credentials)" not in [label for label, _t, _i in snapshot.rows(annex)]


def test_component_levels_that_differ_give_no_eqf_level(pathway_credential, learner, other_institution):
    from microcred.pathways.models import PathwayAward

    award = PathwayAward.objects.get()
    first = type(pathway_credential).objects.get(pk=award.evidence[0])
    first.micro_credential_version.__class__.objects.filter(pk=first.micro_credential_version_id).update(eqf_level=7)
    request = services.submit_request(
        learner=learner, institution_id=other_institution.pk, programme="MSc", credential_uuid=pathway_credential.uuid
    )
    assert request.annex["eqf_level"] is None
    assert [c["eqf_level"] for c in request.annex["components"]] == [7, 6]
