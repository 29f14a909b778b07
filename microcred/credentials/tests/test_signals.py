"""credential_issued and credential_revoked: sent after the commit, once per credential, never for a retry."""

import pytest
from django.db import transaction

from microcred.credentials.exceptions import AlreadyRevoked
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.signals import credential_issued, credential_revoked
from microcred.roles import Role


@pytest.fixture
def received():
    """A first subscriber: records (signal name, sender, credential id) of every signal it receives."""
    seen = []

    def on_issued(sender, credential, **kwargs):
        seen.append(("issued", sender, credential.pk))

    def on_revoked(sender, credential, **kwargs):
        seen.append(("revoked", sender, credential.pk, credential.is_revoked))

    credential_issued.connect(on_issued, weak=False)
    credential_revoked.connect(on_revoked, weak=False)
    yield seen
    credential_issued.disconnect(on_issued)
    credential_revoked.disconnect(on_revoked)


def test_issuing_sends_credential_issued_once_after_the_commit(
    issue, make_version, received, django_capture_on_commit_callbacks
):
    version = make_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credential = issue(version=version, completion_key="signal-1")
    assert received == []  # not before the commit
    for callback in callbacks:
        callback()
    assert received == [("issued", IssuedCredential, credential.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        again = issue(version=version, completion_key="signal-1")  # a retry of the same completion
    assert again.pk == credential.pk
    assert received == [("issued", IssuedCredential, credential.pk)]


def test_a_rolled_back_issuance_sends_nothing(issue, received, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        issue(completion_key="rolled-back")
        raise RuntimeError("the caller's transaction fails")
    assert callbacks == []
    assert received == []
    assert not IssuedCredential.objects.filter(completion_key="rolled-back").exists()


def test_revoking_sends_credential_revoked_once(
    issue, make_user, institution, received, django_capture_on_commit_callbacks
):
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    credential = issue()
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(officer, credential.credential_id, "Issued by mistake.")
    assert received == [("revoked", IssuedCredential, credential.pk, True)]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AlreadyRevoked):
        revoke_credential(officer, credential.credential_id, "Again.")
    assert len(received) == 1


def test_a_failing_receiver_does_not_undo_the_credential_nor_silence_the_others(
    issue, received, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, credential, **kwargs):
        raise ValueError("subscriber bug")

    credential_issued.connect(broken, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            credential = issue(completion_key="broken-receiver")
    finally:
        credential_issued.disconnect(broken)
    assert IssuedCredential.objects.filter(pk=credential.pk).exists()
    assert ("issued", IssuedCredential, credential.pk) in received
    assert "A receiver of a credential signal failed" in caplog.text
