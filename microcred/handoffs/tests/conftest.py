import pytest

from microcred.proposals.tests.approvals import approved
from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures)
from microcred.roles import Role


@pytest.fixture
def offices(make_user, institution):
    return {
        "communication": make_user(Role.COMMUNICATION_OFFICE, email="communication@example.org"),
        "quality": make_user(Role.QUALITY_OFFICE, email="quality@example.org"),
    }


@pytest.fixture
def approval(people, refdata, institution, other_institution, offices, django_capture_on_commit_callbacks):
    """An approved micro-credential proposal, with its hand-off tasks (and their e-mails sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        return approved(people, refdata, institution, other_institution)
