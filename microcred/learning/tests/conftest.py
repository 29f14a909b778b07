import pytest

from microcred.learning.tests.factories import make_micro_credential, make_offering
from microcred.roles import Role


@pytest.fixture
def third_institution(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="tcd",
        short_name="TCD",
        name="Trinity College Dublin",
        country="Ireland",
        country_code="IE",
        domain="tcd.ie",
    )


@pytest.fixture
def cast(make_user, institution, other_institution, third_institution):
    """UB awards; UU co-leads; TCD has nothing to do with the micro-credential."""
    return {
        "proposer": make_user((Role.PROPOSER, institution), email="proposer@ub.example", full_name="Laia Puig"),
        "assessor": make_user(
            (Role.ASSESSOR, other_institution), email="assessor@uu.example", full_name="Daan Assessor"
        ),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, institution), email="manager@ub.example"),
        "outsider": make_user(
            (Role.PROPOSER, third_institution), (Role.ASSESSOR, third_institution), email="staff@tcd.example"
        ),
        "officer": make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example"),
        "central_officer": make_user(Role.CREDENTIAL_OFFICER, email="officer@alliance.example"),
        "learner": make_user(Role.LEARNER, email="learner@example.org", full_name="Katrin Weber"),
        "learner2": make_user(Role.LEARNER, email="learner2@example.org", full_name="Tomás García"),
        "learner3": make_user(Role.LEARNER, email="learner3@example.org", full_name="Ana Silva"),
        "unverified": make_user(Role.LEARNER, email="new@example.org", verified=False),
    }


@pytest.fixture
def micro_credential(cast, institution, other_institution):
    return make_micro_credential(institution=institution, proposer=cast["proposer"], co_leads=[other_institution])


@pytest.fixture
def offering(micro_credential, cast, institution):
    return make_offering(
        micro_credential=micro_credential,
        creator=cast["proposer"],
        institution=institution,
        assessors=[cast["assessor"]],
    )
