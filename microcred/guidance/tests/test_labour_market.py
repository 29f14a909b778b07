"""Labour-market evidence (policy 7.12): occupations from chosen skills, on the catalogue page ("Prepares for"), on
the proposal page, and the micro-credentials ranked for an occupation (the API)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from microcred.catalogue import services as catalogue
from microcred.guidance import selectors
from microcred.reference.models import EscoSkill, Institution
from microcred.reference.tests.esco_fixture import S
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def skill(uuid):
    return EscoSkill.objects.get(uri=S + uuid)


def publish(make_user, title, skills):
    return catalogue.publish_imported_micro_credential(
        actor=make_user(Role.ALLIANCE_ADMIN),
        approval_note="Approved by the Academic Council on 1 March 2024.",
        title=title,
        awarding_institution=Institution.objects.filter(is_alliance=False).first(),
        kind="non_formal",
        learning_outcomes=[("Do the work well.", skills)],
        quality_assurance="Approved by the Academic Council.",
    ).micro_credential


def test_an_essential_skill_weighs_more_than_an_optional_one(esco):
    # "lead a team" is essential to a nurse and optional to a project manager.
    found = selectors.occupations_for_skills([skill("s-team").pk])
    assert [m.occupation.preferred_label for m in found] == ["nurse", "project manager"]
    nurse, manager = found
    assert [s.preferred_label for s in nurse.essential_covered] == ["lead a team"]
    assert [s.preferred_label for s in manager.optional_covered] == ["lead a team"]
    assert (nurse.essential_total, manager.essential_total, manager.optional_total) == (1, 1, 1)
    assert nurse.score > manager.score


def test_more_of_an_occupations_skills_ranks_it_higher(esco):
    found = selectors.occupations_for_skills([skill("s-team").pk, skill("s-pm").pk])
    assert found[0].occupation.preferred_label == "project manager"
    assert [s.preferred_label for s in found[0].essential_covered] == ["manage projects"]
    assert selectors.occupations_for_skills([]) == []
    assert selectors.occupations_for_skills([skill("s-recycle").pk]) == []


def test_the_catalogue_page_says_what_the_micro_credential_prepares_for(esco, make_user, client):
    mc = publish(make_user, "Project leadership", [skill("s-pm"), skill("s-team")])
    page = client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
    assert 'id="prepares-for"' in page and "Prepares for" in page
    assert page.index("project manager") < page.index("nurse")
    without = publish(make_user, "Recycling at home", [skill("s-recycle")])
    assert "Prepares for" not in client.get(reverse("catalogue:detail", args=[without.slug])).content.decode()


def test_the_api_ranks_micro_credentials_by_how_much_of_the_occupation_they_cover(esco, make_user):
    both = publish(make_user, "Project leadership", [skill("s-pm"), skill("s-team")])
    optional_only = publish(make_user, "Team work", [skill("s-team")])
    publish(make_user, "Recycling at home", [skill("s-recycle")])
    response = APIClient().get("/api/v1/occupations/o-pm/micro-credentials")
    assert response.status_code == 200
    body = response.json()
    assert body["occupation"]["label"] == "project manager"
    assert [r["id"] for r in body["results"]] == [both.pk, optional_only.pk]
    assert body["results"][0]["score"] == 1.0
    assert [s["label"] for s in body["results"][0]["essential_covered"]] == ["manage projects"]
    assert [s["label"] for s in body["results"][1]["optional_covered"]] == ["lead a team"]
    assert body["results"][0]["url"].endswith(reverse("catalogue:detail", args=[both.slug]))
    missing = APIClient().get("/api/v1/occupations/nobody/micro-credentials")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_the_proposal_page_shows_the_occupations_its_outcomes_skills_cover(esco, make_user):
    from django.template import Context, Template

    from microcred.proposals.models import LearningOutcome, Proposal, ProposalVersion

    institution = Institution.objects.filter(is_alliance=False).first()
    proposal = Proposal.objects.create(reference="MC-G-00001", proposer=make_user(), institution=institution)
    version = ProposalVersion.objects.create(proposal=proposal, number=1, title="Project leadership")
    template = Template("{% load guidance %}{% labour_market_evidence version %}")
    empty = template.render(Context({"version": version}))
    assert "Align the learning outcomes to ESCO skills" in empty
    outcome = LearningOutcome.objects.create(version=version, text="Lead a project team.")
    outcome.skills.set([skill("s-team"), skill("s-pm")])
    LearningOutcome.objects.create(version=version, text="Not aligned yet.")
    html = template.render(Context({"version": version}))
    assert 'id="labour-market-evidence"' in html and "<caption>" in html
    assert html.index("project manager") < html.index("nurse")
    assert "1 of 1" in html
