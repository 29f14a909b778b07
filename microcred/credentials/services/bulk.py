"""Issuing from the "ready for a credential" queue: one learner, or a whole offering as a background job."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import PermissionDenied, ValidationFailed
from microcred.credentials.models import IssuanceJob, IssuedCredential
from microcred.credentials.notifications import email_credential_issued
from microcred.credentials.permissions import is_credential_officer_of
from microcred.credentials.services.issuance import issue_credential, issuer_for_version

logger = logging.getLogger(__name__)


def pending_completions(offering) -> list:
    """The offering's completions that have no credential yet."""
    from microcred.learning.selectors import ready_for_credential

    ready = ready_for_credential(offering=offering)
    done = set(
        IssuedCredential.objects.filter(completion_key__in=[e.completion_key for e in ready]).values_list(
            "completion_key", flat=True
        )
    )
    return [e for e in ready if e.completion_key not in done]


def check_may_issue(user, offering) -> None:
    issuer = issuer_for_version(offering.version)
    if not is_credential_officer_of(user, issuer):
        raise PermissionDenied(
            _("Only a credential officer of %(issuer)s issues these credentials.") % {"issuer": issuer.name}
        )


def issue_for_enrolment(*, enrolment, issued_by) -> IssuedCredential:
    """Issue (or return the already issued) credential of one completion, and e-mail the learner once."""
    from microcred.learning.selectors import completion_for_issuance

    completion = completion_for_issuance(enrolment)
    existed = IssuedCredential.objects.filter(completion_key=completion["completion_key"]).exists()
    credential = issue_credential(**completion, issued_by=issued_by)
    if not existed:
        transaction.on_commit(lambda: email_credential_issued(credential.pk))
    return credential


def issue_one(*, user, enrolment_id: int) -> IssuedCredential:
    from microcred.learning.models import Enrolment

    enrolment = Enrolment.objects.select_related("offering__version").filter(pk=enrolment_id).first()
    if enrolment is None:
        raise ValidationFailed(_("There is no such enrolment."))
    check_may_issue(user, enrolment.offering)
    with transaction.atomic():
        return issue_for_enrolment(enrolment=enrolment, issued_by=user)


@transaction.atomic
def start_issuance_job(*, user, offering_id: int) -> IssuanceJob:
    """Queue the issuance of every pending credential of an offering; the work runs in the background."""
    from microcred.credentials.tasks import run_issuance_job
    from microcred.learning.exceptions import OfferingNotFound
    from microcred.learning.models import Offering

    offering = Offering.objects.select_related("version").filter(pk=offering_id).first()
    if offering is None:
        raise OfferingNotFound()
    check_may_issue(user, offering)
    pending = pending_completions(offering)
    if not pending:
        raise ValidationFailed(_("Every completion of this offering already has its credential."))
    job = IssuanceJob.objects.create(
        offering=offering, requested_by=user, total=len(pending), enrolment_ids=[e.pk for e in pending]
    )
    record_audit_event(
        actor=user,
        action="credential.bulk_issue_started",
        target=job,
        changes={"offering": offering.pk, "total": len(pending)},
    )
    transaction.on_commit(lambda: run_issuance_job.delay(job.pk))
    return job


def run_job(job_id: int) -> IssuanceJob:
    """Work through the job. Each completion in its own transaction; safe to run again after a crash."""
    job = IssuanceJob.objects.select_related("offering__version", "requested_by").get(pk=job_id)
    if job.status in (IssuanceJob.Status.DONE, IssuanceJob.Status.FAILED):
        return job
    from microcred.learning.models import Enrolment
    from microcred.learning.selectors import completion_key

    IssuanceJob.objects.filter(pk=job.pk).update(
        status=IssuanceJob.Status.RUNNING, issued=0, already_issued=0, failed=0, errors=[]
    )
    errors = []
    for enrolment in Enrolment.objects.filter(pk__in=job.enrolment_ids).order_by("pk"):
        enrolment.completion_key = completion_key(enrolment)
        existed = IssuedCredential.objects.filter(completion_key=enrolment.completion_key).exists()
        try:
            with transaction.atomic():
                issue_for_enrolment(enrolment=enrolment, issued_by=job.requested_by)
        except Exception as exc:  # one learner's problem must not stop the others; it is reported
            logger.exception("Issuing for enrolment %s failed", enrolment.pk)
            errors.append({"enrolment": enrolment.pk, "error": str(getattr(exc, "message", exc))[:300]})
            IssuanceJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1, errors=errors)
            continue
        field = "already_issued" if existed else "issued"
        IssuanceJob.objects.filter(pk=job.pk).update(**{field: F(field) + 1})
    job.refresh_from_db()
    job.status = IssuanceJob.Status.FAILED if job.failed else IssuanceJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    record_audit_event(
        actor=job.requested_by,
        action="credential.bulk_issue_finished",
        target=job,
        changes={"issued": job.issued, "already_issued": job.already_issued, "failed": job.failed},
    )
    return job
