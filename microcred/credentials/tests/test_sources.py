"""Achievement sources and the learner's account: what a credential is awarded for and to whom.

A credential names its source (model label and number) and its learner's account; issuance works for any
registered source, not only a micro-credential version; the holder is the account, not an e-mail address.
"""

import importlib
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from microcred.credentials import permissions, selectors
from microcred.credentials.models import IssuanceJob, IssuedCredential
from microcred.credentials.services import bulk
from microcred.credentials.services.composition import achievement_id
from microcred.credentials.services.issuance import issue_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.sources import (
    MicroCredentialVersionSource,
    load_source,
    register_source,
    source_for,
)
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import record_result, start_offering
from microcred.roles import Role


def test_a_micro_credential_version_is_an_achievement_source(issuers, make_version):
    version = make_version()
    source = source_for(version)
    assert isinstance(source, MicroCredentialVersionSource)
    assert (source.label, source.pk, source.title) == ("catalogue.MicroCredentialVersion", version.pk, version.title)
    assert source.issuer() == issuers["ub"]
    assert source.public_url() == achievement_id(version)
    assert load_source(source.label, source.pk).version == version


def test_a_credential_names_its_source(issue, make_version):
    version = make_version()
    credential = issue(version=version)
    assert (credential.source_type, credential.source_id) == ("catalogue.MicroCredentialVersion", version.pk)
    assert credential.micro_credential_version == version
    achievement = credential.document["credentialSubject"]["achievement"]
    assert achievement["id"] == source_for(version).public_url()


def test_the_database_keeps_a_version_credential_pointing_at_its_own_version(issue, make_version):
    credential = issue()
    other = make_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedCredential.objects.filter(pk=credential.pk).update(source_id=other.pk)


@dataclass(frozen=True)
class InstitutionAward:
    """A stand-in for another kind of achievement (a pathway version, a recognition decision): awarded by an
    institution's own issuer, its credential composed like a micro-credential's with its own name."""

    institution: object
    version: object = None
    label: ClassVar[str] = "reference.Institution"

    @property
    def pk(self):
        return self.institution.pk

    @property
    def title(self):
        return f"Award of {self.institution.name}"

    def issuer(self):
        return self.institution.issuer

    def public_url(self):
        return f"https://mc.example.eu/awards/{self.institution.slug}"

    def compose(self, **credential):
        document = MicroCredentialVersionSource(self.version).compose(**credential)
        document["credentialSubject"]["achievement"]["name"] = self.title
        return document

    def stored_fields(self):
        return {}


def test_any_registered_source_can_be_issued_without_a_micro_credential_version(issuers, institution, make_version):
    award = InstitutionAward(institution, make_version())
    credential = issue_credential(
        completion_key="award-1",
        source=award,
        learner_name="Ana García",
        learner_email="ana@example.org",
    )
    assert credential.micro_credential_version is None
    assert (credential.source_type, credential.source_id) == ("reference.Institution", institution.pk)
    assert credential.issuer == issuers["ub"]
    assert credential.document["credentialSubject"]["achievement"]["name"] == "Award of University of Barcelona"
    assert verify_credential_document(credential.document).is_valid
    assert str(credential).endswith("(reference.Institution)")


def test_a_model_has_one_source_adapter():
    @dataclass(frozen=True)
    class Another:
        version: object
        label: ClassVar[str] = "catalogue.MicroCredentialVersion"

    with pytest.raises(ValueError, match="already has an achievement source"):
        register_source(Another)
    with pytest.raises(LookupError):
        load_source("reference.Institution", 1)  # never registered (the stand-in above is passed directly)


def test_issuance_links_the_account_with_the_learners_address(issue, make_user):
    learner = make_user(email="ana.garcia@example.org")
    credential = issue(learner_email="Ana.Garcia@Example.org")
    assert credential.learner == learner
    assert issue(learner_email="nobody@example.org").learner is None


def test_the_holder_is_the_account_whatever_its_address_becomes(issue, make_user, client):
    learner = make_user(email="ana@example.org")
    credential = issue(learner_email="ana@example.org")
    learner.email = "ana.new@example.org"
    learner.save()
    newcomer = make_user(email="ana@example.org")  # someone else takes the old address
    assert permissions.is_holder(learner, credential)
    assert not permissions.is_holder(newcomer, credential)
    assert list(selectors.credentials_of(learner)) == [credential]
    assert list(selectors.credentials_of(newcomer)) == []


def test_a_credential_issued_to_no_account_is_held_by_the_account_with_its_address(issue, make_user):
    credential = issue(learner_email="later@example.org")
    assert credential.learner is None
    account = make_user(email="later@example.org")
    assert permissions.is_holder(account, credential)
    assert list(selectors.credentials_of(account)) == [credential]


