"""A micro-credential approved outside the platform names its co-leads in both credentials it gives.

Its co-leads are only on the version (`co_lead_institutions`; it has no proposal); the Open Badges
credential and the ELM export take them from there, with the co-lead's issuer DID when it has one.
"""

from datetime import date

import pytest

from microcred.catalogue.services import publish_imported_micro_credential
from microcred.credentials import elm

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(issuers, make_user, institution, other_institution):
    return publish_imported_micro_credential(
        actor=make_user(email="admin@example.org"),
        title="Urban mobility data",
        awarding_institution=institution,
        co_leads=[other_institution],
        kind="formal",
        ects=3,
        eqf_level=7,
        hours=80,
        learning_outcomes=[("Model commuting flows from open data.", [])],
        quality_assurance="Accredited by the Faculty of Geography.",
        approval_note="Approved by the Academic Council on 3 March 2023.",
        assessment_types=["report"],
    )


def test_both_credentials_name_the_co_lead_of_an_imported_micro_credential(issue, imported, issuers, other_institution):
    credential = issue(version=imported, awarded_on=date(2026, 7, 1))
    [co_lead] = credential.document["credentialSubject"]["achievement"]["coLeadInstitution"]
    co_lead_issuer = issuers[other_institution.slug]
    assert co_lead["name"] == other_institution.name and co_lead["id"] == co_lead_issuer.did
    assert co_lead["address"]["addressCountryCode"] == other_institution.country_code

    claim = elm.elm_credential(credential)["credentialSubject"]["hasClaim"]
    bodies = claim["awardedBy"]["awardingBody"]
    assert [b["id"] for b in bodies] == [issuers[imported.awarding_institution.slug].did, co_lead_issuer.did]


def test_the_co_lead_is_found_by_the_relation_not_by_its_name(issue, imported, issuers, other_institution):
    """A university renamed after the approval is still the co-lead, with its issuer DID (no look-up by name)."""
    other_institution.name = "Universiteit Utrecht"
    other_institution.save()
    credential = issue(version=imported)
    [co_lead] = credential.document["credentialSubject"]["achievement"]["coLeadInstitution"]
    assert co_lead["id"] == issuers[other_institution.slug].did and co_lead["name"] == "Universiteit Utrecht"
    bodies = elm.elm_credential(credential)["credentialSubject"]["hasClaim"]["awardedBy"]["awardingBody"]
    assert bodies[1]["id"] == issuers[other_institution.slug].did
