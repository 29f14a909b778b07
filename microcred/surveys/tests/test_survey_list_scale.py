"""The surveys page as staff lists that scale (issue #16): 10,000 closed surveys in pages, searched and filtered,
in a bounded number of queries, beside the open ones, each list paging on its own."""

import pytest
from django.urls import reverse

from microcred.learning.models import Offering
from microcred.surveys import services
from microcred.surveys.models import Survey

pytestmark = pytest.mark.django_db

OFFERINGS = 5_000  # two surveys each (learners and teaching staff)


@pytest.fixture
def many_closed(ended_offering):
    opened = services.send_surveys_for_offering(ended_offering)  # the open ones, for this offering
    copies = []
    for _n in range(OFFERINGS):
        copy = Offering.objects.get(pk=ended_offering.pk)
        copy.pk = None
        copies.append(copy)
    offerings = Offering.objects.bulk_create(copies, batch_size=2000)
    Survey.objects.bulk_create(
        [
            Survey(
                offering=o,
                audience=audience,
                template_version=opened[0].template_version,
                status="closed",
                opens_on=o.ends_on,
                closes_on=o.ends_on,
            )
            for o in offerings
            for audience in ("learners", "staff")
        ],
        batch_size=2000,
    )
    return opened


def test_ten_thousand_closed_surveys_in_pages_beside_the_open_ones(
    client, people, many_closed, django_assert_max_num_queries
):
    client.force_login(people["quality"])
    url = reverse("surveys:index")
    with django_assert_max_num_queries(25):
        response = client.get(url)
    closed, opened = response.context["closed_surveys"], response.context["open_surveys"]
    assert closed.total == OFFERINGS * 2 and len(closed.rows) == 25
    assert opened.total == len(many_closed)
    assert all(s.rate is None or 0 <= s.rate <= 1 for s in closed.rows)
    staff = client.get(url, {"closed_audience": "staff", "closed_page": "3"}).context
    assert staff["closed_surveys"].total == OFFERINGS and staff["closed_surveys"].page.number == 3
    assert staff["open_surveys"].total == len(many_closed)  # the other list is not narrowed
    html = client.get(url, {"closed_q": "no such offering"}).content.decode()
    assert "None." in html  # the closed list, now empty
    assert client.get(url, {"closed_q": "no such offering"}).context["closed_surveys"].total == 0
