"""Public pages: the catalogue, a micro-credential with every Annex 1 element, versions, JSON-LD."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


def test_catalogue_page_needs_no_login_and_keeps_the_search(client, cat):
    response = client.get(reverse("catalogue:index"), {"search": "sustainab report", "lang": "en"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sustainability reporting for SMEs" in html
    assert "Data ethics for researchers" not in html
    assert 'value="sustainab report"' in html
    assert re.search(r'name="lang" value="en"[^>]*checked', html)
    assert "1 micro-credential found" in html


def test_catalogue_page_escapes_the_search_text(client, cat):
    response = client.get(reverse("catalogue:index"), {"search": '"><script>alert(1)</script>'})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_catalogue_page_shows_facet_counts_and_paginates_with_the_query(client, cat):
    response = client.get(reverse("catalogue:index"), {"page_size": "2", "sort": "title", "kind": "formal"})
    html = response.content.decode()
    assert "Technology and STEM" in html and "(1)" in html
    response = client.get(reverse("catalogue:index"), {"page_size": "1", "sort": "title"})
    html = response.content.decode()
    assert "Page 1 of 4" in html
    assert "?page_size=1&amp;sort=title&amp;page=2" in html


def test_bad_filter_gives_a_clear_message_on_the_page(client, cat):
    response = client.get(reverse("catalogue:index"), {"eqf": "12"})
    assert response.status_code == 400
    assert "The EQF level is a number from 1 to 8." in response.content.decode()


def test_page_shows_every_annex1_element(client, cat, offerings):
    a = cat["a"]
    html = client.get(reverse("catalogue:detail", args=[a.micro_credential.slug])).content.decode()
    for text in [
        "Sustainability reporting for SMEs",  # title
        "University of Barcelona (Spain)",  # awarding body and country
        "Utrecht University (Netherlands)",  # co-lead and country
        "Prepare a greenhouse gas inventory for a small company.",  # learning outcomes
        "5 ECTS credits",  # workload, a number of the page's language
        "135 hours",
        "EQF level 7",
        "Report / paper, Presentation / oral exam",  # type of assessment
        "Online",  # form of participation
        "Accredited by the Faculty of Economics; reviewed by the Academic Council.",  # quality assurance
        "A bachelor&#x27;s degree in any field.",  # prerequisites
        "Supervised, with identity verification",  # supervision and identity verification
        "Stackable towards the alliance&#x27;s sustainability pathway.",  # stackability
        "Taught with real cases from European SMEs.",  # further information
        "English",  # language
    ]:
        assert text in html, text
    # ESCO skills link to their URI.
    assert '<a href="http://data.europa.eu/esco/skill/5" rel="external">carbon accounting</a>' in html
    # The upcoming offering with its capacity, and the version history.
    assert "Free" in html and "25 of 25 left" in html
    assert "Version 1, approved on" in html


def test_json_ld_is_valid_schema_org_course(client, cat, offerings):
    b = cat["b"]
    html = client.get(reverse("catalogue:detail", args=[b.micro_credential.slug])).content.decode()
    data = json_ld(html)
    assert data["@type"] == "Course" and data["name"] == "Data ethics for researchers"
    assert data["numberOfCredits"]["value"] == 3.0 and data["educationalLevel"] == "EQF level 8"
    assert data["provider"][0]["name"] == "Utrecht University"
    assert data["about"][0]["url"] == "http://data.europa.eu/esco/skill/2"
    assert data["hasCourseInstance"][0]["offers"]["price"] == "450.00"


def test_json_ld_cannot_break_out_of_its_script(client, cat):
    from microcred.catalogue.structured_data import to_script_json

    text = to_script_json({"name": "</script><script>alert(1)</script> & more"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & more"


def test_retired_page_is_readable_and_marked(client, cat):
    r = cat["retired"]
    response = client.get(reverse("catalogue:detail", args=[r.micro_credential.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Retired:" in html and "Replaced." in html
    assert "Sustainability basics (discontinued)" not in client.get(reverse("catalogue:index")).content.decode()


def test_old_version_stays_readable(client, cat):
    from microcred.catalogue.services import publish_approved_proposal
    from microcred.proposals.models import Proposal, ProposalVersion

    a = cat["a"]
    # A change proposal, approved, is published as version 2 by the workflow's own publisher.
    change = Proposal.objects.create(
        reference="MC-T-CHANGE",
        proposer=cat["admin"],
        institution=a.awarding_institution,
        status="approved",
        changes_micro_credential=a.micro_credential,
    )
    ProposalVersion.objects.create(
        proposal=change,
        number=1,
        kind=a.kind,
        credential_type=a.credential_type,
        accrediting_institution=a.awarding_institution,
        title="Sustainability reporting for SMEs, 2nd edition",
    )
    v2 = publish_approved_proposal(proposal=change, actor=cat["admin"])
    assert v2.number == 2 and v2.is_current
    slug = a.micro_credential.slug
    old = client.get(reverse("catalogue:version", args=[slug, 1])).content.decode()
    assert "You are reading version 1" in old and "<h1>Sustainability reporting for SMEs</h1>" in old
    current = client.get(reverse("catalogue:detail", args=[slug])).content.decode()
    assert "<h1>Sustainability reporting for SMEs, 2nd edition</h1>" in current
    assert client.get(reverse("catalogue:version", args=[slug, 3])).status_code == 404
    # Search lists the micro-credential once, with its current version.
    from microcred.catalogue import selectors

    found = selectors.search(selectors.parse_query({"search": "sustainab report"})).versions
    assert [v.number for v in found] == [2]


def test_unknown_micro_credential_is_404(client, cat):
    assert client.get(reverse("catalogue:detail", args=["no-such-thing"])).status_code == 404


def test_cached_results_are_dropped_when_the_catalogue_changes(client, cat):
    from microcred.catalogue import services

    url = reverse("catalogue:index")
    assert "Data ethics for researchers" in client.get(url, {"search": "ethics"}).content.decode()
    services.retire_micro_credential(user=cat["admin"], micro_credential_id=cat["b"].micro_credential_id, reason="Old")
    assert "Data ethics for researchers" not in client.get(url, {"search": "ethics"}).content.decode()


def test_upcoming_offerings_show_places_left(client, db, make_user, institution):
    from django.utils import timezone

    from microcred.learning.models import Enrolment
    from microcred.learning.tests.factories import make_micro_credential, make_offering

    proposer = make_user()
    mc = make_micro_credential(institution=institution, proposer=proposer)
    offering = make_offering(micro_credential=mc, creator=proposer, institution=institution, capacity=2)
    Enrolment.objects.create(offering=offering, learner=make_user(), status="enrolled", enrolled_at=timezone.now())
    Enrolment.objects.create(offering=offering, learner=make_user(), status="waitlisted")
    html = client.get(f"/catalogue/{mc.slug}/").content.decode()
    assert "1 of 2 left" in html
    Enrolment.objects.create(offering=offering, learner=make_user(), status="enrolled", enrolled_at=timezone.now())
    from django.core.cache import cache

    cache.clear()
    assert "Full: a waiting list is open" in client.get(f"/catalogue/{mc.slug}/").content.decode()


def test_cached_results_show_an_edited_offering_at_once(client, cat, offerings, django_capture_on_commit_callbacks):
    from microcred.catalogue import cache
    from microcred.learning import services as learning_services

    assert cache.RESULTS_SECONDS > 0  # rendered results are cached: the edit must drop them
    offering = offerings["a"]
    url = reverse("catalogue:index")
    assert offering.starts_on.strftime("%-d %B %Y") in client.get(url, {"search": "reporting"}).content.decode()
    new_start = offering.starts_on + dt.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.update_offering(
            user=cat["admin"],
            offering_id=offering.pk,
            data={"starts_on": new_start, "ends_on": offering.ends_on + dt.timedelta(days=9)},
        )
    page = client.get(url, {"search": "reporting"}).content.decode()
    assert new_start.strftime("%-d %B %Y") in page
