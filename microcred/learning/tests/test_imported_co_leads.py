"""The co-lead universities of a micro-credential approved outside the platform offer and assess it too.

An imported version has no proposal, so its co-leads are only on the version (`co_lead_institutions`);
the learning app asks the version (`MicroCredentialVersion.university_ids`), not the proposal.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.catalogue.services import publish_imported_micro_credential
from microcred.learning import permissions, services
from microcred.learning.exceptions import NotAllowed
from microcred.learning.models import Offering, Result
from microcred.learning.tests.factories import offering_values
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(make_user, institution, other_institution):
    """Awarded by UB, co-led by UU, imported (no proposal behind it)."""
    version = publish_imported_micro_credential(
        actor=make_user(email="admin@alliance.example"),
        title="Circular economy in practice",
        awarding_institution=institution,
        co_leads=[other_institution],
        kind="non_formal",
        learning_outcomes=[("Map the material flows of a product.", [])],
        quality_assurance="Reviewed by the Academic Council.",
        approval_note="Approved by the Academic Council on 12 May 2022.",
        completion_criteria="Pass the final assignment.",
        assessment_types=["report"],
    )
    assert version.proposal_version is None
    return version


@pytest.fixture
def co_lead_staff(make_user, other_institution):
    return {
        "proposer": make_user((Role.PROPOSER, other_institution), email="proposer@uu.example"),
        "assessor": make_user((Role.ASSESSOR, other_institution), email="assessor@uu.example"),
    }


def test_the_version_names_its_co_leads_although_it_has_no_proposal(imported, institution, other_institution):
    assert imported.university_ids() == {institution.pk, other_institution.pk}
    assert imported.universities() == [institution, other_institution]
    assert permissions.micro_credential_universities(imported) == {institution.pk, other_institution.pk}


def test_a_co_lead_assessor_creates_an_offering_and_runs_it(imported, co_lead_staff, other_institution, make_user):
    assessor = co_lead_staff["assessor"]
    offering = services.create_offering(
        user=assessor,
        micro_credential_id=imported.micro_credential_id,
        institution=other_institution,
        data=offering_values(),
    )
    assert offering.institution == other_institution and offering.version == imported
    # The creator assigns herself as its assessor and records a learner's result.
    services.assign_assessor(user=assessor, offering_id=offering.pk, email=assessor.email)
    learner = make_user(Role.LEARNER, email="learner@example.org")
    services.enrol(user=learner, offering_id=offering.pk)
    today = timezone.localdate()
    Offering.objects.filter(pk=offering.pk).update(starts_on=today - dt.timedelta(days=7), ends_on=today)
    result, changed = services.record_result(
        user=assessor,
        offering_id=offering.pk,
        learner_id=learner.pk,
        data={"participated": "yes", "result": "pass", "grade": "7", "assessed_on": today.isoformat()},
    )
    assert changed and Result.objects.get(pk=result.pk).outcome == Result.Outcome.PASS


def test_a_co_lead_proposer_creates_one_through_the_page(client, imported, co_lead_staff, other_institution):
    client.force_login(co_lead_staff["proposer"])
    url = reverse("learning:offering-create", args=[imported.micro_credential_id])
    assert client.get(url).status_code == 200
    values = offering_values()
    data = {k: ("" if v is None else v) for k, v in values.items()}
    data["enrolment_opens"] = timezone.localtime(values["enrolment_opens"]).strftime("%Y-%m-%dT%H:%M")
    data["enrolment_closes"] = timezone.localtime(values["enrolment_closes"]).strftime("%Y-%m-%dT%H:%M")
    data["institution"] = other_institution.pk
    response = client.post(url, data)
    assert response.status_code == 302
    assert Offering.objects.get().institution == other_institution


def test_staff_of_a_university_that_is_neither_may_not(imported, make_user):
    from microcred.reference.models import Institution

    tcd = Institution.objects.create(slug="tcd", short_name="TCD", name="Trinity College Dublin", country_code="IE")
    outsider = make_user((Role.PROPOSER, tcd), (Role.ASSESSOR, tcd), email="staff@tcd.example")
    with pytest.raises(NotAllowed):
        services.create_offering(
            user=outsider, micro_credential_id=imported.micro_credential_id, institution=tcd, data=offering_values()
        )
