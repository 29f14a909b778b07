"""Editing an offering after creation: who may, the rules of creation, capacity and the waiting list, the record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import permissions, services
from microcred.learning.exceptions import NotAllowed, OfferingEnded, OfferingInvalid
from microcred.learning.models import Enrolment, Offering
from microcred.learning.tests.factories import record_result, start_offering
from microcred.roles import Role

pytestmark = pytest.mark.django_db

E = Enrolment.Status


def edit(offering, user, **data):
    return services.update_offering(user=user, offering_id=offering.pk, data=data)


def enrol(offering, *learners):
    return [services.enrol(user=u, offering_id=offering.pk) for u in learners]


def form_data(offering, **overrides):
    """The edit form as the page posts it: every field, date-times to the minute."""
    data = {
        "format": offering.format,
        "mode": offering.mode,
        "location": offering.location,
        "language": offering.language,
        "starts_on": offering.starts_on.isoformat(),
        "ends_on": offering.ends_on.isoformat(),
        "enrolment_opens": timezone.localtime(offering.enrolment_opens).strftime("%Y-%m-%dT%H:%M"),
        "enrolment_closes": timezone.localtime(offering.enrolment_closes).strftime("%Y-%m-%dT%H:%M"),
        "capacity": offering.capacity,
        "fee": offering.fee,
        "fee_waivers": offering.fee_waivers,
        "grade_scale": offering.grade_scale,
        "lms_code": offering.lms_code,
    }
    data.update(overrides)
    return data


# --- who may ----------------------------------------------------------------------------------------------


def test_who_may_edit(cast, offering, make_user, institution, other_institution):
    ub_assessor = make_user((Role.ASSESSOR, institution))
    ub_proposer = make_user((Role.PROPOSER, institution))
    uu_proposer = make_user((Role.PROPOSER, other_institution))
    allowed = [cast["proposer"], ub_proposer, ub_assessor]  # the creator; who may create offerings for UB
    refused = [
        cast["assessor"],  # assigned assessor, but from the co-lead university UU
        uu_proposer,  # may create offerings for UU, not edit UB's
        cast["manager"],  # institutional managers do not create offerings
        cast["outsider"],
        cast["learner"],
        cast["officer"],
    ]
    assert [permissions.can_edit_offering(u, offering) for u in allowed] == [True] * 3
    assert [permissions.can_edit_offering(u, offering) for u in refused] == [False] * 6
    for user in refused:
        with pytest.raises(NotAllowed):
            edit(offering, user, capacity=25)
    assert Offering.objects.get().capacity == 20
    edit(offering, ub_assessor, capacity=25)
    assert Offering.objects.get().capacity == 25


def test_anonymous_may_not_edit(offering):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        edit(offering, AnonymousUser(), capacity=25)


# --- what changes, and the record -------------------------------------------------------------------------


def test_editing_changes_the_fields_and_records_before_and_after(cast, offering):
    old_start = offering.starts_on
    new_start, new_end = old_start + dt.timedelta(days=7), offering.ends_on + dt.timedelta(days=7)
    update = edit(
        offering,
        cast["proposer"],
        format="summer_school",
        mode="blended",
        location="Barcelona, Campus Diagonal",
        language="es",
        starts_on=new_start,
        ends_on=new_end,
        capacity=30,
        fee=Decimal("120.00"),
        fee_waivers="Free for students of member universities.",
        lms_code="LCT-2026",
    )
    offering.refresh_from_db()
    assert (offering.format, offering.mode, offering.location, offering.language) == (
        "summer_school",
        "blended",
        "Barcelona, Campus Diagonal",
        "es",
    )
    assert (offering.starts_on, offering.ends_on, offering.capacity, offering.fee) == (
        new_start,
        new_end,
        30,
        Decimal("120.00"),
    )
    event = AuditEvent.objects.get(action="offering.updated")
    assert event.actor == cast["proposer"] and event.object_id == str(offering.pk)
    assert event.changes["capacity"] == [20, 30]
    assert event.changes["fee"] == ["0.00", "120.00"]
    assert event.changes["starts_on"] == [old_start.isoformat(), new_start.isoformat()]
    assert event.changes["mode"] == ["online", "blended"]
    assert set(event.changes) == {
        "format",
        "mode",
        "location",
        "language",
        "starts_on",
        "ends_on",
        "capacity",
        "fee",
        "fee_waivers",
        "lms_code",
    }
    assert update.changes == event.changes and update.promoted == []


def test_the_enrolment_window_can_move(cast, offering):
    closes = timezone.now() + dt.timedelta(days=20)
    edit(offering, cast["proposer"], enrolment_closes=closes)
    offering.refresh_from_db()
    assert offering.enrolment_closes == closes
    before, after = AuditEvent.objects.get(action="offering.updated").changes["enrolment_closes"]
    assert dt.datetime.fromisoformat(after) == closes and dt.datetime.fromisoformat(before) < closes


def test_nothing_changed_writes_nothing(cast, offering):
    # The form sends date-times to the minute: the stored seconds are not a change.
    stored = Offering.objects.get().enrolment_opens
    to_the_minute = stored.replace(second=0, microsecond=0)
    update = edit(offering, cast["proposer"], capacity=20, enrolment_opens=to_the_minute, fee=Decimal("0"))
    assert update.changes == {} and not AuditEvent.objects.filter(action="offering.updated").exists()
    assert Offering.objects.get().enrolment_opens == stored


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ends_on": timezone.localdate()}, "ends_on", "The offering cannot end before it starts."),
        (
            {"enrolment_closes": timezone.now() + dt.timedelta(days=31)},
            "enrolment_closes",
            "Enrolment must close before the offering starts",
        ),
        (
            {"enrolment_opens": timezone.now() + dt.timedelta(days=11)},
            "enrolment_closes",
            "Enrolment must close after it opens.",
        ),
        ({"capacity": 0}, "capacity", "An offering needs at least one place."),
        ({"capacity": 2**40}, "capacity", "An offering has at most 100,000 places."),
        ({"fee": Decimal("-5")}, "fee", "The fee cannot be negative."),
        ({"fee": Decimal("1000000")}, "fee", "The fee is at most 999,999.99 EUR."),
        ({"mode": "on_site"}, "location", "Give the place of an on-site or blended offering."),
        ({"starts_on": None}, "starts_on", "Give the first day of the offering."),
    ],
)
def test_the_rules_of_creation_apply(cast, offering, data, field, message):
    with pytest.raises(OfferingInvalid) as exc:
        edit(offering, cast["proposer"], **data)
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert Offering.objects.get().capacity == 20 and Offering.objects.get().mode == "online"
    assert not AuditEvent.objects.filter(action="offering.updated").exists()


def test_every_problem_is_reported_at_once_and_nothing_is_saved(cast, offering):
    with pytest.raises(OfferingInvalid) as exc:
        edit(offering, cast["proposer"], capacity=0, fee=Decimal("-1"), location="Utrecht")
    assert set(exc.value.errors) == {"capacity", "fee"}
    assert Offering.objects.get().location == ""


def test_an_offering_of_a_retired_micro_credential_can_still_be_corrected(cast, offering):
    offering.micro_credential.status = "retired"
    offering.micro_credential.save()
    edit(offering, cast["proposer"], mode="on_site", location="Utrecht, Janskerkhof")
    assert Offering.objects.get().location == "Utrecht, Janskerkhof"


# --- capacity and the waiting list ------------------------------------------------------------------------


def test_capacity_cannot_go_below_the_learners_enrolled(cast, offering):
    enrol(offering, cast["learner"], cast["learner2"], cast["learner3"])
    with pytest.raises(OfferingInvalid) as exc:
        edit(offering, cast["proposer"], capacity=2)
    assert exc.value.errors["capacity"] == [
        "3 learners are enrolled, so the offering needs at least 3 places. To offer fewer, cancel enrolments first."
    ]
    assert Offering.objects.get().capacity == 20
    edit(offering, cast["proposer"], capacity=3)
    assert Offering.objects.get().capacity == 3


def test_no_places_at_all_gets_the_general_message_only(cast, offering):
    enrol(offering, cast["learner"])
    with pytest.raises(OfferingInvalid) as exc:
        edit(offering, cast["proposer"], capacity=0)
    assert exc.value.errors["capacity"] == ["An offering needs at least one place."]


def test_wait_listed_learners_do_not_count_against_capacity(cast, offering):
    offering.capacity = 2
    offering.save()
    enrol(offering, cast["learner"], cast["learner2"], cast["learner3"])
    with pytest.raises(OfferingInvalid):
        edit(offering, cast["proposer"], capacity=1)
    edit(offering, cast["proposer"], capacity=2, lms_code="X1")
    assert Enrolment.objects.filter(status=E.WAITLISTED).count() == 1


def test_raising_capacity_promotes_the_waiting_list_first_in_line(
    cast, offering, make_user, django_capture_on_commit_callbacks
):
    offering.capacity = 1
    offering.save()
    fourth = make_user(Role.LEARNER, email="learner4@example.org")
    holder, first, second, third = enrol(offering, cast["learner"], cast["learner2"], cast["learner3"], fourth)
    assert [e.status for e in (holder, first, second, third)] == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED, E.WAITLISTED]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update = edit(offering, cast["proposer"], capacity=3)
    assert [e.pk for e in update.promoted] == [first.pk, second.pk]
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[third.pk]) == (E.ENROLLED, E.ENROLLED, E.WAITLISTED)
    third.refresh_from_db()
    assert third.waitlist_position == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["learner2@example.org", "learner3@example.org"]
    assert all("A place is yours" in m.subject for m in mail.outbox)
    promoted = AuditEvent.objects.filter(action="enrolment.promoted")
    assert promoted.count() == 2 and {e.actor for e in promoted} == {cast["proposer"]}
    updated = AuditEvent.objects.get(action="offering.updated")
    assert updated.changes == {"capacity": [1, 3]} and updated.pk < min(e.pk for e in promoted)


def test_lowering_capacity_promotes_nobody(cast, offering):
    offering.capacity = 1
    offering.save()
    enrol(offering, cast["learner"], cast["learner2"])
    edit(offering, cast["proposer"], capacity=1, fee=Decimal("10"))
    assert Enrolment.objects.filter(status=E.WAITLISTED).count() == 1


# --- refused ----------------------------------------------------------------------------------------------


def test_an_ended_offering_is_not_edited(cast, offering):
    start_offering(offering)
    offering.ends_on = timezone.localdate() - dt.timedelta(days=1)
    offering.save()
    with pytest.raises(OfferingEnded) as exc:
        edit(offering, cast["proposer"], capacity=30)
    assert exc.value.message == (
        f"This offering ended on {offering.ends_on.isoformat()}: it is part of the record and can no longer be edited."
    )
    assert Offering.objects.get().capacity == 20


def test_a_running_offering_may_still_be_edited(cast, offering):
    start_offering(offering)
    offering.ends_on = timezone.localdate()  # its last day
    offering.save()
    edit(offering, cast["proposer"], location="Room 2", mode="blended")
    assert Offering.objects.get().location == "Room 2"


def test_grade_scale_changes_only_while_no_result_is_recorded(cast, offering):
    edit(offering, cast["proposer"], grade_scale="0-20")
    assert Offering.objects.get().grade_scale == "0-20"
    enrolment = services.enrol(user=cast["learner"], offering_id=offering.pk)
    record_result(offering, enrolment, grade="15", recorded_by=cast["assessor"])
    with pytest.raises(OfferingInvalid) as exc:
        edit(offering, cast["proposer"], grade_scale="A,B,C,D,E,F")
    assert exc.value.errors["grade_scale"] == [
        "Results are recorded on the scale 0-20: the grade scale can no longer change."
    ]


# --- the page ---------------------------------------------------------------------------------------------


def test_edit_page_shows_the_current_values_and_saves(client, cast, offering):
    client.force_login(cast["proposer"])
    url = reverse("learning:offering-edit", args=[offering.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Edit the offering of" in html and 'name="institution"' not in html
    assert f'value="{offering.starts_on.isoformat()}"' in html and 'value="20"' in html
    response = client.post(url, form_data(offering, capacity=25, location="Online room 1"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("learning:enrolments", args=[offering.pk])
    assert "The offering is saved." in response.content.decode()
    offering.refresh_from_db()
    assert (offering.capacity, offering.location) == (25, "Online room 1")
    # The form sends the stored date-times to the minute: they are not recorded as changes.
    assert set(AuditEvent.objects.get(action="offering.updated").changes) == {"capacity", "location"}
    response = client.post(url, form_data(offering), follow=True)
    assert "Nothing changed." in response.content.decode()


def test_edit_page_shows_the_capacity_message(client, cast, offering):
    enrol(offering, cast["learner"], cast["learner2"])
    client.force_login(cast["proposer"])
    url = reverse("learning:offering-edit", args=[offering.pk])
    html = client.post(url, form_data(offering, capacity=1)).content.decode()
    assert 'role="alert"' in html
    assert "2 learners are enrolled, so the offering needs at least 2 places." in html
    assert Offering.objects.get().capacity == 20


def test_edit_page_says_who_was_promoted(client, cast, offering, django_capture_on_commit_callbacks):
    offering.capacity = 1
    offering.save()
    enrol(offering, cast["learner"], cast["learner2"])
    client.force_login(cast["proposer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("learning:offering-edit", args=[offering.pk]), form_data(offering, capacity=2), follow=True
        )
    assert "1 learner took a place from the waiting list and is told by e-mail: Tomás García." in (
        response.content.decode()
    )
    assert [m.to for m in mail.outbox if "A place is yours" in m.subject] == [["learner2@example.org"]]


@pytest.mark.parametrize("who", ["manager", "assessor", "outsider", "learner"])
def test_edit_page_refuses_others_and_says_why(client, cast, offering, who):
    """Back to the offering's page with the refusal the API gives (permissions.EDIT_REFUSED); nothing changes."""
    client.force_login(cast[who])
    url = reverse("learning:offering-edit", args=[offering.pk])
    for response in (client.get(url), client.post(url, form_data(offering, capacity=99))):
        assert response.status_code == 302 and response["Location"] == reverse("learning:offering", args=[offering.pk])
    page = client.get(url, follow=True).content.decode()
    assert "Only the offering&#x27;s creator and the staff who create offerings at its university edit it." in page
    assert Offering.objects.get().capacity == 20


