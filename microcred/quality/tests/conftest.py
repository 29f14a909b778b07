import pytest
from django.utils import timezone

from microcred.catalogue.models import MicroCredential
from microcred.proposals import services as proposal_services
from microcred.proposals.models import Meeting
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures reused here)
from microcred.proposals.tests.test_services import draft, to_agenda
from microcred.roles import Role


@pytest.fixture
def quality(make_user):
    return make_user(Role.QUALITY_OFFICE, email="quality@example.org")


@pytest.fixture
def council_meeting(people):
    return proposal_services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )


def approve(proposal, people):
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def mc(people, refdata, institution, other_institution, council_meeting):
    """A published micro-credential awarded by `institution` (UB), co-led by `other_institution` (UU)."""
    approve(draft(people, refdata, institution, other_institution), people)
    return MicroCredential.objects.get()
