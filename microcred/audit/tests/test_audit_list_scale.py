"""The audit log as a staff list that scales (issue #16, "Staff screens that scale"): search, filters, order and
pages over 10,000 events, in a bounded number of queries; a value the list does not know is said, not failed on."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.roles import Role

pytestmark = pytest.mark.django_db

ROWS = 10_000


@pytest.fixture
def many_events(make_user):
    admin = make_user(Role.ALLIANCE_ADMIN)
    officer = make_user(Role.LEARNER, email="katrin.hofmann@example.org", full_name="Katrin Hofmann")
    events = [
        AuditEvent(action="credential.issued" if n % 2 else "proposal.submitted", summary=f"event number {n}")
        for n in range(ROWS - 1)
    ]
    events.append(AuditEvent(action="credential.revoked", actor=officer, summary="issued to the wrong person"))
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return admin


def rows_of(html: str) -> int:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return body.count("<tr>")


def test_ten_thousand_events_come_in_pages_of_fifty_in_few_queries(client, many_events, django_assert_max_num_queries):
    client.force_login(many_events)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("audit:list")).content.decode()
    assert rows_of(html) == 50
    assert f"{AuditEvent.objects.count()} events" in html
    assert "Page 1 of" in html and "Next page" in html
    last = AuditEvent.objects.count() // 50 + 1
    html = client.get(reverse("audit:list"), {"page": last, "sort": "oldest"}).content.decode()
    assert f"Page {last} of {last}" in html and "Previous page" in html and "Next page" not in html
    assert "sort=oldest" in html  # the page links keep the order


def test_search_finds_the_one_event_by_person_or_words(client, many_events):
    client.force_login(many_events)
    for q in ("Hofmann", "wrong person", "katrin.hofmann@example"):
        html = client.get(reverse("audit:list"), {"q": q}).content.decode()
        assert rows_of(html) == 1 and "issued to the wrong person" in html, q
        assert "Clear the filters" in html
    html = client.get(reverse("audit:list"), {"q": "no such words"}).content.decode()
    assert "Nothing matches" in html


def test_filters_by_action_and_by_kind_and_orders(client, many_events):
    client.force_login(many_events)
    html = client.get(reverse("audit:list"), {"action": "credential.revoked"}).content.decode()
    assert rows_of(html) == 1
    response = client.get(reverse("audit:list"), {"kind": "proposal"})
    assert response.context["listing"].total == ROWS // 2
    oldest = client.get(reverse("audit:list"), {"sort": "oldest", "q": "event number"}).context["listing"].rows
    assert [e.summary for e in oldest[:2]] == ["event number 0", "event number 1"]


def test_a_value_the_list_does_not_know_is_said_and_everything_shown(client, many_events):
    client.force_login(many_events)
    response = client.get(reverse("audit:list"), {"action": "made.up", "sort": "sideways", "page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "“made.up” is not a choice of Action: the list shows all of them." in html
    assert response.context["listing"].total == AuditEvent.objects.count()
