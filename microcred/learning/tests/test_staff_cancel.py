"""Staff cancel a learner's enrolment with a reason: who may, what is refused, the freed place, the e-mail, the record."""

import pytest
from django.core import mail
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.learning import permissions, services
from microcred.learning.exceptions import CancellationInvalid, EnrolmentNotFound, EnrolmentRefused, NotAllowed
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_offering, record_result, start_offering
from microcred.roles import Role

pytestmark = pytest.mark.django_db

E = Enrolment.Status
REASON = "Did not attend the first two sessions and did not answer our e-mails."


@pytest.fixture
def full(cast, offering):
    """One place: learner holds it, learner2 and learner3 wait (in that order)."""
    offering.capacity = 1
    offering.save()
    return [services.enrol(user=cast[k], offering_id=offering.pk) for k in ("learner", "learner2", "learner3")]


def cancel(offering, enrolment, user, reason=REASON):
    return services.cancel_enrolment_by_staff(
        user=user, offering_id=offering.pk, enrolment_id=enrolment.pk, reason=reason
    )


def test_who_may_cancel_enrolments(cast, offering, make_user, institution, other_institution):
    allowed = [
        cast["proposer"],  # the creator
        make_user((Role.PROPOSER, institution)),  # a proposer of the delivering university
        cast["manager"],  # its institutional manager
    ]
    refused = [
        cast["assessor"],  # assessors record results ("did not participate"), they do not cancel
        make_user((Role.ASSESSOR, institution)),
        make_user((Role.INSTITUTIONAL_MANAGER, other_institution)),  # the co-lead's manager: not the deliverer
        make_user(Role.ALLIANCE_ADMIN),  # sees every list, changes none
        cast["outsider"],
        cast["officer"],
        cast["learner"],
    ]
    assert all(permissions.can_manage_enrolments(u, offering) for u in allowed)
    assert not any(permissions.can_manage_enrolments(u, offering) for u in refused)


@pytest.mark.parametrize("who", ["assessor", "outsider", "learner2"])
def test_others_are_refused_and_nothing_changes(cast, offering, full, who):
    with pytest.raises(NotAllowed):
        cancel(offering, full[0], cast[who])
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED
    assert not AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").exists()


def test_manager_cancels_the_place_goes_to_the_first_in_line(cast, offering, full, django_capture_on_commit_callbacks):
    holder, first, second = full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled, promoted = cancel(offering, holder, cast["manager"])
    assert cancelled.status == E.CANCELLED and cancelled.cancelled_at is not None
    assert [p.pk for p in promoted] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == E.ENROLLED and first.promoted_at is not None
    assert second.waitlist_position == 1

    event = AuditEvent.objects.get(action="enrolment.cancelled_by_staff")
    assert event.actor == cast["manager"] and event.object_id == str(holder.pk)
    assert event.changes == {"status": ["enrolled", "cancelled"], "offering": offering.pk, "reason": REASON}
    assert event.summary == REASON
    assert AuditEvent.objects.get(action="enrolment.promoted").object_id == str(first.pk)

    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {"learner@example.org", "learner2@example.org"}
    notice = told["learner@example.org"]
    assert notice.subject == f"Your enrolment is cancelled: {offering.version.title}"
    assert "Dear Katrin Weber," in notice.body
    assert "has been cancelled by the staff of University of Barcelona" in notice.body
    assert REASON in notice.body
    assert f"/learning/offerings/{offering.pk}/" in notice.body
    assert "A place is yours" in told["learner2@example.org"].subject


def test_the_reason_reaches_the_learner_as_written(cast, offering, full, django_capture_on_commit_callbacks):
    reason = 'Asked by e-mail: "can\'t come" & moved to the next run <2027>.'
    with django_capture_on_commit_callbacks(execute=True):
        cancel(offering, full[0], cast["proposer"], reason=f"  {reason}\n")
    body = next(m.body for m in mail.outbox if m.to == ["learner@example.org"] and "cancelled" in m.subject)
    assert reason in body
    assert AuditEvent.objects.get(action="enrolment.cancelled_by_staff").changes["reason"] == reason


