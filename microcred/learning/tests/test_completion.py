"""Completion criteria, the queue of learners ready for a credential, and the interface for issuance."""

import datetime as dt

import pytest
from django.utils import timezone

from microcred.learning import selectors
from microcred.learning.models import Enrolment, Result
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering

pytestmark = pytest.mark.django_db


def result(offering, learner, assessor, **values):
    enrolment = Enrolment.objects.create(offering=offering, learner=learner, status="enrolled")
    defaults = {
        "participated": True,
        "outcome": "pass",
        "grade": "8",
        "assessed_on": timezone.localdate() - dt.timedelta(days=1),
    }
    defaults.update(values)
    Result.objects.create(offering=offering, learner=learner, enrolment=enrolment, recorded_by=assessor, **defaults)
    return enrolment


def test_micro_credential_needs_a_pass_and_participation(cast, offering):
    start_offering(offering)
    passed = result(offering, cast["learner"], cast["assessor"])
    result(offering, cast["learner2"], cast["assessor"], outcome="fail")
    result(offering, cast["learner3"], cast["assessor"], outcome="", participated=True)
    ready = selectors.ready_for_credential(offering=offering)
    assert [e.pk for e in ready] == [passed.pk]
    assert ready[0].completion_key == f"completion:{passed.pk}"


def test_participation_badge_needs_participation_only(cast, institution, other_institution):
    badge = make_micro_credential(
        institution=institution,
        proposer=cast["proposer"],
        co_leads=[other_institution],
        credential_type="participation_badge",
        kind="non_formal",
    )
    offering = start_offering(make_offering(micro_credential=badge, creator=cast["proposer"], institution=institution))
    attended = result(offering, cast["learner"], cast["assessor"], outcome="", grade="")
    result(offering, cast["learner2"], cast["assessor"], outcome="", grade="", participated=False)
    assert [e.pk for e in selectors.ready_for_credential(offering=offering)] == [attended.pk]
    # Badges are issued centrally: the alliance's queue has it, the university's does not.
    from microcred.reference.models import Institution

    alliance = Institution.objects.create(
        slug="alliance", short_name="AL", name="Alliance", country="EU", country_code="EU", is_alliance=True
    )
    assert len(selectors.ready_for_credential(institution=alliance)) == 1
    assert selectors.ready_for_credential(institution=institution) == []


def test_queue_by_issuing_institution_and_visibility(cast, offering, institution, other_institution):
    start_offering(offering)
    result(offering, cast["learner"], cast["assessor"])
    assert len(selectors.ready_for_credential(institution=institution)) == 1
    assert selectors.ready_for_credential(institution=other_institution) == []
    assert len(selectors.ready_for_credential_visible_to(cast["officer"])) == 1
    assert selectors.ready_for_credential_visible_to(cast["central_officer"]) == []
    assert selectors.ready_for_credential_visible_to(cast["learner"]) == []


def test_cancelled_enrolments_are_not_ready(cast, offering):
    start_offering(offering)
    enrolment = result(offering, cast["learner"], cast["assessor"])
    Enrolment.objects.filter(pk=enrolment.pk).update(status="cancelled")
    assert selectors.ready_for_credential() == []


def test_completion_for_issuance(cast, offering):
    cast["learner"].did = "did:key:z6Mk-example"
    cast["learner"].save()
    start_offering(offering)
    enrolment = result(offering, cast["learner"], cast["assessor"], grade="9")
    data = selectors.completion_for_issuance(enrolment)
    assert data == {
        "completion_key": f"completion:{enrolment.pk}",
        "micro_credential_version": offering.version,
        "learner_name": "Katrin Weber",
        "learner_email": "learner@example.org",
        "learner_did": "did:key:z6Mk-example",
        "grade": "9",
        "awarded_on": timezone.localdate() - dt.timedelta(days=1),
    }
    assert selectors.completion_for_issuance(enrolment)["completion_key"] == data["completion_key"]  # stable
    failed = result(offering, cast["learner2"], cast["assessor"], outcome="fail")
    with pytest.raises(selectors.NotCompleted):
        selectors.completion_for_issuance(failed)
