"""A learner cancelling her enrolment, and staff removing an assessor, confirm first (issue #16): without the
confirmation nothing changes; with it the action happens once, however often the confirmation is posted. (Staff
cancelling someone's enrolment: test_staff_cancel.py.)"""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.learning import services
from microcred.learning.models import Enrolment

pytestmark = pytest.mark.django_db

E = Enrolment.Status


@pytest.fixture
def full(cast, offering):
    """One place: learner holds it, learner2 waits."""
    offering.capacity = 1
    offering.save()
    return [services.enrol(user=cast[k], offering_id=offering.pk) for k in ("learner", "learner2")]


def cancel_url(offering):
    return reverse("learning:cancel", args=[offering.pk])


def test_cancelling_says_what_happens_and_changes_nothing(client, cast, offering, full):
    client.force_login(cast["learner"])
    response = client.post(cancel_url(offering), {"next": "my-learning"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Cancel your enrolment in “{offering.version.title}”?" in html
    assert "You give up your place in the offering." in html
    assert "The first learner on the waiting list takes your place and is told by e-mail." in html
    assert "This cannot be undone." in html and "you join the end of the waiting list" in html
    assert 'class="button-danger">Cancel my enrolment</button>' in html
    assert f'href="{reverse("learning:my-learning")}">Keep my place</a>' in html  # back where she came from
    assert '<input type="hidden" name="next" value="my-learning">' in html
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED
    assert Enrolment.objects.get(pk=full[1].pk).status == E.WAITLISTED


def test_leaving_the_waiting_list_says_her_place_in_line(client, cast, offering, full):
    client.force_login(cast["learner2"])
    html = client.post(cancel_url(offering)).content.decode()
    assert f"Leave the waiting list of “{offering.version.title}”?" in html
    assert "where you are number 1 in line" in html and ">Leave the waiting list</button>" in html
    assert f'href="{reverse("learning:offering", args=[offering.pk])}">Keep my place</a>' in html
    assert Enrolment.objects.get(pk=full[1].pk).status == E.WAITLISTED


def test_the_confirmation_cancels_once(client, cast, offering, full):
    client.force_login(cast["learner"])
    first = client.post(cancel_url(offering), {"confirmed": "yes", "next": "my-learning"})
    assert first["Location"] == reverse("learning:my-learning")
    again = client.post(cancel_url(offering), {"confirmed": "yes"}, follow=True)
    assert "You have no enrolment in this offering to cancel." in again.content.decode()
    assert Enrolment.objects.get(pk=full[0].pk).status == E.CANCELLED
    assert Enrolment.objects.get(pk=full[1].pk).status == E.ENROLLED  # promoted once
    assert AuditEvent.objects.filter(action="enrolment.cancelled").count() == 1


def remove_url(offering, user):
    return reverse("learning:assessor-remove", args=[offering.pk, user.pk])


def test_removing_an_assessor_says_what_happens_and_changes_nothing(client, cast, offering):
    client.force_login(cast["proposer"])
    response = client.post(remove_url(offering, cast["assessor"]))
    html = response.content.decode()
    assert f"Remove Daan Assessor as an assessor of “{offering.version.title}”?" in html
    assert "can no longer record or import this offering&#x27;s results" in html
    assert 'class="button-danger">Remove Daan Assessor as an assessor</button>' in html
    assert offering.assessor_links.filter(user=cast["assessor"]).exists()


def test_the_confirmation_removes_the_assessor_once(client, cast, offering):
    client.force_login(cast["proposer"])
    for _ in range(2):
        response = client.post(remove_url(offering, cast["assessor"]), {"confirmed": "yes"})
        assert response["Location"] == reverse("learning:enrolments", args=[offering.pk])
    assert not offering.assessor_links.filter(user=cast["assessor"]).exists()
    assert AuditEvent.objects.filter(action="offering.assessor_removed").count() == 1