def test_cancelling_a_wait_listed_learner_promotes_nobody(cast, offering, full, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled, promoted = cancel(offering, full[1], cast["manager"])
    assert promoted == [] and cancelled.status == E.CANCELLED
    full[2].refresh_from_db()
    assert full[2].waitlist_position == 1
    assert [m.to for m in mail.outbox] == [["learner2@example.org"]]
    assert AuditEvent.objects.get(action="enrolment.cancelled_by_staff").changes["status"] == [
        "waitlisted",
        "cancelled",
    ]


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required(cast, offering, full, reason, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CancellationInvalid) as exc:
        cancel(offering, full[0], cast["manager"], reason=reason)
    assert exc.value.errors == {"reason": "Give the reason for the cancellation: the learner is told it."}
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED
    assert not AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").exists()


def test_a_reason_that_is_too_long(cast, offering, full):
    with pytest.raises(CancellationInvalid) as exc:
        cancel(offering, full[0], cast["manager"], reason="x" * 501)
    assert exc.value.errors["reason"] == "Write the reason in at most 500 characters (it has 501)."
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_cancelling_twice_changes_nothing(cast, offering, full, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cancel(offering, full[0], cast["manager"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EnrolmentRefused) as exc:
        cancel(offering, full[0], cast["manager"])
    assert exc.value.message == "The enrolment of Katrin Weber is already cancelled; nothing changed."
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").count() == 1
    assert Enrolment.objects.filter(offering=offering, status=E.ENROLLED).count() == 1  # learner2, promoted once
    assert Enrolment.objects.get(pk=full[2].pk).status == E.WAITLISTED


def test_refused_once_a_result_is_recorded(cast, offering, full):
    record_result(offering, full[0], participated=False, outcome="fail", grade="", recorded_by=cast["assessor"])
    with pytest.raises(EnrolmentRefused) as exc:
        cancel(offering, full[0], cast["manager"])
    assert exc.value.message == "A result is recorded for Katrin Weber: the enrolment can no longer be cancelled."
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_refused_once_the_offering_has_ended(cast, offering, full):
    start_offering(offering)
    with pytest.raises(EnrolmentRefused) as exc:
        cancel(offering, full[0], cast["manager"])
    assert "This offering has ended" in exc.value.message and "did not participate" in exc.value.message
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_an_enrolment_of_another_offering_is_not_found(cast, offering, micro_credential, institution, full):
    other = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    elsewhere = services.enrol(user=cast["learner"], offering_id=other.pk)
    with pytest.raises(EnrolmentNotFound):
        cancel(offering, elsewhere, cast["manager"])
    with pytest.raises(EnrolmentNotFound):
        services.cancel_enrolment_by_staff(
            user=cast["manager"], offering_id=offering.pk, enrolment_id="x", reason=REASON
        )
    assert Enrolment.objects.get(pk=elsewhere.pk).status == E.ENROLLED


def test_the_learner_may_enrol_again_afterwards(cast, offering, full):
    offering.capacity = 3
    offering.save()
    cancel(offering, full[0], cast["manager"])
    again = services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert again.status == E.ENROLLED and again.pk != full[0].pk


# --- the page ---------------------------------------------------------------------------------------------


def test_the_list_links_each_active_enrolment_to_its_cancellation(client, cast, offering, full):
    cancel(offering, full[2], cast["manager"])
    client.force_login(cast["manager"])
    html = client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    for e in full[:2]:
        assert f'href="{reverse("learning:enrolment-cancel", args=[offering.pk, e.pk])}"' in html
    assert 'name="reason"' not in html  # the reason is asked on the confirmation step, not in the list
    assert reverse("learning:enrolment-cancel", args=[offering.pk, full[2].pk]) not in html  # already cancelled
    client.force_login(cast["assessor"])
    html = client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert "enrolment-cancel" not in html and "/cancel/" not in html


def test_cancel_through_the_page(client, cast, offering, full, django_capture_on_commit_callbacks):
    client.force_login(cast["proposer"])
    url = reverse("learning:enrolment-cancel", args=[offering.pk, full[0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": REASON, "confirmed": "yes"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("learning:enrolments", args=[offering.pk])
    assert "The enrolment of Katrin Weber is cancelled; they are told why by e-mail." in html
    assert "1 learner took a place from the waiting list and is told by e-mail: Tomás García." in html
    assert Enrolment.objects.get(pk=full[0].pk).status == E.CANCELLED
    # The same POST again (a double click, a reload): a clear message, nothing changes.
    response = client.post(url, {"reason": REASON, "confirmed": "yes"}, follow=True)
    assert "The enrolment of Katrin Weber is already cancelled; nothing changed." in response.content.decode()
    assert AuditEvent.objects.filter(action="enrolment.cancelled_by_staff").count() == 1


def test_the_confirmation_step_asks_for_the_reason_and_changes_nothing(client, cast, offering, full):
    client.force_login(cast["manager"])
    url = reverse("learning:enrolment-cancel", args=[offering.pk, full[0].pk])
    for response in (client.get(url), client.post(url, {"reason": REASON})):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Cancel the enrolment of Katrin Weber?" in html and "Katrin Weber loses their place" in html
        assert "The first learner on the waiting list takes the place and is told by e-mail." in html
        assert 'class="button-danger">Cancel the enrolment of Katrin Weber</button>' in html
        assert f'href="{reverse("learning:enrolments", args=[offering.pk])}">Keep the enrolment</a>' in html
        assert 'name="reason"' in html and "Give the reason" not in html  # asked, not yet missing
    assert REASON in html  # the reason typed first is kept
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_a_missing_reason_is_said_on_the_confirmation_step(client, cast, offering, full):
    client.force_login(cast["manager"])
    url = reverse("learning:enrolment-cancel", args=[offering.pk, full[0].pk])
    response = client.post(url, {"reason": " ", "confirmed": "yes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and 'href="#id_reason"' in html
    assert html.count("Give the reason for the cancellation: the learner is told it.") == 2  # summary and field
    assert 'aria-invalid="true"' in html
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_staff_who_may_not_cancel_get_a_message(client, cast, offering, full):
    client.force_login(cast["assessor"])
    response = client.post(
        reverse("learning:enrolment-cancel", args=[offering.pk, full[0].pk]),
        {"reason": REASON, "confirmed": "yes"},
        follow=True,
    )
    assert "cancel enrolments." in response.content.decode()
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


@pytest.mark.parametrize("who", ["outsider", "learner"])
def test_others_do_not_find_the_page(client, cast, offering, full, who):
    client.force_login(cast[who])
    url = reverse("learning:enrolment-cancel", args=[offering.pk, full[0].pk])
    assert client.post(url, {"reason": REASON, "confirmed": "yes"}).status_code == 404
    assert client.get(url).status_code == 404  # not even the confirmation step tells them about the enrolment
    assert Enrolment.objects.get(pk=full[0].pk).status == E.ENROLLED


def test_no_cancel_forms_once_the_offering_has_ended(client, cast, offering, full):
    start_offering(offering)
    client.force_login(cast["manager"])
    html = client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert "/cancel/" not in html
