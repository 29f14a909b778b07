"""Issuance: idempotent per completion, random status indices without collisions, nothing stored on failure."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.exceptions import InvalidCompletion, IssuanceFailed, IssuerNotReady
from microcred.credentials.models import IssuedCredential, StatusList
from microcred.credentials.services import issuance, status
from microcred.credentials.services.issuance import issue_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import first_look_sees_nothing


def test_the_same_completion_twice_gives_one_credential(issue, make_version):
    version = make_version()
    first = issue(version=version, completion_key="enrolment-17:completion")
    again = issue(version=version, completion_key="enrolment-17:completion", learner_name="Someone Else")
    assert again.pk == first.pk
    assert again.document == first.document
    assert IssuedCredential.objects.count() == 1
    assert AuditEvent.objects.filter(action="credential.issued").count() == 1


def test_a_concurrent_call_that_loses_the_race_returns_the_winner(issue, make_version, monkeypatch):
    version = make_version()
    winner = issue(version=version, completion_key="race")
    calls = first_look_sees_nothing(monkeypatch)
    loser = issue(version=version, completion_key="race")
    assert len(calls) == 2  # the insert hit the unique constraint and looked again
    assert loser.pk == winner.pk
    assert IssuedCredential.objects.count() == 1
    assert AuditEvent.objects.filter(action="credential.issued").count() == 1


def test_a_status_index_collision_is_retried_with_another_index(issue, make_version, monkeypatch):
    first = issue()
    draws = iter([first.status_index, first.status_index, 4242])
    monkeypatch.setattr(issuance, "random_index", lambda length: next(draws))
    second = issue()
    assert second.status_index == 4242
    assert second.status_list_id == first.status_list_id
    assert second.document["credentialStatus"]["statusListIndex"] == "4242"
    assert IssuedCredential.objects.filter(status_list=first.status_list, status_index=first.status_index).count() == 1
    assert verify_credential_document(second.document).is_valid
    assert verify_credential_document(first.document).is_valid


def test_giving_up_after_too_many_collisions_stores_nothing(issue, monkeypatch):
    first = issue()
    monkeypatch.setattr(issuance, "random_index", lambda length: first.status_index)
    with pytest.raises(IssuanceFailed, match="No free status list index"):
        issue()
    assert IssuedCredential.objects.count() == 1


def test_indices_are_random_and_within_the_list(issue, make_version):
    version = make_version()
    credentials = [issue(version=version) for _ in range(6)]
    indices = [c.status_index for c in credentials]
    length = credentials[0].status_list.length
    assert length >= 131_072
    assert len(set(indices)) == 6 and all(0 <= i < length for i in indices)
    assert indices != sorted(indices) or max(indices) - min(indices) > 100  # not handed out in sequence


def test_a_new_status_list_opens_when_the_current_one_is_full(issue, make_version, monkeypatch):
    version = make_version()
    first = issue(version=version)
    monkeypatch.setattr(status, "FILL_LIMIT", 1 / first.status_list.length)
    second = issue(version=version)
    assert (first.status_list.number, second.status_list.number) == (1, 2)
    assert second.document["credentialStatus"]["statusListCredential"] == "https://mc.example.eu/status/ub/2"
    assert StatusList.objects.filter(issuer__slug="ub").count() == 2


def test_the_list_is_chosen_by_its_count_of_entries_taken(issue, make_version):
    version = make_version()
    first = issue(version=version)
    assert StatusList.objects.get(pk=first.status_list_id).entries_taken == 1
    # Counted as half full (as if by credentials stored on it since): the next credential opens list 2.
    StatusList.objects.filter(pk=first.status_list_id).update(entries_taken=first.status_list.length // 2)
    second = issue(version=version)
    assert (first.status_list.number, second.status_list.number) == (1, 2)
    assert StatusList.objects.get(pk=second.status_list_id).entries_taken == 1


def test_the_migration_counts_the_entries_of_the_lists_that_exist(issue, make_version):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("microcred.credentials.migrations.0013_status_list_entries_taken")
    version = make_version()
    issued = [issue(version=version) for _ in range(3)]
    StatusList.objects.update(entries_taken=0)  # as the column is added
    migration.count_entries(apps, None)
    assert StatusList.objects.get(pk=issued[0].status_list_id).entries_taken == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"learner_name": "  "}, "learner's name is required"),
        ({"learner_email": "not-an-address"}, "not a valid e-mail address"),
        ({"learner_did": "https://example.org/me"}, "not a valid DID"),
        ({"learner_name": "Bell\x07 Ringer"}, "control characters"),
        ({"grade": "A\ud800"}, "control characters"),
        ({"completion_key": ""}, "completion key is required"),
        ({"awarded_on": date.today() + timedelta(days=3)}, "cannot be in the future"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(issue, make_version, overrides, message):
    version = make_version()
    with pytest.raises(InvalidCompletion, match=message):
        issue(version=version, **overrides)
    assert IssuedCredential.objects.count() == 0
    assert not AuditEvent.objects.filter(action="credential.issued").exists()


def test_the_refusal_names_the_field_in_the_language_of_the_request(issue, make_version):
    from django.utils import translation

    version = make_version()
    with translation.override("es"), pytest.raises(InvalidCompletion) as refused:
        issue(version=version, learner_name="  ")
    assert refused.value.message == "El campo «nombre del estudiante» es obligatorio."


def test_an_issuer_without_keys_cannot_issue(db, make_version):
    version = make_version()
    with pytest.raises(IssuerNotReady, match="no issuer yet"):
        issue_credential(completion_key="x", micro_credential_version=version, learner_name="A", learner_email="a@b.eu")


def test_nothing_is_stored_when_the_signed_credential_does_not_verify(issue, make_version, monkeypatch):
    version = make_version()
    monkeypatch.setattr(
        issuance.vc, "verify", lambda doc, resolver: vc.VerificationResult(False, error=vc.InvalidProof())
    )
    with pytest.raises(IssuanceFailed, match="did not verify"):
        issue(version=version)
    assert IssuedCredential.objects.count() == 0


def test_issuance_is_audited_without_personal_data(issue, make_user):
    officer = make_user()
    credential = issue(issued_by=officer, learner_email="private.person@example.org")
    event = AuditEvent.objects.get(action="credential.issued")
    assert event.actor == officer and event.object_id == str(credential.pk)
    assert event.changes["credentials"] == [
        {
            "credential": credential.credential_id,
            "completion": credential.completion_key,
            "statusListIndex": credential.status_index,
        }
    ]
    assert "private.person" not in repr(event.changes) + event.summary
    assert credential.issued_by == officer
    assert credential.issued_at <= timezone.now()


def test_a_credential_that_does_not_conform_to_its_schema_is_not_issued(issue):
    from unittest import mock

    from microcred.credentials.exceptions import IssuanceFailed
    from microcred.credentials.models import IssuedCredential

    with (
        mock.patch(
            "microcred.credentials.services.issuance.extension_schema_errors",
            return_value=["achievement: 'x' is not valid"],
        ),
        pytest.raises(IssuanceFailed, match="JSON Schema"),
    ):
        issue()
    assert not IssuedCredential.objects.exists()
