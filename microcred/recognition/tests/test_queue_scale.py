"""The recognition requests as a staff list that scales (issue #16): 10,000 requests in pages of fifty, searched by
credential, programme or learner, in a bounded number of queries; the state links still choose which."""

import pytest
from django.urls import reverse

from microcred.recognition.models import RecognitionRequest as R

pytestmark = pytest.mark.django_db

ROWS = 10_000


@pytest.fixture
def many_requests(ask, credential):
    first = ask(credential_uuid=credential.uuid, programme="MSc Water Engineering")
    copies = []
    for n in range(1, ROWS):
        copy = R.objects.get(pk=first.pk)
        copy.pk = None
        copy.programme = copy.programme_key = f"Programme {n:05d}"
        copies.append(copy)
    R.objects.bulk_create(copies, batch_size=2000)
    return first


def test_ten_thousand_requests_in_pages_searched(client, officer, many_requests, django_assert_max_num_queries):
    client.force_login(officer)
    url = reverse("recognition:queue")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    listing = response.context["listing"]
    assert listing.total == ROWS and len(listing.rows) == 50
    assert f"{ROWS} requests" in response.content.decode()
    found = client.get(url, {"q": "water engineering"}).context["listing"].rows
    assert [r.pk for r in found] == [many_requests.pk]
    assert client.get(url, {"q": "data analysis", "state": "decided"}).context["listing"].total == 0
    assert client.get(url, {"q": "data analysis", "state": "all"}).context["listing"].total == ROWS
    newest = client.get(url, {"sort": "newest"}).context["listing"].rows[0]
    assert newest.pk == R.objects.order_by("-created_at", "-pk").first().pk