def test_the_data_migration_links_existing_credentials_by_address(issue, make_user):
    learner = make_user(email="old@example.org")
    credential = issue(learner_email="old@example.org")
    orphan = issue(learner_email="unknown@example.org")
    IssuedCredential.objects.update(learner=None)
    migration = importlib.import_module("microcred.credentials.migrations.0006_fill_sources_and_learners")
    migration.fill(apps, None)
    credential.refresh_from_db()
    orphan.refresh_from_db()
    assert credential.learner == learner
    assert orphan.learner is None
    assert (credential.source_type, credential.source_id) == (
        "catalogue.MicroCredentialVersion",
        credential.micro_credential_version_id,
    )


# --- issuance jobs not tied to an offering -----------------------------------------------------------------


@pytest.fixture
def completed(offering, cast, issuers):
    """Two learners who completed an offering: their enrolments, with a passing result."""
    from django.utils import timezone

    from microcred.learning.models import Enrolment

    start_offering(offering)
    enrolments = []
    for key in ("learner", "learner2"):
        enrolment = Enrolment.objects.create(
            offering=offering, learner=cast[key], status="enrolled", enrolled_at=timezone.now()
        )
        record_result(offering, enrolment, recorded_by=offering.created_by)
        enrolments.append(enrolment)
    return offering.version, enrolments


def test_a_job_with_a_source_and_no_offering_issues_its_completions(completed, issuers, make_user, institution):
    version, enrolments = completed
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    outsider = make_user((Role.CREDENTIAL_OFFICER, None))  # the alliance's officer, not UB's
    job = IssuanceJob.objects.create(
        source_type="catalogue.MicroCredentialVersion",
        source_id=version.pk,
        issuer=issuers["ub"],
        requested_by=officer,
        total=2,
        enrolment_ids=[e.pk for e in enrolments],
    )
    assert permissions.can_follow_job(officer, job)
    assert not permissions.can_follow_job(outsider, job)
    job = bulk.run_job(job.pk)
    assert (job.status, job.issued, job.failed) == ("done", 2, 0)
    assert job.progress()["offering"] is None
    credentials = IssuedCredential.objects.filter(source_type="catalogue.MicroCredentialVersion", source_id=version.pk)
    assert sorted(c.learner_id for c in credentials) == sorted(e.learner_id for e in enrolments)


def test_a_job_with_no_offering_shows_in_its_page_and_the_api(completed, issuers, make_user, institution, client):
    """The job's page and /api/v1/issuance-jobs/{id} go by the job's issuer (there is no offering to ask)."""
    version, enrolments = completed
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    job = IssuanceJob.objects.create(
        source_type="catalogue.MicroCredentialVersion",
        source_id=version.pk,
        issuer=issuers["ub"],
        requested_by=make_user((Role.CREDENTIAL_OFFICER, institution)),
        total=2,
        enrolment_ids=[e.pk for e in enrolments],
        status=IssuanceJob.Status.FAILED,
    )
    client.force_login(officer)
    page = client.get(f"/credentials/jobs/{job.pk}/")
    assert page.status_code == 200
    assert page.context["action"] == "rerun"  # the issuer's officer may run it again
    assert "None" not in page.content.decode()
    answer = client.get(f"/api/v1/issuance-jobs/{job.pk}")
    assert answer.status_code == 200
    assert (answer.json()["id"], answer.json()["offering"]) == (job.pk, None)


def test_a_job_names_an_offering_or_a_source_and_its_issuer(make_user, issuers, make_version):
    version = make_version()
    for fields in ({}, {"source_type": "catalogue.MicroCredentialVersion", "source_id": version.pk}):
        with pytest.raises(IntegrityError), transaction.atomic():
            IssuanceJob.objects.create(requested_by=make_user(), total=0, enrolment_ids=[], **fields)


def test_an_offering_job_records_its_source_and_issuer(completed, cast, issuers, django_capture_on_commit_callbacks):
    version, enrolments = completed
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.start_issuance_job(user=cast["officer"], offering_id=enrolments[0].offering_id)
    job.refresh_from_db()
    assert (job.source_type, job.source_id, job.issuer) == (
        "catalogue.MicroCredentialVersion",
        version.pk,
        issuers["ub"],
    )
    assert {c.learner_id for c in IssuedCredential.objects.all()} == {e.learner_id for e in enrolments}


def test_erasure_finds_the_credentials_of_an_account_whose_address_changed(issue, make_user):
    from microcred.wallet.services import erase_my_account

    learner = make_user(email="before@example.org", password="a-long-test-password")
    credential = issue(learner_email="before@example.org", learner_name="Ana García")
    learner.email = "after@example.org"
    learner.save()
    erase_my_account(user=learner, password="a-long-test-password")
    credential.refresh_from_db()
    assert (credential.learner_name, credential.learner_did) == ("", "")
    assert credential.learner_email == f"erased-{learner.pk}@invalid"
    assert credential.document == {"id": credential.credential_id, "erased": True}
    assert credential.learner_id == learner.pk  # the (erased) account, by number
