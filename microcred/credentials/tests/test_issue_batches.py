"""Issuing a batch of completions (issue_credentials): exactly once each, all or nothing when a credential does not
conform, random status indices without collisions within and across batches, one audit event per batch."""

from datetime import date
from itertools import count

import pytest
from django.core import mail

from microcred.audit.models import AuditEvent
from microcred.credentials.exceptions import IssuanceFailed
from microcred.credentials.models import IssuanceJobItem, IssuedCredential, StatusList
from microcred.credentials.services import bulk, issuance
from microcred.credentials.services.issuance import Completion, issue_credentials
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.signals import credential_issued
from microcred.credentials.tests.helpers import first_look_sees_nothing
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering

pytestmark = pytest.mark.django_db

_numbers = count(1)


def completions(n: int, **overrides) -> list[Completion]:
    made = []
    for _ in range(n):
        number = next(_numbers)
        fields = {
            "completion_key": f"batch-{number}",
            "learner_name": f"Learner {number}",
            "learner_email": f"learner{number}@example.org",
            "grade": "8.5" if number % 2 else None,
            "awarded_on": date(2026, 7, 1),
        }
        fields.update(overrides)
        made.append(Completion(**fields))
    return made


def listed_in_audit() -> list[str]:
    return sorted(
        entry["completion"]
        for event in AuditEvent.objects.filter(action="credential.issued")
        for entry in event.changes["credentials"]
    )


def test_a_batch_issues_each_completion_with_one_audit_event(issuers, make_version):
    version = make_version()
    batch = completions(5)
    outcomes = issue_credentials(batch, source=version)
    assert [o.created for o in outcomes] == [True] * 5 and all(o.error is None for o in outcomes)
    assert [o.credential.completion_key for o in outcomes] == [c.completion_key for c in batch]
    assert AuditEvent.objects.filter(action="credential.issued").count() == 1
    assert listed_in_audit() == sorted(c.completion_key for c in batch)
    for credential in IssuedCredential.objects.all():
        assert verify_credential_document(credential.document).is_valid
        assert credential.document["credentialStatus"]["statusListIndex"] == str(credential.status_index)
    # Each credential has its own achievement (composed once for the batch, copied into each).
    documents = [o.credential.document for o in outcomes]
    assert documents[0]["credentialSubject"]["achievement"] is not documents[2]["credentialSubject"]["achievement"]
    assert "resultDescription" in documents[0]["credentialSubject"]["achievement"]  # graded
    assert "resultDescription" not in documents[1]["credentialSubject"]["achievement"]  # not graded


def test_a_batch_where_one_learner_already_holds_the_credential(issue, issuers, make_version):
    version = make_version()
    batch = completions(3)
    already = issue(version=version, completion_key=batch[1].completion_key)
    outcomes = issue_credentials(batch, source=version)
    assert [o.created for o in outcomes] == [True, False, True]
    assert outcomes[1].credential.pk == already.pk
    assert IssuedCredential.objects.count() == 3
    assert listed_in_audit() == sorted(c.completion_key for c in batch)  # the earlier one listed once, by its call
    again = issue_credentials(batch, source=version)  # a retry issues nothing
    assert [o.created for o in again] == [False] * 3
    assert [o.credential.pk for o in again] == [o.credential.pk for o in outcomes]
    assert IssuedCredential.objects.count() == 3 and AuditEvent.objects.filter(action="credential.issued").count() == 2


def test_the_same_completion_twice_in_a_batch_is_issued_once(issuers, make_version):
    batch = completions(2)
    outcomes = issue_credentials([batch[0], batch[1], batch[0]], source=make_version())
    assert [o.created for o in outcomes] == [True, True, True]
    assert outcomes[0].credential.pk == outcomes[2].credential.pk
    assert IssuedCredential.objects.count() == 2


def test_a_completion_with_bad_data_is_reported_and_the_others_are_issued(issuers, make_version):
    good = completions(2)
    bad = completions(1, learner_email="not an address")[0]
    outcomes = issue_credentials([good[0], bad, good[1]], source=make_version())
    assert outcomes[1].error is not None and "not a valid e-mail address" in str(outcomes[1].error)
    assert outcomes[1].credential is None and not outcomes[1].created
    assert outcomes[0].created and outcomes[2].created
    assert sorted(IssuedCredential.objects.values_list("completion_key", flat=True)) == sorted(
        c.completion_key for c in good
    )


