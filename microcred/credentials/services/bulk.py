"""Issuing from the "ready for a credential" queue: one learner, or a whole offering as a background job.

Exactly once, whatever the number of jobs, retries, redeliveries or workers:

* one credential per completion: issue_credential_once (the completion key is unique), which also says
  whether this call made it;
* one e-mail per credential: its outbox row (``credential-issued:<id>``, a unique key) is written in the
  transaction that stores the credential, and only by the call that made it (microcred.outbox delivers it);
* one queued or running job per offering: a conditional unique constraint (IssuanceJob.Meta);
* within a job, a batch of completions (BATCH_SIZE) is issued (issue_credentials), recorded
  (IssuanceJobItem, unique per job and enrolment) and counted in one transaction, under the job's row lock,
  so the counters say what was actually issued. A batch that fails as a whole is issued one completion at a
  time, so one learner's problem is reported for that learner and does not stop the others.

With ISSUANCE_JOB_FAN_OUT, the runner does not issue the batches itself: it queues each batch as a task of its
own (run_job_batch), so that every worker takes part in one large offering. A batch then holds the job's row
only in a shared mode (PostgreSQL FOR KEY SHARE: batches run side by side, while a takeover, the sweep or
"Resume", which lock it FOR UPDATE, wait for them) and locks its enrolments, so that two deliveries of one
batch run one after the other; the counters and errors are added under a short FOR NO KEY UPDATE at its end,
and the batch that completes the job finishes it.

A job's runner holds a lease (IssuanceJob.runner) renewed with every completion. With late acknowledgement a
worker that is killed leaves the task's message unacknowledged; the broker hands it to another worker after
its visibility timeout (Celery documentation, "Using Redis": visibility timeout), and that delivery takes the
job over where it stopped, because the lease is stale (ISSUANCE_JOB_LEASE_SECONDS) or its own (the same task).
The sweep (sweep_jobs, run by Celery beat) marks a running job that made no progress for
ISSUANCE_JOB_STALE_SECONDS failed, for a credential officer to run again from its page (resume_job), and
queues again the jobs whose task never reached a worker (the broker was down when they were started).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed
from microcred.credentials.models import IssuanceJob, IssuanceJobItem, IssuedCredential
from microcred.credentials.notifications import announce_credential_issued, announce_credentials_issued
from microcred.credentials.permissions import is_credential_officer_of
from microcred.credentials.selectors import issuer_for_version, job_issuer
from microcred.credentials.services.issuance import Completion, issue_credential_once, issue_credentials
from microcred.credentials.sources import source_for
from microcred.learning.exceptions import OfferingNotFound
from microcred.learning.models import Enrolment, Offering
from microcred.learning.selectors import completion_for_issuance, ready_for_credential
from microcred.outbox.services import after_commit

logger = logging.getLogger(__name__)

Status = IssuanceJob.Status
Outcome = IssuanceJobItem.Outcome
COUNTER = {Outcome.ISSUED: "issued", Outcome.ALREADY_ISSUED: "already_issued", Outcome.FAILED: "failed"}
# Completions issued, recorded and counted per transaction of a job (one status-list lock, one audit event, one
# heartbeat each): large enough that the per-batch work is small beside signing, small enough that a batch takes
# about a second, far below ISSUANCE_JOB_LEASE_SECONDS.
BATCH_SIZE = 200


class JobAlreadyRunning(DomainError):
    """An issuance job for this offering is already queued or running."""

    code = "issuance_job_running"
    status = 409

    def __init__(self, job: IssuanceJob):
        super().__init__(
            _("The credentials of this offering are already being issued (job #%(job)d): follow its progress.")
            % {"job": job.pk},
            job=job.pk,
        )
        self.job = job


class PendingChanged(DomainError):
    """The number of completions waiting is not the one the person confirmed: someone's result changed
    meanwhile. Nothing is started; ``issuer`` and ``pending`` are the current ones, to ask again."""

    code = "issuance_pending_changed"
    status = 409

    def __init__(self, issuer, pending: list):
        n = len(pending)
        super().__init__(
            ngettext(
                "The number of learners waiting changed while you looked: %(n)d is waiting now. Check who and "
                "confirm again.",
                "The number of learners waiting changed while you looked: %(n)d are waiting now. Check who and "
                "confirm again.",
                n,
            )
            % {"n": n},
            pending=n,
        )
        self.issuer = issuer
        self.pending = pending


def pending_completions(offering) -> list:
    """The offering's completions that have no credential yet."""
    ready = ready_for_credential(offering=offering)
    done = set(
        IssuedCredential.objects.filter(completion_key__in=[e.completion_key for e in ready]).values_list(
            "completion_key", flat=True
        )
    )
    return [e for e in ready if e.completion_key not in done]


