"""Creating offerings: who may, and every validation message; assigning assessors."""

import datetime as dt

import pytest
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import services
from microcred.learning.exceptions import NotAllowed, OfferingInvalid, ResultInvalid
from microcred.learning.grading import parse_scale
from microcred.learning.models import Offering
from microcred.learning.tests.factories import offering_values

pytestmark = pytest.mark.django_db


def create(cast, micro_credential, institution, user=None, **overrides):
    return services.create_offering(
        user=user or cast["proposer"],
        micro_credential_id=micro_credential.pk,
        institution=institution,
        data=offering_values(**overrides),
    )


def test_proposer_of_awarding_university_creates_an_offering_of_the_current_version(
    cast, micro_credential, institution
):
    offering = create(cast, micro_credential, institution, format="summer_school", capacity=25)
    assert offering.version == micro_credential.current_version
    assert offering.format == "summer_school" and offering.capacity == 25
    assert AuditEvent.objects.filter(action="offering.created", object_id=str(offering.pk)).exists()


def test_assessor_of_co_lead_university_may_offer_it_for_their_university(cast, micro_credential, other_institution):
    offering = create(cast, micro_credential, other_institution, user=cast["assessor"])
    assert offering.institution == other_institution


def test_staff_of_another_university_and_learners_may_not(cast, micro_credential, institution, third_institution):
    with pytest.raises(NotAllowed):
        create(cast, micro_credential, third_institution, user=cast["outsider"])
    with pytest.raises(NotAllowed):
        create(cast, micro_credential, institution, user=cast["learner"])
    assert not Offering.objects.exists()


def test_offering_for_a_university_the_user_is_not_staff_of_is_refused(cast, micro_credential, other_institution):
    with pytest.raises(OfferingInvalid) as exc:
        create(cast, micro_credential, other_institution)  # the proposer is at UB, not UU
    assert "institution" in exc.value.errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_on": timezone.localdate() + dt.timedelta(days=29)},
            "ends_on",
            "The offering cannot end before it starts.",
        ),
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
        ({"fee": -5}, "fee", "The fee cannot be negative."),
        ({"mode": "on_site", "location": ""}, "location", "Give the place of an on-site or blended offering."),
        ({"grade_scale": "ten"}, "grade_scale", "Write the grade scale as a range"),
        ({"starts_on": None}, "starts_on", "Give the first day of the offering."),
    ],
)
def test_every_validation_message(cast, micro_credential, institution, overrides, field, message):
    with pytest.raises(OfferingInvalid) as exc:
        create(cast, micro_credential, institution, **overrides)
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert not Offering.objects.exists()


def test_retired_micro_credential_cannot_be_offered(cast, micro_credential, institution):
    micro_credential.status = "retired"
    micro_credential.save()
    with pytest.raises(OfferingInvalid) as exc:
        create(cast, micro_credential, institution)
    assert exc.value.errors["micro_credential"] == ["This micro-credential is retired: it cannot be offered any more."]


def test_grade_scales():
    assert parse_scale("0-10").normalise("7,5") == "7.5"
    assert parse_scale("0-10").normalise("10.0") == "10"
    assert parse_scale("0-10").normalise("11") is None
    assert parse_scale("A,B,C,D,E,F").normalise("b") == "B"
    assert parse_scale("A,B,C,D,E,F").normalise("G") is None
    assert parse_scale("10-0") is None and parse_scale("A") is None and parse_scale("") is None


def test_creator_assigns_assessors_of_the_micro_credentials_universities(
    cast, micro_credential, institution, make_user
):
    offering = create(cast, micro_credential, institution)
    services.assign_assessor(user=cast["proposer"], offering_id=offering.pk, email="ASSESSOR@uu.example")
    assert list(offering.assessors.all()) == [cast["assessor"]]
    services.assign_assessor(user=cast["proposer"], offering_id=offering.pk, email="assessor@uu.example")  # idempotent
    assert offering.assessor_links.count() == 1
    with pytest.raises(ResultInvalid):  # TCD has nothing to do with this micro-credential
        services.assign_assessor(user=cast["proposer"], offering_id=offering.pk, email="staff@tcd.example")
    with pytest.raises(ResultInvalid):
        services.assign_assessor(user=cast["proposer"], offering_id=offering.pk, email="nobody@example.org")
    with pytest.raises(NotAllowed):  # only the creator
        services.assign_assessor(user=cast["manager"], offering_id=offering.pk, email="assessor@uu.example")
    services.remove_assessor(user=cast["proposer"], offering_id=offering.pk, assessor_id=cast["assessor"].pk)
    assert not offering.assessor_links.exists()
