"""The audit log names people by number only (architecture: "people are named there by number only")."""

import json

import pytest

from microcred.audit.models import AuditEvent
from microcred.learning import services

pytestmark = pytest.mark.django_db


def test_assigning_and_removing_an_assessor_records_the_person_by_id(cast, offering, make_user, institution):
    from microcred.accounts.roles import Role

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