def test_a_batch_that_fails_validation_stores_nothing(issuers, make_version, monkeypatch):
    batch = completions(4)
    real = issuance.ob_schema_errors

    def one_does_not_conform(document):
        if document["credentialSubject"]["identifier"][1]["identityHash"] == batch[2].learner_name:
            return ["/credentialSubject: made not to conform"]
        return real(document)

    monkeypatch.setattr(issuance, "ob_schema_errors", one_does_not_conform)
    sent = []
    credential_issued.connect(sent.append, dispatch_uid="test-batch-validation")
    try:
        with pytest.raises(IssuanceFailed, match="made not to conform"):
            issue_credentials(batch, source=make_version())
    finally:
        credential_issued.disconnect(dispatch_uid="test-batch-validation")
    assert IssuedCredential.objects.count() == 0
    assert not AuditEvent.objects.filter(action="credential.issued").exists()
    assert sent == []


def test_a_batch_whose_signature_does_not_verify_stores_nothing(issuers, make_version, monkeypatch):
    from microcred import vc

    monkeypatch.setattr(
        issuance.vc, "verify", lambda doc, resolver: vc.VerificationResult(False, error=vc.InvalidProof())
    )
    with pytest.raises(IssuanceFailed, match="did not verify"):
        issue_credentials(completions(3), source=make_version())
    assert IssuedCredential.objects.count() == 0


def test_the_self_check_resolves_only_the_signing_key(issuers, make_version, monkeypatch):
    """Verified with the issuer key's public key in memory, not through a database or DID look-up."""
    from microcred.credentials.services import issuers as issuer_services

    def no_lookup(vm_id):
        raise AssertionError("resolve_verification_method was called")

    monkeypatch.setattr(issuer_services, "resolve_verification_method", no_lookup)
    monkeypatch.setattr(issuance, "resolve_verification_method", no_lookup)
    (outcome,) = issue_credentials(completions(1), source=make_version())
    assert outcome.created
    credential = outcome.credential
    resolve = issuance._key_resolver(credential.issuer_key)
    assert resolve(credential.issuer_key.verification_method_id) is not None
    with pytest.raises(Exception, match="not the key"):
        resolve(credential.issuer_key.verification_method_id + "-other")


def test_status_indices_are_unique_within_and_across_batches(issuers, make_version, monkeypatch):
    import random

    version = make_version()
    draws = random.Random(17)
    # A tiny range of draws, so that batches keep drawing indices already taken, in the batch and before it.
    monkeypatch.setattr(issuance, "random_index", lambda length: draws.randrange(60))
    for _ in range(4):
        issue_credentials(completions(10), source=version)
    credentials = list(IssuedCredential.objects.all())
    assert len(credentials) == 40
    assert len({(c.status_list_id, c.status_index) for c in credentials}) == 40
    assert all(c.document["credentialStatus"]["statusListIndex"] == str(c.status_index) for c in credentials)


def test_an_index_taken_meanwhile_by_another_batch_is_drawn_and_signed_again(issue, issuers, make_version, monkeypatch):
    version = make_version()
    first = issue(version=version)
    draws = iter([first.status_index, 4242])
    monkeypatch.setattr(issuance, "random_index", lambda length: next(draws))
    real = issuance.indices_in_use
    looks = []

    def not_yet_committed(status_list, indices):
        # The look before the lock does not see the other batch's credential yet; the one under the lock does.
        looks.append(list(indices))
        return set() if len(looks) == 1 else real(status_list, indices)

    monkeypatch.setattr(issuance, "indices_in_use", not_yet_committed)
    (outcome,) = issue_credentials(completions(1), source=version)
    assert outcome.created and outcome.credential.status_index == 4242
    assert outcome.credential.document["credentialStatus"]["statusListIndex"] == "4242"
    assert verify_credential_document(outcome.credential.document).is_valid


