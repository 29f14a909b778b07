"""The wallet's "What next?" (issue #13 item 4): the occupations a learner's credentials go towards, each a link to
the guide, which then counts the skills her credentials cover as hers and ranks what covers the rest."""

import pytest
from django.urls import reverse

from microcred.catalogue import services as catalogue
from microcred.credentials.tests.conftest import SKILLS
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403 - kek, issuers, make_version, issue, learner
from microcred.reference.models import EscoOccupation, EscoSkill, OccupationSkill
from microcred.roles import Role

pytestmark = pytest.mark.django_db
OCCUPATION = "http://data.europa.eu/esco/occupation/guide-data-analyst"


@pytest.fixture
def analyst(db):
    """An occupation whose essential skills are the two the test versions teach, and a third."""
    occupation = EscoOccupation.objects.create(uri=OCCUPATION, preferred_label="data analyst")
    third = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/guide-sql", preferred_label="use databases")
    skills = [EscoSkill.objects.get_or_create(uri=uri, defaults={"preferred_label": label})[0] for uri, label in SKILLS]
    for s in [*skills, third]:
        OccupationSkill.objects.create(occupation=occupation, skill=s, relation=OccupationSkill.Relation.ESSENTIAL)
    return third


def test_the_wallet_says_what_next_and_the_guide_counts_what_she_holds(
    client, learner, make_version, issue, analyst, make_user, institution
):
    held_version = make_version(title="Data analysis for sustainability")
    issue(held_version, learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    sql = catalogue.publish_imported_micro_credential(
        actor=make_user(Role.ALLIANCE_ADMIN),
        approval_note="Approved by the Academic Council on 1 March 2024.",
        title="Databases for analysts",
        awarding_institution=institution,
        kind="non_formal",
        learning_outcomes=[("Query a database.", [analyst])],
        quality_assurance="Approved by the Academic Council.",
    ).micro_credential
    client.force_login(learner)

    wallet = client.get(reverse("wallet:home")).content.decode()
    assert "What next?" in wallet
    link = f"{reverse('guide:index')}?occupation={OCCUPATION.replace(':', '%3A').replace('/', '%2F')}&amp;held=1"
    assert link in wallet

    page = client.get(reverse("guide:index"), {"occupation": OCCUPATION, "held": "1"})
    target = page.context["target"]
    assert sorted(s.label for s in target.already_held) == ["analyse big data", "communicate with stakeholders"]
    assert [s.label for s in target.remaining] == ["use databases"]
    results = page.context["answer"].results
    # What she holds is not offered again; what covers the rest covers all of it.
    assert [(r.title, r.score) for r in results] == [("Databases for analysts", 1.0)]
    assert results[0].id == sql.pk
    assert "2 already covered by your credentials" in page.content.decode()

    # Without "held" (or logged out) the same occupation counts every skill, and her micro-credential ranks first.
    everything = client.get(reverse("guide:index"), {"occupation": OCCUPATION}).context["answer"].results
    assert [r.title for r in everything] == ["Data analysis for sustainability", "Databases for analysts"]
    client.logout()
    anonymous = client.get(reverse("guide:index"), {"occupation": OCCUPATION, "held": "1"})
    assert anonymous.context["target"].held == frozenset()


def test_a_revoked_credential_does_not_count(learner, make_version, issue, analyst):
    from microcred.guide import selectors

    credential = issue(make_version(), learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    assert selectors.held_skills(learner)[0] == {uri for uri, _label in SKILLS}
    type(credential).objects.filter(pk=credential.pk).update(
        revoked_at=credential.issued_at, revocation_reason="Issued in error."
    )
    assert selectors.held_skills(learner) == (frozenset(), frozenset())
