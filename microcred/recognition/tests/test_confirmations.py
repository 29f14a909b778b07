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


# Refusing recognition ---------------------------------------------------------------------------------------------


def _refuse(client, request, reason="No course of the programme has these outcomes.", **extra):
    return client.post(
        reverse("recognition:decide", args=[request.pk]),
        {"stage": "first", "outcome": "refused", "reason": reason, **extra},
    )


def test_refusing_asks_first_says_what_follows_and_changes_nothing(as_user, ask, credential, officer, settings):
    settings.RECOGNITION_APPEAL_DAYS = 21
    request = ask(credential_uuid=credential.uuid)
    html = _refuse(as_user(officer), request).content.decode()
    assert "Refuse to recognise Data analysis for sustainability for Katrin Weber?" in html
    assert "Katrin Weber gets no credit for Data analysis for sustainability in the programme MSc Sustainable" in html
    assert "reads your reason: “No course of the programme has these outcomes.”" in html
    assert "may appeal within 21 days" in html and "Only an appeal can change the decision" in html
    assert 'class="button-danger">Refuse recognition</button>' in html
    # the decision as posted goes with the confirm button
    assert 'name="outcome" value="refused"' in html and 'name="stage" value="first"' in html
    assert 'name="reason" value="No course of the programme has these outcomes."' in html
    assert f'href="{reverse("recognition:review", args=[request.pk])}">Go back without recording a decision' in html
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.SUBMITTED and not request.decisions.exists()
    assert not AuditEvent.objects.filter(action="recognition.decided").exists()


def test_the_confirmed_refusal_is_recorded_once(as_user, ask, credential, officer):
    request = ask(credential_uuid=credential.uuid)
    client = as_user(officer)
    first = _refuse(client, request, confirmed="yes")
    assert first.status_code == 302
    again = _refuse(client, request, confirmed="yes")  # sent twice: the page with the decision, and why
    assert again.status_code == 302
    assert "already been decided" in client.get(again.url).content.decode()
    request.refresh_from_db()
    assert request.outcome == "refused" and request.reason == "No course of the programme has these outcomes."
    assert AuditEvent.objects.filter(action="recognition.decided").count() == 1


def test_a_refusal_the_service_would_refuse_is_told_at_once_not_confirmed(
    as_user, ask, credential, officer, ub_officer
):
    request = ask(credential_uuid=credential.uuid)
    response = _refuse(as_user(officer), request, reason="")
    html = response.content.decode()
    assert response.status_code == 400 and "Give the reason for refusing." in html and "Refuse recognition" not in html
    # another university's officer does not learn that the request exists
    assert _refuse(as_user(ub_officer), request).status_code == 404
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.SUBMITTED


def test_recognising_needs_no_confirmation(as_user, ask, credential, officer):
    request = ask(credential_uuid=credential.uuid)
    response = as_user(officer).post(
        reverse("recognition:decide", args=[request.pk]),
        {"stage": "first", "outcome": "recognised", "ects": "5", "recognised_as": "Module 2"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "recognised"


def test_refusing_on_appeal_asks_first_and_says_it_is_final(as_user, ask, credential, officer, second_officer, learner):
    request = services.decide_request(
        user=officer, request_id=ask(credential_uuid=credential.uuid).pk, outcome="refused", reason="No match."
    )
    services.appeal(user=learner, request_id=request.pk, reason="Module 2 matches.")
    posted = {"stage": "appeal", "appeal-outcome": "refused", "appeal-reason": "Module 2 covers other outcomes."}
    # the officer who decided first may not decide the appeal: told so, no confirmation
    refused = as_user(officer).post(reverse("recognition:decide", args=[request.pk]), posted)
    assert refused.status_code == 400 and "second recognition officer" in refused.content.decode()
    assert "Refuse recognition</button>" not in refused.content.decode()
    client = as_user(second_officer)
    html = client.post(reverse("recognition:decide", args=[request.pk]), posted).content.decode()
    assert "The decision on an appeal is final" in html and "may appeal within" not in html
    assert 'name="appeal-reason" value="Module 2 covers other outcomes."' in html
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.UNDER_APPEAL
    client.post(reverse("recognition:decide", args=[request.pk]), {**posted, "confirmed": "yes"})
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.APPEAL_DECIDED and request.reason == (
        "Module 2 covers other outcomes."
    )