def test_the_status_list_counts_each_entry_it_gave_out_once(issue, issuers, make_version, monkeypatch):
    """A credential stored one by one or in a batch is counted once; a batch whose store clashed with a concurrent
    call's credential (rolled back, then stored without it) and a retry that stores nothing add nothing more."""
    version = make_version()
    batch = completions(4)
    issue(version=version, completion_key=batch[0].completion_key)
    looks = first_look_sees_nothing(monkeypatch)
    outcomes = issue_credentials(batch, source=version)
    assert [o.created for o in outcomes] == [False, True, True, True] and len(looks) == 2
    monkeypatch.undo()
    assert not any(o.created for o in issue_credentials(batch, source=version))
    status_list = StatusList.objects.get()
    assert status_list.entries_taken == 4 == status_list.entries.count()


def test_a_batch_of_one_is_what_issue_credential_does(issue, issuers, make_version):
    """issue_credential and issue_credentials store the same credential (one implementation)."""
    version = make_version()
    single = issue(version=version, completion_key="one", learner_name="Ana García", grade="7")
    (outcome,) = issue_credentials(
        [Completion("two", "Ana García", single.learner_email, grade="7", awarded_on=single.awarded_on)],
        source=version,
    )
    batched = outcome.credential
    varying = {"id", "validFrom", "credentialStatus", "proof", "credentialSubject"}
    assert {k: v for k, v in single.document.items() if k not in varying} == {
        k: v for k, v in batched.document.items() if k not in varying
    }
    subject, other = single.document["credentialSubject"], batched.document["credentialSubject"]
    assert subject["achievement"] == other["achievement"] and subject["result"] == other["result"]


# --- the job path: batches of completions ------------------------------------------------------------------


@pytest.fixture
def cohort(offering, cast, issuers, make_user):
    from microcred.roles import Role

    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"cohort{n}@example.org", full_name=f"Learner {n}") for n in range(5)]
    return offering, [enrol_and_pass(offering, learner) for learner in learners]


def test_a_job_issues_in_batches_and_emails_each_learner_once(
    cohort, cast, monkeypatch, django_capture_on_commit_callbacks
):
    offering, enrolments = cohort
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.issued, job.failed) == ("done", 5, 5, 0)
    assert IssuanceJobItem.objects.filter(job=job).count() == 5
    assert AuditEvent.objects.filter(action="credential.issued").count() == 3  # batches of 2, 2 and 1
    assert len(listed_in_audit()) == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.learner.email for e in enrolments)
    assert all(c.learner_id is not None for c in IssuedCredential.objects.all())


def test_a_job_batch_that_fails_is_issued_one_by_one_and_only_the_bad_one_fails(
    cohort, cast, monkeypatch, django_capture_on_commit_callbacks
):
    offering, enrolments = cohort
    bad = enrolments[2].learner.full_name
    real = issuance.ob_schema_errors

    def one_does_not_conform(document):
        if document["credentialSubject"]["identifier"][1]["identityHash"] == bad:
            return ["/credentialSubject: made not to conform"]
        return real(document)

    monkeypatch.setattr(issuance, "ob_schema_errors", one_does_not_conform)
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    job.refresh_from_db()
    assert (job.status, job.issued, job.failed) == ("failed", 4, 1)
    assert job.errors[0]["enrolment"] == enrolments[2].pk and "made not to conform" in job.errors[0]["error"]
    assert IssuedCredential.objects.count() == 4
    assert len(mail.outbox) == 4 and len(listed_in_audit()) == 4


def test_credential_issued_is_sent_for_each_credential_with_one_batch_memo_and_one_pathway_look_up(
    issuers, make_version, monkeypatch, django_capture_on_commit_callbacks
):
    from microcred.pathways import award

    looked_up, batches = [], []
    monkeypatch.setattr(award, "counts_towards_a_pathway", lambda credential: looked_up.append(credential) or False)

    def receiver(sender, credential, batch, **kwargs):
        batches.append((credential.completion_key, id(batch)))

    credential_issued.connect(receiver, dispatch_uid="test-batch-memo")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            issued = issue_credentials(completions(4), source=make_version())
    finally:
        credential_issued.disconnect(dispatch_uid="test-batch-memo")
    assert sorted(key for key, _ in batches) == sorted(o.credential.completion_key for o in issued)
    assert len({memo for _, memo in batches}) == 1  # one dict shared by the batch's calls
    assert len(looked_up) == 1  # the pathways receiver asked once for the batch, not once per credential