def check_may_issue(user, offering):
    """The offering's issuer, when ``user`` is one of its credential officers; PermissionDenied otherwise."""
    return _check_officer_of(user, issuer_for_version(offering.version))


def _check_officer_of(user, issuer):
    if not is_credential_officer_of(user, issuer):
        raise PermissionDenied(
            _("Only a credential officer of %(issuer)s issues these credentials.") % {"issuer": issuer.name}
        )
    return issuer


def issue_for_enrolment_once(*, enrolment, issued_by) -> tuple[IssuedCredential, bool]:
    """Issue (or find) the credential of one completion → (credential, created). The call that made it writes
    the learner's e-mail to the outbox, in the same transaction."""
    completion = completion_for_issuance(enrolment)
    with transaction.atomic():
        completion = {**completion, "learner": enrolment.learner}  # the account, not only its e-mail address
        credential, created = issue_credential_once(**completion, issued_by=issued_by)
        if created:
            announce_credential_issued(credential)
    return credential, created


def issue_for_enrolment(*, enrolment, issued_by) -> IssuedCredential:
    """Issue (or return the already issued) credential of one completion, and e-mail the learner once."""
    return issue_for_enrolment_once(enrolment=enrolment, issued_by=issued_by)[0]


def issue_one(*, user, enrolment_id: int) -> IssuedCredential:
    enrolment = Enrolment.objects.select_related("offering__version").filter(pk=enrolment_id).first()
    if enrolment is None:
        raise ValidationFailed(_("There is no such enrolment."))
    check_may_issue(user, enrolment.offering)
    with transaction.atomic():
        return issue_for_enrolment(enrolment=enrolment, issued_by=user)


def active_job(offering) -> IssuanceJob | None:
    """The offering's queued or running job, if any (there is at most one)."""
    return IssuanceJob.objects.filter(offering=offering, status__in=IssuanceJob.ACTIVE).first()


def issuance_preview(*, user, offering) -> tuple:
    """What starting the offering's issuance would do: (issuer, pending completions). The same refusals as
    start_issuance_job: PermissionDenied, JobAlreadyRunning, ValidationFailed when nothing is pending."""
    issuer = check_may_issue(user, offering)
    running = active_job(offering)
    if running is not None:
        raise JobAlreadyRunning(running)
    pending = pending_completions(offering)
    if not pending:
        raise ValidationFailed(_("Every completion of this offering already has its credential."))
    return issuer, pending


@transaction.atomic
def start_issuance_job(*, user, offering_id: int, expected_count: int | None = None) -> IssuanceJob:
    """Queue the issuance of every pending credential of an offering; the work runs in the background.

    JobAlreadyRunning (with the job) when the offering has a queued or running job: the database allows one.
    With ``expected_count`` (the number the person confirmed), PendingChanged when that is no longer the number
    waiting.
    """
    offering = Offering.objects.select_related("version").filter(pk=offering_id).first()
    if offering is None:
        raise OfferingNotFound()
    issuer, pending = issuance_preview(user=user, offering=offering)
    if expected_count is not None and expected_count != len(pending):
        raise PendingChanged(issuer, pending)
    try:
        with transaction.atomic():
            source = source_for(offering.version)
            job = IssuanceJob.objects.create(
                offering=offering,
                source_type=source.label,
                source_id=source.pk,
                issuer=issuer,
                requested_by=user,
                total=len(pending),
                enrolment_ids=[e.pk for e in pending],
            )
    except IntegrityError:
        running = active_job(offering)  # started by someone else at the same moment
        if running is None:
            raise
        raise JobAlreadyRunning(running) from None
    record_audit_event(
        actor=user,
        action="credential.bulk_issue_started",
        target=job,
        changes={"offering": offering.pk, "total": len(pending)},
    )
    _queue(job.pk)
    return job


