"""The audit log names people by number only (architecture: "people are named there by number only")."""

import json

import pytest

from microcred.audit.models import AuditEvent
from microcred.learning import services

pytestmark = pytest.mark.django_db


def test_assigning_and_removing_an_assessor_records_the_person_by_id(cast, offering, make_user, institution):
    from microcred.roles import Role

    person = make_user((Role.ASSESSOR, institution), email="second.assessor@ub.example", full_name="Eva Jansen")
    services.assign_assessor(user=cast["proposer"], offering_id=offering.pk, email=person.email)
    services.remove_assessor(user=cast["proposer"], offering_id=offering.pk, assessor_id=person.pk)

    events = list(AuditEvent.objects.filter(action__startswith="offering.assessor_").order_by("pk"))
    assert [(e.action, e.changes) for e in events] == [
        ("offering.assessor_assigned", {"user": person.pk}),
        ("offering.assessor_removed", {"user": person.pk}),
    ]
    for event in events:
        written = json.dumps(event.changes) + event.summary + event.object_repr
        assert person.email not in written and "@" not in written


def test_enrolment_and_result_events_name_the_learner_by_number(cast, offering):
    from django.utils import timezone

    from microcred.learning.tests.factories import start_offering

    learner = cast["learner"]
    services.enrol(user=learner, offering_id=offering.pk)
    start_offering(offering, days_ago=3)
    data = {"participated": "yes", "result": "pass", "grade": "8", "assessed_on": timezone.localdate().isoformat()}
    services.record_result(user=cast["assessor"], offering_id=offering.pk, learner_id=learner.pk, data=data)

    events = list(AuditEvent.objects.filter(object_type__in=["learning.enrolment", "learning.result"]))
    assert sorted(e.action for e in events) == ["enrolment.enrolled", "result.recorded"]
    for event in events:
        written = json.dumps(event.changes) + event.summary + event.object_repr
        assert learner.email not in written and learner.full_name not in written
        assert event.object_repr.startswith(f"learner #{learner.pk} · offering #{offering.pk}")
