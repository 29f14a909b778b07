"""The public catalogue shows a micro-credential approved with conditions as such until every condition is confirmed
(issue #14); its staff see the conditions themselves on its page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred.catalogue.models import MicroCredential
from microcred.proposals import conditions
from microcred.proposals.conditions import ConditionInput
from microcred.proposals.tests.approvals import approved
from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditional(people, refdata, institution, other_institution, settings, django_capture_on_commit_callbacks):
    settings.CATALOGUE_RESULTS_CACHE_SECONDS = 30  # the rendered results are cached: a confirmation must drop them
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = approved(
            people,
            refdata,
            institution,
            other_institution,
            conditions=[ConditionInput("State the prerequisites."), ConditionInput("Publish the rubric.")],
        )
    return proposal, MicroCredential.objects.get()


def test_page_and_list_say_approved_with_conditions_until_all_are_confirmed(
    conditional, people, client, django_capture_on_commit_callbacks
):
    proposal, mc = conditional
    page_url, list_url = reverse("catalogue:detail", args=[mc.slug]), reverse("catalogue:index")
    page = client.get(page_url).content.decode()
    assert "Approved with conditions:" in page and "0 of its 2 conditions are confirmed as met." in page
    assert "State the prerequisites." not in page  # the conditions themselves are for staff
    assert "Approved with conditions (0 of 2 confirmed met)" in client.get(list_url).content.decode()
    for condition in proposal.approval_conditions.all():
        with django_capture_on_commit_callbacks(execute=True):
            conditions.report_condition(user=people["proposer"], condition_id=condition.pk, account="Done.")
            conditions.confirm_condition(user=people["secretary"], condition_id=condition.pk)
    assert "Approved with conditions" not in client.get(page_url).content.decode()
    assert "Approved with conditions" not in client.get(list_url).content.decode()


def test_staff_who_follow_the_proposal_see_the_conditions_on_the_page(conditional, people, client):
    _proposal, mc = conditional
    client.force_login(people["manager"])
    page = client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
    assert "Conditions of approval, followed up" in page and "Publish the rubric." in page
    client.force_login(people["learner"])
    assert "Publish the rubric." not in client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