# The background tasks that run a job: tasks.run_issuance_job (run_job) and, with ISSUANCE_JOB_FAN_OUT, the
# task of one batch (tasks.run_issuance_job_batch, run_job_batch) register themselves here (use_job_task) when
# the app is ready, so this module never imports the tasks that import it.
_job_task = None
_batch_task = None


def use_job_task(task, batch_task=None) -> None:
    global _job_task, _batch_task
    _job_task = task
    _batch_task = batch_task


def _queue(job_id: int) -> None:
    """Have a worker run the job once this transaction commits."""
    if _job_task is None:
        raise RuntimeError("No task runs issuance jobs: microcred.credentials.tasks was not loaded.")
    after_commit(_job_task, job_id)


# --- running a job -------------------------------------------------------------------------------------------


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=getattr(settings, name))


def _last_sign_of_life(job: IssuanceJob):
    return job.heartbeat_at or job.created_at


def lease_is_stale(job: IssuanceJob, now=None) -> bool:
    """No sign of life from the job's worker for ISSUANCE_JOB_LEASE_SECONDS: it may be taken over."""
    return _last_sign_of_life(job) < (now or timezone.now()) - _seconds("ISSUANCE_JOB_LEASE_SECONDS")


def _claim(job_id: int, runner: str) -> IssuanceJob | None:
    """Take the job's lease → the job, or None when it is finished or another live worker runs it."""
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in IssuanceJob.ACTIVE:
            return None
        now = timezone.now()
        if job.status == Status.RUNNING and job.runner != runner and not lease_is_stale(job, now):
            return None
        resumed = job.status == Status.RUNNING or job.runs > 0
        # The counters are what the recorded items say (each item was counted in the transaction that made it).
        counts = {row["outcome"]: row["n"] for row in job.items.order_by().values("outcome").annotate(n=Count("id"))}
        job.issued = counts.get(Outcome.ISSUED, 0)
        job.already_issued = counts.get(Outcome.ALREADY_ISSUED, 0)
        job.failed = counts.get(Outcome.FAILED, 0)
        job.errors = [
            {"enrolment": item.enrolment_id, "error": item.error} for item in job.items.filter(outcome=Outcome.FAILED)
        ]
        job.status = Status.RUNNING
        job.runner = runner
        job.heartbeat_at = now
        job.started_at = job.started_at or now
        job.runs += 1
        job.save()
        if resumed:
            record_audit_event(
                actor=None,
                action="credential.bulk_issue_resumed",
                target=job,
                summary="A worker carries on with the job where it stopped.",
                changes={"run": job.runs, "processed": job.processed, "total": job.total},
            )
        return job


def _failure(exc: Exception) -> str:
    return str(getattr(exc, "message", exc))[:300]


def _issue_one_by_one(completions: dict, version, issued_by) -> dict:
    """The completions of a batch that failed as a whole, each in its own savepoint, so that one learner's
    problem does not stop the others → {enrolment id: (credential, outcome, error)}."""
    results = {}
    for enrolment_id, completion in completions.items():
        try:
            with transaction.atomic():
                (outcome,) = issue_credentials([completion], source=version, issued_by=issued_by)
                if outcome.error is not None:
                    raise outcome.error
                if outcome.created:
                    announce_credential_issued(outcome.credential)
        except Exception as exc:  # reported on the job, as the batch would have
            logger.exception("Issuing for enrolment %s failed", enrolment_id)
            results[enrolment_id] = (None, Outcome.FAILED, _failure(exc))
        else:
            kind = Outcome.ISSUED if outcome.created else Outcome.ALREADY_ISSUED
            results[enrolment_id] = (outcome.credential, kind, "")
    return results


