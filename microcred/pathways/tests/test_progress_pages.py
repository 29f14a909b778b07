"""The learner's progress in "my learning", the wallet and /api/v1/me/pathways (issue #12, item 3), with the next
offerings of what remains and one-click enrolment; the credential officers' page (item 4)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_offering
from microcred.pathways.award_models import AwardRun, PathwayAward
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(three, make_pathway, earn, make_user, institution):
    version = make_pathway(three)
    earn(three[0])
    staff = make_user()
    offering = make_offering(micro_credential=three[1].micro_credential, creator=staff, institution=institution)
    return version, offering


def test_my_learning_and_the_wallet_show_what_remains_and_enrol_in_one_click(client, started, learner, three):
    version, offering = started
    client.force_login(learner)
    for page in (reverse("learning:my-learning"), reverse("wallet:home")):
        html = client.get(page).content.decode()
        assert "My pathways" in html and version.title in html
        assert "Earn all of: Data analysis, Energy policy and Climate modelling." in html
        assert "2 more needed." in html
        assert reverse("learning:enrol", args=[offering.pk]) in html  # the next offering, one click
        assert "Not offered at the moment." in html  # Climate modelling has no offering
    assert "I meet the prerequisites: Basic statistics." in html
    response = client.post(reverse("learning:enrol", args=[offering.pk]), {"prerequisites_acknowledged": "on"})
    assert response.status_code == 302
    assert Enrolment.objects.get(learner=learner, offering=offering).status == Enrolment.Status.ENROLLED
    html = client.get(reverse("learning:my-learning")).content.decode()
    assert "You are enrolled." in html


def test_a_pathway_is_started_by_an_enrolment_alone(client, three, make_pathway, learner, make_user, institution):
    from microcred.learning.services import enrol

    version = make_pathway(three)
    offering = make_offering(micro_credential=three[2].micro_credential, creator=make_user(), institution=institution)
    client.force_login(learner)
    assert version.title not in client.get(reverse("wallet:home")).content.decode()
    enrol(user=learner, offering_id=offering.pk, prerequisites_acknowledged=True)
    assert version.title in client.get(reverse("wallet:home")).content.decode()


def test_the_api_gives_her_progress(client, started, learner, three):
    version, offering = started
    client.force_login(learner)
    data = client.get("/api/v1/me/pathways").json()
    assert data["count"] == 1
    [item] = data["results"]
    assert (item["id"], item["completed"], item["credential"]) == (version.pathway_id, False, None)
    assert [c["title"] for c in item["done"]] == ["Data analysis"] and item["done"][0]["ects"] == "5"
    assert [c["title"] for c in item["remaining"]] == ["Energy policy", "Climate modelling"]
    assert item["remaining"][0]["next_offerings"][0]["id"] == offering.pk
    assert item["requirements"] == [
        {
            "text": "Earn all of: Data analysis, Energy policy and Climate modelling.",
            "met": False,
            "state": "2 more needed.",
        }
    ]
    assert client.get("/api/v1/me/pathways").status_code == 200
    client.logout()
    assert client.get("/api/v1/me/pathways").status_code in (401, 403)


def test_the_officer_awards_a_cohort_in_the_background_and_follows_it(
    client, three, make_pathway, earn, learner, make_user, issuers, django_capture_on_commit_callbacks
):
    for v in three:
        earn(v)
    version = make_pathway(three)  # approved afterwards: nobody awarded yet
    officer = make_user(Role.CREDENTIAL_OFFICER)  # the alliance's: the pathway credential's issuer
    client.force_login(officer)
    page = client.get(reverse("pathways:awards-to-review")).content.decode()
    assert reverse("pathways:award-run-start", args=[version.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued after the commit (eager here)
        response = client.post(reverse("pathways:award-run-start", args=[version.pk]), {"confirmed": "yes"})
    run = AwardRun.objects.get()
    assert response["Location"] == reverse("pathways:award-run", args=[run.pk])
    progress = client.get(reverse("pathways:award-run-progress", args=[run.pk])).json()  # eager: already done
    assert (progress["status"], progress["total"], progress["awarded"], progress["percent"]) == ("done", 1, 1, 100)
    assert PathwayAward.objects.get().learner == learner
    assert "1 awarded" in re.sub(
        r"<[^>]+>", "", client.get(reverse("pathways:award-run", args=[run.pk])).content.decode()
    )
    # Another university's credential officer neither starts nor follows it.
    other = make_user((Role.CREDENTIAL_OFFICER, three[0].awarding_institution))
    client.force_login(other)
    assert client.get(reverse("pathways:award-run", args=[run.pk])).status_code == 404
    client.post(reverse("pathways:award-run-start", args=[version.pk]), {"confirmed": "yes"})
    assert AwardRun.objects.count() == 1
    client.force_login(learner)
    assert client.get(reverse("pathways:awards-to-review")).status_code == 403
