"""Issued credentials as a staff list that scales (issue #16): 10,000 credentials of an issuer in pages of fifty,
searched by learner or title, filtered by status, in a bounded number of queries."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.credentials.models import IssuedCredential
from microcred.roles import Role

pytestmark = pytest.mark.django_db

ROWS = 10_000


@pytest.fixture
def many_issued(issue, make_user, institution):
    first = issue(learner_name="Katrin Hofmann")
    copies = []
    for n in range(1, ROWS):
        copy = IssuedCredential.objects.get(pk=first.pk)
        copy.pk, copy.uuid = None, uuid.uuid4()
        copy.completion_key = f"copy-{n}"
        copy.status_index = first.status_index + n
        copy.learner_name, copy.learner_email = f"Learner {n:05d}", f"learner{n:05d}@example.org"
        if n % 10 == 0:
            copy.revoked_at, copy.revocation_reason = timezone.now(), "issued to the wrong person"
        copies.append(copy)
    IssuedCredential.objects.bulk_create(copies, batch_size=1000)
    return make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example"), first


def test_ten_thousand_credentials_in_pages_searched_and_filtered(client, many_issued, django_assert_max_num_queries):
    officer, first = many_issued
    client.force_login(officer)
    url = reverse("credentials:issued")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    listing = response.context["listing"]
    assert listing.total == ROWS and len(listing.rows) == 50
    assert f"{ROWS} credentials" in response.content.decode()
    found = client.get(url, {"q": "katrin hofmann"}).context["listing"]
    assert [c.pk for c in found.rows] == [first.pk]
    assert client.get(url, {"state": "revoked"}).context["listing"].total == len(range(10, ROWS, 10))
    assert client.get(url, {"state": "valid"}).context["listing"].total == ROWS - len(range(10, ROWS, 10))
    assert client.get(url, {"sort": "name"}).context["listing"].rows[0].learner_name == "Katrin Hofmann"