def _issue_batch(completions: dict, version, issued_by) -> dict:
    """Issue the completions of one version as one batch (issue_credentials) and write the e-mail of each
    credential this call made to the outbox, in one savepoint → {enrolment id: (credential, outcome, error)}.
    When the batch fails as a whole (e.g. one credential does not conform), its completions are issued one by
    one instead."""
    try:
        with transaction.atomic():
            outcomes = issue_credentials(list(completions.values()), source=version, issued_by=issued_by)
            announce_credentials_issued([o.credential for o in outcomes if o.created])
    except Exception:
        logger.warning("A batch of %d completions failed; issuing them one by one.", len(completions), exc_info=True)
        return _issue_one_by_one(completions, version, issued_by)
    results = {}
    for enrolment_id, outcome in zip(completions, outcomes, strict=True):
        if outcome.error is not None:
            logger.info("Enrolment %s not issued: %s", enrolment_id, outcome.error)
            results[enrolment_id] = (None, Outcome.FAILED, _failure(outcome.error))
        else:
            kind = Outcome.ISSUED if outcome.created else Outcome.ALREADY_ISSUED
            results[enrolment_id] = (outcome.credential, kind, "")
    return results


def _completion_of(enrolment) -> tuple:
    """(version, Completion) of an enrolment (ValidationFailed / NotCompleted when it has none)."""
    if enrolment is None:
        raise ValidationFailed(_("There is no such enrolment."))
    found = completion_for_issuance(enrolment)
    version = found.pop("micro_credential_version")
    return version, Completion(**found, learner=enrolment.learner)  # the account, not only its e-mail address


def _job_shared(job_id: int) -> IssuanceJob | None:
    """The job, its row locked FOR KEY SHARE until the transaction ends (PostgreSQL): batches of one job run side
    by side, and whoever changes its runner or status (FOR UPDATE) waits for them. SQLite has one writer at a
    time: a plain read."""
    if connection.vendor != "postgresql":
        return IssuanceJob.objects.filter(pk=job_id).first()
    sql = f"SELECT * FROM {connection.ops.quote_name(IssuanceJob._meta.db_table)} WHERE id = %s FOR KEY SHARE"  # noqa: S608 - the model's table
    return next(iter(IssuanceJob.objects.raw(sql, [job_id])), None)


def _process(
    job_id: int, runner: str, enrolment_ids: list[int], enrolments: dict, issued_by, *, shared: bool = False
) -> bool:
    """Issue a batch of the job's completions and record them, in one transaction under the job's row lock:
    the credentials (one batch per version), their e-mails (outbox), one item per completion and the counters.
    False when the job is no longer this runner's (taken over, or marked failed): stop.

    ``shared`` (a batch task of a fanned-out job): the job's row is held FOR KEY SHARE, so that other batches run
    at the same time, and the batch's enrolments FOR UPDATE, so that two deliveries of the same batch do not."""
    with transaction.atomic():
        job = _job_shared(job_id) if shared else IssuanceJob.objects.select_for_update().get(pk=job_id)
        if job is None or job.status != Status.RUNNING or job.runner != runner:
            return False
        if shared:
            list(Enrolment.objects.select_for_update().filter(pk__in=enrolment_ids).order_by("pk").values_list("pk"))
        # Recorded by another delivery of this job running at the same time: left alone.
        done = set(job.items.filter(enrolment_id__in=enrolment_ids).values_list("enrolment_id", flat=True))
        results, by_version = {}, {}
        for enrolment_id in enrolment_ids:
            if enrolment_id in done:
                continue
            try:
                version, completion = _completion_of(enrolments.get(enrolment_id))
            except Exception as exc:  # one learner's problem must not stop the others; it is reported
                logger.exception("Issuing for enrolment %s failed", enrolment_id)
                results[enrolment_id] = (None, Outcome.FAILED, _failure(exc))
                continue
            by_version.setdefault(version.pk, (version, {}))[1][enrolment_id] = completion
        for version, completions in by_version.values():
            results.update(_issue_batch(completions, version, issued_by))
        if not results:
            return True
        IssuanceJobItem.objects.bulk_create(
            IssuanceJobItem(job=job, enrolment_id=enrolment_id, outcome=outcome, credential=credential, error=error)
            for enrolment_id, (credential, outcome, error) in results.items()
        )
        updates = {"heartbeat_at": timezone.now()}
        for outcome in COUNTER:
            if n := sum(1 for _c, o, _e in results.values() if o == outcome):
                updates[COUNTER[outcome]] = F(COUNTER[outcome]) + n
        errors = [{"enrolment": e, "error": error} for e, (_c, _o, error) in results.items() if error]
        if errors:
            if shared:  # other batches add theirs too: read the list under the row lock the update takes anyway
                job = IssuanceJob.objects.select_for_update(no_key=True).only("errors").get(pk=job_id)
            updates["errors"] = [*job.errors, *errors]
        IssuanceJob.objects.filter(pk=job_id).update(**updates)
    return True


