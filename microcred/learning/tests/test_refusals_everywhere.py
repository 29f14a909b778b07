"""Each refusal of learning/permissions.py is worded once and translated: the page and the API say the same, in the
language of the request (French here, a language whose catalogue translates these messages)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from microcred.learning import permissions, services
from microcred.learning.models import Enrolment, Offering

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture(autouse=True)
def back_to_english():
    """A request activates its language for the thread; the tests after these run in English again."""
    yield
    translation.activate("en")


def in_french(message) -> str:
    with translation.override("fr"):
        french = str(message)
    with translation.override("en"):
        assert french != str(message), "the test needs a message the French catalogue translates"
    return french


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_refusal(response) -> str:
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "not_allowed"
    return body["message"]


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_refused_offering_edit_says_the_same_in_the_page_and_the_api(client, cast, offering):
    expected = in_french(permissions.EDIT_REFUSED)
    manager = cast["manager"]  # sees the offering's enrolments, may not edit it

    from_api = api_refusal(
        api(manager).patch(f"/api/v1/offerings/{offering.pk}", {"capacity": 99}, format="json", **FRENCH)
    )

    client.force_login(manager)
    page = client.post(reverse("learning:offering-edit", args=[offering.pk]), {"capacity": 99}, follow=True, **FRENCH)
    assert from_api == expected
    assert page_messages(page) == [expected]
    assert escape(expected) in page.content.decode()
    assert Offering.objects.get().capacity == offering.capacity


def test_a_refused_cancellation_says_the_same_in_the_page_and_the_api(client, cast, offering):
    expected = in_french(permissions.CANCEL_REFUSED)
    enrolment = services.enrol(user=cast["learner"], offering_id=offering.pk)
    assessor = cast["assessor"]  # staff of the offering, but assessors do not cancel enrolments
    path = f"/api/v1/offerings/{offering.pk}/enrolments/{enrolment.pk}/cancellation"

    from_api = api_refusal(api(assessor).post(path, {"reason": "No show"}, format="json", **FRENCH))

    client.force_login(assessor)
    page = client.post(
        reverse("learning:enrolment-cancel", args=[offering.pk, enrolment.pk]),
        {"reason": "No show", "confirmed": "yes"},
        follow=True,
        **FRENCH,
    )
    assert from_api == expected
    assert page_messages(page) == [expected]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED


def test_results_are_recorded_by_assessors_only_in_the_api_language(cast, offering):
    services.enrol(user=cast["learner"], offering_id=offering.pk)
    body = {"email": cast["learner"].email, "participated": "yes", "result": "pass", "assessed_on": "2030-01-01"}
    response = api(cast["proposer"]).post(f"/api/v1/offerings/{offering.pk}/results", body, format="json", **FRENCH)
    assert api_refusal(response) == in_french(permissions.RECORD_REFUSED)
