"""Issue #16, defect 6 below the pages: no new share link for a revoked credential, and "my learning" finds each
completion's credential in the wallet (with whether it was revoked) through the learning panels' registry."""

import pytest

from microcred.core.exceptions import ValidationFailed
from microcred.credentials.services.status import revoke_credential
from microcred.learning.panels import EnrolmentCredential, credentials_of_enrolments
from microcred.roles import Role
from microcred.wallet import services
from microcred.wallet.models import ShareLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", full_name="Katrin Weber")


def test_a_revoked_credential_gets_no_new_share_link(holder, issue, make_user):
    credential = issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    services.create_share_link(user=holder, credential_uuid=credential.uuid)
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution)), credential.pk, "Wrong")
    with pytest.raises(ValidationFailed, match="revoked"):
        services.create_share_link(user=holder, credential_uuid=credential.uuid)
    assert ShareLink.objects.count() == 1


def test_my_learning_finds_the_credential_of_each_completion(holder, issue, make_user):
    mine = issue(completion_key="completion:1", learner=holder, learner_email="katrin@example.org")
    issue(completion_key="completion:2", learner_email="someone@example.org")  # not hers
    found = credentials_of_enrolments(holder, ["completion:1", "completion:2", "completion:3"])
    assert found == {"completion:1": EnrolmentCredential(url=f"/wallet/{mine.uuid}/", revoked=False)}
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, mine.issuer.institution)), mine.pk, "Wrong offering")
    assert credentials_of_enrolments(holder, ["completion:1"])["completion:1"].revoked is True
    assert credentials_of_enrolments(holder, []) == {}
