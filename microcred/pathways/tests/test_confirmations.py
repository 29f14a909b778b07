"""Retiring a pathway, awarding one to everyone who completed it, and revoking a flagged pathway credential ask for
confirmation first (issue #16): without it nothing changes; with it the action happens once, however often the
confirmation is posted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.pathways.award_models import AwardRun, PathwayAward
from microcred.pathways.models import Pathway
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(make_user):
    return make_user(Role.BOARD_SECRETARY, email="secretary@example.org")


def test_retiring_a_pathway_says_what_happens_and_changes_nothing(client, three, make_pathway, secretary):
    version = make_pathway(three)
    client.force_login(secretary)
    url = reverse("pathways:retire", args=[version.pathway.slug])
    response = client.post(url, {"reason": "Replaced by a broader pathway."})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Retire the pathway “{version.title}”?" in html
    assert "learners no longer earn its credential by completing it" in html and "This cannot be undone." in html
    assert "Replaced by a broader pathway." in html  # the reason typed first is kept
    assert 'class="button-danger">Retire this pathway</button>' in html
    assert f'href="{reverse("pathways:detail", args=[version.pathway.slug])}">Keep the pathway</a>' in html
    assert Pathway.objects.get(pk=version.pathway_id).status == Pathway.Status.PUBLISHED


def test_a_confirmation_without_a_reason_says_so(client, three, make_pathway, secretary):
    version = make_pathway(three)
    client.force_login(secretary)
    response = client.post(reverse("pathways:retire", args=[version.pathway.slug]), {"confirmed": "yes"})
    assert response.status_code == 400 and "Give the reason for retiring it." in response.content.decode()
    assert Pathway.objects.get(pk=version.pathway_id).status == Pathway.Status.PUBLISHED


def test_the_confirmation_retires_once(client, three, make_pathway, secretary):
    version = make_pathway(three)
    client.force_login(secretary)
    url = reverse("pathways:retire", args=[version.pathway.slug])
    confirmed = {"confirmed": "yes", "reason": "Replaced by a broader pathway."}
    client.post(url, confirmed)
    again = client.post(url, confirmed, follow=True)
    assert "This pathway is already retired." in again.content.decode()
    assert Pathway.objects.get(pk=version.pathway_id).status == Pathway.Status.RETIRED
    assert AuditEvent.objects.filter(action="pathway.retired").count() == 1


def test_awarding_to_everyone_says_how_many_are_checked_and_starts_nothing(
    client, three, make_pathway, earn, learner, make_user, issuers
):
    for v in three:
        earn(v)
    version = make_pathway(three)
    client.force_login(make_user(Role.CREDENTIAL_OFFICER))  # the alliance's: the pathway credential's issuer
    response = client.post(reverse("pathways:award-run-start", args=[version.pk]))
    html = response.content.decode()
    assert f"Award “{version.title}” to everyone who completed it?" in html
    assert "1 learner holds a credential of one of its micro-credentials" in html
    assert 'class="button-danger">Award to everyone who completed it</button>' in html
    assert not AwardRun.objects.exists() and not PathwayAward.objects.exists()


def test_the_confirmation_awards_once(
    client, three, make_pathway, earn, learner, make_user, issuers, django_capture_on_commit_callbacks
):
    for v in three:
        earn(v)
    version = make_pathway(three)
    client.force_login(make_user(Role.CREDENTIAL_OFFICER))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("pathways:award-run-start", args=[version.pk]), {"confirmed": "yes"})
    assert PathwayAward.objects.filter(learner=learner).count() == 1
    assert AuditEvent.objects.filter(action="pathway.awarded").count() == 1


@pytest.fixture
def flagged(three, make_pathway, earn, make_user, issuers, django_capture_on_commit_callbacks):
    """A pathway credential whose component was revoked after the award: (the award, its officer)."""
    from microcred.credentials.services.status import revoke_credential

    make_pathway(three[:2])
    first = earn(three[0])
    earn(three[1])
    ub_officer = make_user((Role.CREDENTIAL_OFFICER, first.issuer.institution), email="officer.ub@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(ub_officer, first.pk, "Plagiarism")
    return PathwayAward.objects.get(), make_user(Role.CREDENTIAL_OFFICER, email="officer.alliance@example.org")


def test_revoking_a_flagged_pathway_credential_asks_first(client, flagged):
    row, officer = flagged
    client.force_login(officer)
    url = reverse("pathways:award-decide", args=[row.pk])
    response = client.post(url, {"decision": "revoke", "reason": "Its component was revoked."})
    html = response.content.decode()
    assert "Revoke the pathway credential" in html and "This cannot be undone." in html
    assert 'name="decision" value="revoke"' in html and "Its component was revoked." in html
    row.refresh_from_db()
    assert row.review == PathwayAward.Review.PENDING and row.credential.revoked_at is None


def test_keeping_needs_no_confirmation_and_revoking_happens_once(client, flagged):
    row, officer = flagged
    client.force_login(officer)
    url = reverse("pathways:award-decide", args=[row.pk])
    confirmed = {"decision": "revoke", "reason": "Its component was revoked.", "confirmed": "yes"}
    client.post(url, confirmed)
    again = client.post(url, confirmed, follow=True)
    assert "no revoked component to decide on" in again.content.decode()
    row.refresh_from_db()
    assert row.review == PathwayAward.Review.REVOKED and row.credential.revoked_at is not None
    assert AuditEvent.objects.filter(action="pathway.award_reviewed").count() == 1


def test_keeping_is_recorded_at_once(client, flagged):
    row, officer = flagged
    client.force_login(officer)
    client.post(reverse("pathways:award-decide", args=[row.pk]), {"decision": "keep"})
    row.refresh_from_db()
    assert row.review == PathwayAward.Review.KEPT
