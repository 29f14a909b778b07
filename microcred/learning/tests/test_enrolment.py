"""Enrolment: the window, verification, prerequisites, the waiting list and automatic promotion, concurrency."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import services
from microcred.learning.exceptions import EnrolmentRefused, NotAllowed
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering

pytestmark = pytest.mark.django_db

E = Enrolment.Status


def test_learner_enrols_and_is_told_by_email(cast, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert enrolment.status == E.ENROLLED and enrolment.enrolled_at is not None
    assert mail.outbox[-1].to == ["learner@example.org"] and "You are enrolled" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="enrolment.enrolled").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"enrolment_opens": timezone.now() + dt.timedelta(days=1)}, "Enrolment has not opened yet"),
        (
            {
                "enrolment_opens": timezone.now() - dt.timedelta(days=5),
                "enrolment_closes": timezone.now() - dt.timedelta(days=1),
            },
            "Enrolment closed on",
        ),
    ],
)
def test_outside_the_window_nothing_changes(cast, offering, change, message):
    for k, v in change.items():
        setattr(offering, k, v)
    offering.save()
    with pytest.raises(EnrolmentRefused) as exc:
        services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert message in exc.value.message
    assert not Enrolment.objects.exists()


def test_twice_is_refused(cast, offering):
    services.enrol(user=cast["learner"], offering_id=offering.pk)
    with pytest.raises(EnrolmentRefused) as exc:
        services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert exc.value.message == "You are already enrolled in this offering."
    assert Enrolment.objects.count() == 1


def test_the_database_refuses_two_active_enrolments(cast, offering):
    Enrolment.objects.create(offering=offering, learner=cast["learner"], status=E.ENROLLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(offering=offering, learner=cast["learner"], status=E.WAITLISTED)


def test_retired_micro_credential(cast, offering):
    offering.micro_credential.status = "retired"
    offering.micro_credential.save()
    with pytest.raises(EnrolmentRefused) as exc:
        services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert exc.value.message == "This micro-credential is retired: enrolment is closed."
    assert not Enrolment.objects.exists()


def test_unverified_email_and_anonymous(cast, offering):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(EnrolmentRefused) as exc:
        services.enrol(user=cast["unverified"], offering_id=offering.pk)
    assert "Confirm your e-mail address first" in exc.value.message
    with pytest.raises(NotAllowed):
        services.enrol(user=AnonymousUser(), offering_id=offering.pk)
    assert not Enrolment.objects.exists()


def test_prerequisites_must_be_acknowledged(cast, institution):
    mc = make_micro_credential(institution=institution, proposer=cast["proposer"], prerequisites="A bachelor's degree.")
    offering = make_offering(micro_credential=mc, creator=cast["proposer"], institution=institution)
    with pytest.raises(EnrolmentRefused) as exc:
        services.enrol(user=cast["learner"], offering_id=offering.pk)
    assert exc.value.message == "Confirm that you meet the prerequisites before you enrol."
    assert not Enrolment.objects.exists()
    enrolment = services.enrol(user=cast["learner"], offering_id=offering.pk, prerequisites_acknowledged=True)
    assert enrolment.prerequisites_acknowledged


def test_waiting_list_and_automatic_promotion_with_email(cast, offering, django_capture_on_commit_callbacks):
    offering.capacity = 1
    offering.save()
    first = services.enrol(user=cast["learner"], offering_id=offering.pk)
    second = services.enrol(user=cast["learner2"], offering_id=offering.pk)
    third = services.enrol(user=cast["learner3"], offering_id=offering.pk)
    assert first.status == E.ENROLLED
    assert (second.status, second.waitlist_position) == (E.WAITLISTED, 1)
    assert (third.status, third.waitlist_position) == (E.WAITLISTED, 2)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled, promoted = services.cancel_enrolment(user=cast["learner"], offering_id=offering.pk)
    assert cancelled.status == E.CANCELLED
    assert [p.pk for p in promoted] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == E.ENROLLED and second.promoted_at is not None
    assert third.waitlist_position == 1
    assert [m.to for m in mail.outbox] == [["learner2@example.org"]]
    assert "A place is yours" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="enrolment.promoted").count() == 1


def test_cancelling_a_waitlisted_place_promotes_nobody(cast, offering):
    offering.capacity = 1
    offering.save()
    services.enrol(user=cast["learner"], offering_id=offering.pk)
    services.enrol(user=cast["learner2"], offering_id=offering.pk)
    _cancelled, promoted = services.cancel_enrolment(user=cast["learner2"], offering_id=offering.pk)
    assert promoted == []
    with pytest.raises(EnrolmentRefused) as exc:
        services.cancel_enrolment(user=cast["learner2"], offering_id=offering.pk)
    assert exc.value.message == "You have no enrolment in this offering to cancel."
    # After cancelling, one may enrol again (a new row; the old one stays for the record).
    again = services.enrol(user=cast["learner2"], offering_id=offering.pk)
    assert again.status == E.WAITLISTED and Enrolment.objects.filter(learner=cast["learner2"]).count() == 2


def _race(offering, users, action):
    from django.db import connections

    barrier = threading.Barrier(len(users))
    outcomes = []
    crashes = []

    def run(user):
        try:
            barrier.wait()
            action(user)
            outcomes.append("ok")
        except EnrolmentRefused as exc:
            outcomes.append(str(exc.message))
        except Exception as exc:  # any other exception fails the race, below
            crashes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # A submit that crashes (an IntegrityError, a deadlock) is neither success nor a polite refusal.
    assert not crashes, f"unexpected exceptions in concurrent submits: {crashes!r}"
    assert len(outcomes) == len(users)
    return outcomes


def test_the_race_helper_fails_on_a_crashing_submit(cast, offering):
    """Two of three submits crash: the race must fail, not count the one success."""
    crashes = iter([None, RuntimeError("deadlock"), RuntimeError("deadlock")])

    def submit(user):
        crash = next(crashes)
        if crash:
            raise crash

    learner = cast["learner"]
    with pytest.raises(AssertionError, match="unexpected exceptions in concurrent submits"):
        _race(offering, [learner, learner, learner], submit)


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_concurrency(cast, offering, make_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    offering.capacity = 3
    offering.save()
    learners = [make_user(email=f"racer{i}@example.org") for i in range(10)]
    outcomes = _race(offering, learners, lambda u: services.enrol(user=u, offering_id=offering.pk))
    assert outcomes.count("ok") == 10
    assert Enrolment.objects.filter(offering=offering, status=E.ENROLLED).count() == 3
    assert Enrolment.objects.filter(offering=offering, status=E.WAITLISTED).count() == 7


@pytest.mark.django_db(transaction=True)
def test_double_submit_creates_one_enrolment(cast, offering):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    learner = cast["learner"]
    outcomes = _race(offering, [learner, learner, learner], lambda u: services.enrol(user=u, offering_id=offering.pk))
    assert sorted(outcomes) == ["You are already enrolled in this offering."] * 2 + ["ok"]
    assert Enrolment.objects.filter(offering=offering, learner=learner).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_in_order(cast, offering, make_user):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    offering.capacity = 2
    offering.save()
    holders = [make_user(email=f"holder{i}@example.org") for i in range(2)]
    waiting = [make_user(email=f"waiting{i}@example.org") for i in range(3)]
    for u in holders + waiting:
        services.enrol(user=u, offering_id=offering.pk)
    outcomes = _race(offering, holders, lambda u: services.cancel_enrolment(user=u, offering_id=offering.pk))
    assert outcomes == ["ok", "ok"]
    enrolled = set(
        Enrolment.objects.filter(offering=offering, status=E.ENROLLED).values_list("learner__email", flat=True)
    )
    assert enrolled == {"waiting0@example.org", "waiting1@example.org"}


def test_plain_text_emails_are_not_html_escaped(cast, institution, make_user, django_capture_on_commit_callbacks):
    mc = make_micro_credential(institution=institution, proposer=cast["proposer"], title="Water & soil")
    offering = make_offering(micro_credential=mc, creator=cast["proposer"], institution=institution)
    learner = make_user(email="sean@example.org", full_name="Seán O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol(user=learner, offering_id=offering.pk)
    message = mail.outbox[-1]
    assert message.subject == "You are enrolled: Water & soil"
    assert "Dear Seán O'Brien," in message.body and "“Water & soil”" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
