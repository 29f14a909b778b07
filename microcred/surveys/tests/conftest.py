import pytest
from django.utils import timezone

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering
from microcred.roles import Role


@pytest.fixture
def people(make_user, institution, other_institution):
    return {
        "quality": make_user(Role.QUALITY_OFFICE, email="quality@example.org"),
        "admin": make_user(Role.ALLIANCE_ADMIN, email="admin@example.org"),
        "proposer": make_user((Role.PROPOSER, institution), email="proposer@ub.example", full_name="Laia Puig"),
        "assessor": make_user((Role.ASSESSOR, institution), email="assessor@ub.example", full_name="Pau Assessor"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, institution), email="manager@ub.example"),
        "other_manager": make_user((Role.INSTITUTIONAL_MANAGER, other_institution), email="manager@uu.example"),
        "council": make_user(Role.COUNCIL_MEMBER, email="council@example.org"),
    }


@pytest.fixture
def learners(make_user):
    return [
        make_user(Role.LEARNER, email=f"learner{n}@example.org", full_name=f"Learner {n}", preferred_language="en")
        for n in range(1, 8)
    ]


@pytest.fixture
def micro_credential(people, institution):
    return make_micro_credential(institution=institution, proposer=people["proposer"])


def enrol(offering, learner, status=Enrolment.Status.ENROLLED):
    return Enrolment.objects.create(
        offering=offering,
        learner=learner,
        status=status,
        prerequisites_acknowledged=True,
        enrolled_at=timezone.now() if status == Enrolment.Status.ENROLLED else None,
        cancelled_at=timezone.now() if status == Enrolment.Status.CANCELLED else None,
    )


@pytest.fixture
def make_ended_offering(micro_credential, people, institution):
    def make(learners, *, cancelled=(), waitlisted=()):
        offering = make_offering(
            micro_credential=micro_credential,
            creator=people["proposer"],
            institution=institution,
            assessors=[people["assessor"]],
        )
        start_offering(offering)
        for learner in learners:
            enrol(offering, learner)
        for learner in cancelled:
            enrol(offering, learner, Enrolment.Status.CANCELLED)
        for learner in waitlisted:
            enrol(offering, learner, Enrolment.Status.WAITLISTED)
        return offering

    return make


@pytest.fixture
def ended_offering(make_ended_offering, learners):
    """Five learners enrolled, one cancelled, one left on the waiting list; its last day was yesterday."""
    return make_ended_offering(learners[:5], cancelled=[learners[5]], waitlisted=[learners[6]])
