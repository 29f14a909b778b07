"""The pathways in the catalogue: the list and its search, a pathway's page, the panel on a micro-credential's page,
the proposal's own form, and the public API (issue #12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.catalogue import services as catalogue_services
from microcred.catalogue.tests.conftest import cat, people, refdata  # noqa: F401  (fixtures)
from microcred.learning.models import Offering
from microcred.pathways.models import PathwayDraft
from microcred.pathways.tests.approvals import (  # noqa: F401  (pathway: a fixture)
    a_and_3_ects_of_b,
    approved_pathway,
    pathway,
    rule_all_of,
)
from microcred.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _offering(version, days, user):
    start = timezone.localdate() + dt.timedelta(days=days)
    return Offering.objects.create(
        micro_credential=version.micro_credential,
        version=version,
        institution=version.awarding_institution,
        starts_on=start,
        ends_on=start + dt.timedelta(days=30),
        enrolment_opens=timezone.now(),
        enrolment_closes=timezone.now() + dt.timedelta(days=5),
        capacity=20,
        fee=Decimal("0"),
        created_by=user,
    )


def test_pathways_are_listed_and_found_by_words_and_university(client, pathway, cat):
    page = client.get("/pathways/")
    assert page.status_code == 200
    assert "Sustainable data" in page.content.decode()
    assert "at least 8 ECTS" in page.content.decode()
    # A component's title finds the pathway; a word nowhere in it does not.
    assert "Sustainable data" in client.get("/pathways/?search=ethics").content.decode()
    assert "No pathway matches your search." in client.get("/pathways/?search=hungarian").content.decode()
    assert "Sustainable data" in client.get("/pathways/?university=uu").content.decode()
    assert "Sustainable data" not in client.get("/pathways/?university=elte").content.decode()
    # The catalogue links to the pathways, with the words searched.
    assert '/pathways/?search=ethics"' in client.get("/catalogue/?search=ethics").content.decode()


def test_a_pathways_page_shows_components_rule_in_words_total_universities_and_next_offerings(client, pathway, cat):
    offering = _offering(cat["a"], 40, cat["admin"])
    page = client.get(f"/pathways/{pathway.pathway.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Earn Sustainability reporting for SMEs." in html
    assert "Earn at least 3 ECTS credits from: Data ethics for researchers." in html
    assert "at least 8 ECTS" in html
    assert "University of Barcelona" in html and "Utrecht University" in html
    assert f'href="/catalogue/{cat["a"].micro_credential.slug}/"' in html
    assert offering.starts_on.strftime("%-d %b %Y") in html
    assert "None scheduled yet." in html  # B has no offering
    assert "The pathway's credential is issued by the alliance." in html
    assert client.get("/pathways/no-such-pathway/").status_code == 404


def test_a_component_retired_after_approval_is_said_on_the_page_and_the_staff_are_warned(client, pathway, cat, people):
    catalogue_services.retire_micro_credential(
        user=cat["admin"], micro_credential_id=cat["b"].micro_credential_id, reason="Replaced."
    )
    public = client.get(f"/pathways/{pathway.pathway.slug}/").content.decode()
    assert "“Data ethics for researchers” was retired on" in public
    assert "retired-component-warning" not in public
    client.force_login(people["proposer"])  # a proposer at the lead university: the pathway's staff
    staff = client.get(f"/pathways/{pathway.pathway.slug}/").content.decode()
    assert "retired-component-warning" in staff
    assert "Propose a change (new version)" in staff
    assert "retired-component-warnings" in client.get("/pathways/").content.decode()
    client.force_login(people["learner"])
    assert "retired-component-warnings" not in client.get("/pathways/").content.decode()


def test_a_micro_credentials_page_names_the_pathways_it_belongs_to(client, pathway, cat):
    html = client.get(f"/catalogue/{cat['a'].micro_credential.slug}/").content.decode()
    assert "Part of these pathways" in html
    assert f'href="/pathways/{pathway.pathway.slug}/"' in html
    other = client.get(f"/catalogue/{cat['d'].micro_credential.slug}/").content.decode()
    assert "Part of these pathways" not in other


def test_the_proposals_edit_page_of_a_pathway_is_the_pathway_form(client, people, cat, institution):
    client.force_login(people["proposer"])
    response = client.post("/pathways/propose/", {"title": "Green data", "institution": institution.pk})
    proposal = Proposal.objects.get()
    assert proposal.proposal_type == "pathway"
    assert response.url == f"/pathways/proposals/{proposal.pk}/edit/"
    assert client.get(f"/proposals/{proposal.pk}/edit/").url == f"/pathways/proposals/{proposal.pk}/edit/"
    a, b = cat["a"].micro_credential_id, cat["b"].micro_credential_id
    form = {
        "revision": proposal.revision,
        "title": "Green data",
        "description": "Footprints and data.",
        "type_1": "all_of",
        "components_1": [str(a), str(b)],
        "save": "1",
    }
    saved = client.post(f"/pathways/proposals/{proposal.pk}/edit/", form)
    assert saved.status_code == 302
    draft = PathwayDraft.objects.get()
    assert draft.rule == rule_all_of(cat["a"], cat["b"])
    # The proposal page shows the rule in words (the pathway's summary, not the Appendix 2 form).
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Earn all of: Sustainability reporting for SMEs and Data ethics for researchers." in detail
    assert "at least 8 ECTS" in detail
    # A rule that cannot be met: the form says why and nothing is saved.
    proposal.refresh_from_db()
    bad = dict(form, revision=proposal.revision, type_1="min_ects", ects_1="30", title="Changed")
    refused = client.post(f"/pathways/proposals/{proposal.pk}/edit/", bad)
    assert refused.status_code == 400
    assert "can never be met" in refused.content.decode()
    proposal.refresh_from_db()
    proposal._current_version = None
    assert proposal.current_version.title == "Green data"
    assert PathwayDraft.objects.get().rule == rule_all_of(cat["a"], cat["b"])


def test_the_api_lists_and_reads_pathways(client, pathway, cat):
    body = client.get("/api/v1/pathways").json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert {"id", "slug", "title", "rule", "components", "total_ects", "universities"} <= set(item)
    assert item["id"] == pathway.pathway_id and item["slug"] == pathway.pathway.slug
    assert item["rule"] == a_and_3_ects_of_b(cat)
    assert [(c["id"], c["title"], c["ects"]) for c in item["components"]] == [
        (cat["a"].micro_credential_id, "Sustainability reporting for SMEs", "5.0"),
        (cat["b"].micro_credential_id, "Data ethics for researchers", "3.0"),
    ]
    assert item["total_ects"] == "8.0"
    assert item["universities"] == ["ub"]
    assert client.get("/api/v1/pathways?search=hungarian").json()["count"] == 0
    detail = client.get(f"/api/v1/pathways/{pathway.pathway_id}").json()
    assert detail["rule_text"][0] == "Earn Sustainability reporting for SMEs."
    assert client.get("/api/v1/pathways/999999").status_code == 404