def _finish(job_id: int, runner: str, *, only_if_complete: bool = False) -> IssuanceJob:
    """Mark the job done (or failed, if a completion failed) and audit it; ``only_if_complete``: only when every
    completion of the job has its item (the batches of a fanned-out job finish in any order)."""
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().get(pk=job_id)
        if job.status != Status.RUNNING or job.runner != runner:
            return job
        if only_if_complete and job.items.count() < len(set(job.enrolment_ids)):
            return job
        job.status = Status.FAILED if job.failed else Status.DONE
        job.finished_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "finished_at", "heartbeat_at"])
        record_audit_event(
            actor=job.requested_by,
            action="credential.bulk_issue_finished",
            target=job,
            changes={"issued": job.issued, "already_issued": job.already_issued, "failed": job.failed},
        )
        return job


def run_job(job_id: int, runner: str = "") -> IssuanceJob:
    """Work through the job; safe to run again, and at the same time, after a crash or a redelivery.

    ``runner`` names this delivery (the Celery task id: a redelivered or retried task is the same runner).
    A job another live worker is running, or a finished one, is left alone.
    """
    runner = runner or uuid.uuid4().hex
    job = _claim(job_id, runner)
    if job is None:
        return IssuanceJob.objects.get(pk=job_id)
    done = set(job.items.values_list("enrolment_id", flat=True))
    todo = sorted(set(job.enrolment_ids) - done)
    if settings.ISSUANCE_JOB_FAN_OUT and _batch_task is not None and len(todo) > BATCH_SIZE:
        return _fan_out(job, runner, todo)
    for start in range(0, len(todo), BATCH_SIZE):
        batch = todo[start : start + BATCH_SIZE]
        enrolments = Enrolment.objects.select_related("learner", "offering__version").in_bulk(batch)
        if not _process(job.pk, runner, batch, enrolments, job.requested_by):
            return IssuanceJob.objects.get(pk=job_id)  # another worker carries on
    return _finish(job.pk, runner)


def _fan_out(job: IssuanceJob, runner: str, todo: list[int]) -> IssuanceJob:
    """Queue each batch of ``todo`` as a task of its own (ISSUANCE_JOB_FAN_OUT), for whichever workers are free.

    Each carries this runner's name: once the job is taken over (its lease went stale) or marked failed, the
    batches still queued stop without issuing, and the new runner queues what is left. The sweep's stale check
    and "Resume" work as for a job run in one piece (every batch renews the lease)."""
    for start in range(0, len(todo), BATCH_SIZE):
        _batch_task.delay(job.pk, runner, todo[start : start + BATCH_SIZE])
    return job


def run_job_batch(job_id: int, runner: str, enrolment_ids: list[int]) -> bool:
    """One batch of a fanned-out job (queued by :func:`_fan_out`); the batch that completes the job finishes it.
    False when the job is no longer ``runner``'s: nothing was done."""
    job = IssuanceJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        return False
    enrolments = Enrolment.objects.select_related("learner", "offering__version").in_bulk(enrolment_ids)
    if not _process(job_id, runner, enrolment_ids, enrolments, job.requested_by, shared=True):
        return False
    _finish(job_id, runner, only_if_complete=True)
    return True