def test_edit_page_of_an_ended_offering_says_why(client, cast, offering):
    start_offering(offering)
    client.force_login(cast["proposer"])
    response = client.get(reverse("learning:offering-edit", args=[offering.pk]), follow=True)
    assert "it is part of the record and can no longer be edited." in response.content.decode()
    assert "Edit the offering" not in response.content.decode()


def test_edit_links_are_shown_to_those_who_may_edit(client, cast, offering):
    edit_url = reverse("learning:offering-edit", args=[offering.pk])
    client.force_login(cast["proposer"])
    assert edit_url in client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert edit_url in client.get(reverse("learning:offering", args=[offering.pk])).content.decode()
    client.force_login(cast["manager"])
    assert edit_url not in client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert edit_url not in client.get(reverse("learning:offering", args=[offering.pk])).content.decode()


# --- learners are told ------------------------------------------------------------------------------------


def test_learners_are_told_of_new_dates_place_and_fee(cast, offering, make_user, django_capture_on_commit_callbacks):
    offering.capacity = 1
    offering.save()
    gone = make_user(Role.LEARNER, email="gone@example.org")
    enrol(offering, cast["learner"], cast["learner2"], gone)
    services.cancel_enrolment(user=gone, offering_id=offering.pk)
    mail.outbox.clear()
    new_start = offering.starts_on + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        edit(
            offering,
            cast["proposer"],
            starts_on=new_start,
            ends_on=offering.ends_on + dt.timedelta(days=7),
            mode="on_site",
            location="Room 4, O'Neill building",
            fee=Decimal("150"),
        )
    # The enrolled and the wait-listed learner, not the one who cancelled.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast["learner"].email, cast["learner2"].email])
    body = mail.outbox[0].body
    assert new_start.isoformat() in body
    assert "Room 4, O'Neill building" in body  # plain text, not HTML-escaped
    assert "150" in body and "EUR" in body
    assert mail.outbox[0].subject.startswith("Changed:")


def test_changes_learners_need_not_know_send_nothing(cast, offering, django_capture_on_commit_callbacks):
    enrol(offering, cast["learner"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(offering, cast["proposer"], lms_code="MOODLE-42", capacity=offering.capacity + 5)
    assert mail.outbox == []


def test_a_promoted_learner_gets_one_e_mail_not_two(cast, offering, django_capture_on_commit_callbacks):
    offering.capacity = 1
    offering.save()
    enrol(offering, cast["learner"], cast["learner2"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(offering, cast["proposer"], capacity=2, location="Aula Magna")
    by_person = {m.to[0]: m.subject for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "A place is yours" in by_person[cast["learner2"].email]
    assert by_person[cast["learner"].email].startswith("Changed:")
