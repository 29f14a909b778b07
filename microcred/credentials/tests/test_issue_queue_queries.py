"""The "ready for a credential" page reads the pending completions as the issuing job does
(bulk.pending_completions), with a number of queries that does not grow with the number of learners."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering
from microcred.roles import Role

pytestmark = pytest.mark.django_db

# The page's fixed cost (session, user, roles, issuers, navigation, jobs) plus a few queries per offering.
MAX_QUERIES = 20


def queue_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("credentials:issue-queue"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_queue_reads_a_fixed_number_of_queries_whatever_the_learners(
    client, offering, cast, issuers, make_user, django_assert_max_num_queries
):
    start_offering(offering)
    first = enrol_and_pass(offering, cast["learner"])
    bulk.issue_one(user=cast["officer"], enrolment_id=first.pk)
    enrol_and_pass(offering, cast["learner2"])
    client.force_login(cast["officer"])
    queue_page(client)  # the first request of a session also writes the session
    response, few = queue_page(client)
    assert response.context["rows"][0]["pending"] == bulk.pending_completions(offering)
    assert (len(response.context["rows"][0]["pending"]), response.context["rows"][0]["issued"]) == (1, 1)

    for n in range(12):
        enrol_and_pass(offering, make_user(Role.LEARNER, email=f"learner{n}@many.example", full_name=f"Learner {n}"))
    with django_assert_max_num_queries(MAX_QUERIES):
        response, many = queue_page(client)
    assert many == few
    row = response.context["rows"][0]
    assert (len(row["pending"]), row["issued"]) == (13, 1)
    assert [e.pk for e in row["pending"]] == [e.pk for e in bulk.pending_completions(offering)]