# --- stopped jobs: the sweep and the page --------------------------------------------------------------------


def resumable(job: IssuanceJob, now=None) -> str | None:
    """What a credential officer may do with a job that stopped: "rerun" a failed one (its failed completions
    and those it never reached), "resume" a queued or running one whose worker shows no sign of life."""
    if job.status == Status.FAILED:
        return "rerun"
    if job.status in IssuanceJob.ACTIVE and lease_is_stale(job, now):
        return "resume"
    return None


@transaction.atomic
def resume_job(*, user, job_id: int) -> IssuanceJob:
    """Run a stopped job again (a credential officer of its issuer): it carries on where it stopped, and
    tries its failed completions again. Audited; the work runs in the background."""
    # Only the job's row is locked: its offering is optional (an outer join, which PostgreSQL cannot lock).
    job = (
        IssuanceJob.objects.select_for_update(of=("self",))
        .select_related("offering__version")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound(_("There is no such issuance job."))
    _check_officer_of(user, job_issuer(job))
    action = resumable(job)
    if action is None:
        if job.status == Status.DONE:
            raise ValidationFailed(_("This job has finished: every completion has its credential."))
        raise ValidationFailed(_("This job is running: its progress is on this page."))
    failures = [{"enrolment": i.enrolment_id, "error": i.error} for i in job.items.filter(outcome=Outcome.FAILED)]
    job.items.filter(outcome=Outcome.FAILED).delete()  # tried again; what they were is kept in the audit event
    was = job.status
    job.status = Status.QUEUED
    job.runner = ""
    job.heartbeat_at = timezone.now()
    job.finished_at = job.interrupted_at = None
    job.failed = 0
    job.errors = []
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        running = active_job(job.offering) if job.offering_id else None  # the offering has another job under way
        if running is None:
            raise
        raise JobAlreadyRunning(running) from None
    record_audit_event(
        actor=user,
        action="credential.bulk_issue_rerun" if action == "rerun" else "credential.bulk_issue_resumed",
        target=job,
        changes={"status": [was, Status.QUEUED], "retried": failures, "remaining": job.remaining},
    )
    _queue(job.pk)
    return job


def sweep_jobs(now=None) -> dict:
    """The periodic look at jobs that stopped (Celery beat; see README "Running in production").

    * A queued job nobody started within ISSUANCE_JOB_LEASE_SECONDS: its task may never have reached the
      broker (it was down); it is queued again (a second delivery of a job that is running is a no-op).
    * A running job with no progress for ISSUANCE_JOB_STALE_SECONDS: its worker was lost and the broker did
      not hand the job to another; it is marked failed (interrupted), for a credential officer to run again.
    """
    now = now or timezone.now()
    requeued = []
    for job in IssuanceJob.objects.filter(status=Status.QUEUED):
        if lease_is_stale(job, now):
            requeued.append(job.pk)
            _queue(job.pk)
    interrupted = []
    stale_before = now - _seconds("ISSUANCE_JOB_STALE_SECONDS")
    for job_id in IssuanceJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=stale_before).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = (
                IssuanceJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=Status.RUNNING, heartbeat_at__lt=stale_before)
                .first()
            )
            if job is None:  # it moved on meanwhile
                continue
            job.status = Status.FAILED
            job.runner = ""
            job.interrupted_at = job.finished_at = now
            job.save(update_fields=["status", "runner", "interrupted_at", "finished_at"])
            record_audit_event(
                actor=None,
                action="credential.bulk_issue_interrupted",
                target=job,
                summary="No progress for too long: its worker was lost. A credential officer may run it again.",
                changes={"processed": job.processed, "total": job.total, "last_progress": job.heartbeat_at.isoformat()},
            )
            interrupted.append(job.pk)
    return {"requeued": requeued, "interrupted": interrupted}
