"""The learner's link to a recognition decision: withdrawing it, or replacing it by a new one (the old one stops
working), asks for confirmation first (issue #16); without it the link keeps working, with it the change happens
once, however often the form is posted."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.recognition import services
from microcred.recognition.models import RecognitionRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(client, ask, credential, officer, learner):
    """A decided request the learner shared: (request, the path of its public page), her logged in."""
    request = services.decide_request(
        user=officer,
        request_id=ask(credential_uuid=credential.uuid).pk,
        outcome="recognised",
        ects="5",
        recognised_as="Data Science for Sustainability",
    )
    client.force_login(learner)
    client.post(reverse("recognition:share", args=[request.pk]), {"link": ""})
    page = client.get(reverse("recognition:request", args=[request.pk])).content.decode()
    link = re.search(r'value="(http[^"]+/recognition/s/[^"]+)"', page).group(1)
    return RecognitionRequest.objects.get(pk=request.pk), link.split("testserver", 1)[1]


def test_withdrawing_asks_first_and_changes_nothing(client, shared):
    request, path = shared
    response = client.post(reverse("recognition:withdraw-share", args=[request.pk]))
    html = response.content.decode()
    assert "Withdraw the link to the decision?" in html and "no longer sees the decision" in html
    assert "This cannot be undone." in html and 'class="button-danger">Withdraw the link</button>' in html
    assert f'href="{reverse("recognition:request", args=[request.pk])}">Keep the link</a>' in html
    assert client.get(path).status_code == 200


def test_the_confirmation_withdraws_once(client, shared):
    request, path = shared
    for _ in range(2):
        client.post(reverse("recognition:withdraw-share", args=[request.pk]), {"confirmed": "yes"})
    assert client.get(path).status_code == 404
    assert AuditEvent.objects.filter(action="recognition.share_withdrawn").count() == 1


def test_replacing_the_link_asks_first_and_changes_nothing(client, shared):
    request, path = shared
    response = client.post(reverse("recognition:share", args=[request.pk]), {"link": request.shared_at.isoformat()})
    html = response.content.decode()
    assert "Make a new link to the decision?" in html and "stops working" in html
    assert 'class="button-danger">Make a new link</button>' in html
    assert f'name="link" value="{request.shared_at.isoformat()}"' in html
    assert client.get(path).status_code == 200
    assert AuditEvent.objects.filter(action="recognition.shared").count() == 1


def test_a_confirmation_posted_twice_makes_one_new_link(client, shared):
    request, path = shared
    confirmed = {"confirmed": "yes", "link": request.shared_at.isoformat()}
    client.post(reverse("recognition:share", args=[request.pk]), confirmed)
    again = client.post(reverse("recognition:share", args=[request.pk]), confirmed, follow=True)
    assert "A new link was made a moment ago" in again.content.decode()
    assert AuditEvent.objects.filter(action="recognition.shared").count() == 2  # the first link and one new one
    assert client.get(path).status_code == 404  # the old link stopped working
