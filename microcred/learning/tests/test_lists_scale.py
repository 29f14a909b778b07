"""Offerings and enrolments as staff lists that scale (issue #16): 10,000 rows in pages of fifty, searched,
filtered and sorted, in a bounded number of queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from microcred.learning.models import Enrolment, Offering

pytestmark = pytest.mark.django_db

ROWS = 10_000


@pytest.fixture
def many_offerings(offering, other_institution):
    today = timezone.localdate()
    copies = []
    for n in range(ROWS - 1):
        copy = Offering.objects.get(pk=offering.pk)
        copy.pk = None
        copy.starts_on = today + dt.timedelta(days=(n % 400) - 200)
        copy.ends_on = copy.starts_on + dt.timedelta(days=30)
        copy.mode = "on_site" if n % 4 == 0 else "online"
        copies.append(copy)
    Offering.objects.bulk_create(copies, batch_size=2000)
    return offering


def test_ten_thousand_offerings_in_pages_with_filters(client, cast, many_offerings, django_assert_max_num_queries):
    client.force_login(cast["proposer"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("learning:offerings"))
    mine = response.context["my_offerings"]
    assert mine.total == ROWS and len(mine.rows) == 50
    assert "Page 1 of 200" in response.content.decode()
    today = timezone.localdate()
    running = client.get(reverse("learning:offerings"), {"when": "running"}).context["my_offerings"]
    assert running.total == Offering.objects.filter(starts_on__lte=today, ends_on__gte=today).count() > 0
    on_site = client.get(reverse("learning:offerings"), {"mode": "on_site"}).context["my_offerings"]
    assert on_site.total == len(range(0, ROWS - 1, 4))
    earliest = client.get(reverse("learning:offerings"), {"sort": "earliest"}).context["my_offerings"].rows[0]
    assert earliest.starts_on == Offering.objects.order_by("starts_on").first().starts_on
    # The open list pages apart from the staff list, and its links keep the staff list's filters.
    response = client.get(reverse("learning:offerings"), {"mode": "on_site", "open_page": "2"})
    open_list = response.context["open_offerings"]
    assert open_list.total == Offering.objects.filter(enrolment_closes__gte=timezone.now()).count() > 50
    assert open_list.page.number == 2 and response.context["my_offerings"].page.number == 1
    assert response.context["my_offerings"].total == on_site.total
    assert "mode=on_site" in open_list.url_for_page(3) and "open_page=3" in open_list.url_for_page(3)


def test_ten_thousand_enrolments_of_one_offering(client, cast, offering, django_assert_max_num_queries):
    User = get_user_model()
    User.objects.bulk_create(
        [User(email=f"learner{n:05d}@example.org", full_name=f"Learner {n:05d}") for n in range(ROWS)],
        batch_size=2000,
    )
    learners = list(User.objects.filter(email__startswith="learner0").order_by("email")) + list(
        User.objects.filter(email__startswith="learner1").order_by("email")
    )
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                offering=offering,
                learner=u,
                status="enrolled" if n < offering.capacity else "waitlisted",
                enrolled_at=now if n < offering.capacity else None,
                waitlisted_at=None if n < offering.capacity else now + dt.timedelta(seconds=n),
            )
            for n, u in enumerate(learners)
        ],
        batch_size=2000,
    )
    client.force_login(cast["proposer"])
    url = reverse("learning:enrolments", args=[offering.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    listing = response.context["listing"]
    assert listing.total == len(learners) and len(listing.rows) == 50
    assert response.context["enrolled"] == offering.capacity
    assert response.context["waiting"] == len(learners) - offering.capacity
    html = response.content.decode()
    assert f"{len(learners)} enrolments" in html
    # The second page goes on with the waiting list, each learner with their place on it.
    second = client.get(url, {"page": 2}).context["listing"].rows
    assert [e.status for e in second] == ["waitlisted"] * 50
    assert second[0].position == 50 - offering.capacity + 1
    found = client.get(url, {"q": "learner09999"}).context["listing"].rows
    assert [e.learner.email for e in found] == ["learner09999@example.org"]
    assert found[0].position == ROWS - offering.capacity
    assert client.get(url, {"status": "enrolled"}).context["listing"].total == offering.capacity
