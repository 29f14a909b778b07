"""Every periodic job, in one list (``JOBS``), and how each run is kept from overlapping and from being missed.

CELERY_BEAT_SCHEDULE is built from ``JOBS`` (``beat_schedule``, called by config/settings/base.py); each entry runs
the one task ``microcred.operations.tasks.run_scheduled_job`` with the job's name. ``manage.py run_scheduled
<name>`` runs the same job from a shell or cron, and ``--list`` prints the list with each job's last run.

A run (``run_job``):
- takes the job's lease, one conditional UPDATE of its ScheduledRun row (free, or expired): a second run at the
  same time (two beats, or a command while beat runs it) finds it taken and does nothing. A worker that dies
  mid-run leaves a lease that expires after the job's ``lease`` seconds, so the job is never stuck;
- when started by beat, does nothing if the job last succeeded less than half its interval ago (a second beat,
  or a message delivered twice, never doubles it);
- records when it started, on success as ``last_success_at``, or its failure.

A missed run is caught up: when beat starts, ``queue_overdue_jobs`` queues each job whose last success is older
than its interval (or that never ran). Every job does "everything due up to now" (each is idempotent: the
e-mails and announcements are claimed once each by a conditional update or a unique key, the purge deletes what
is past its retention, the sweeps look at what is pending), so one catch-up run does all the missed runs' work.

This module is read while the settings load (``beat_schedule``): it imports no models at the top.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

TASK = "microcred.operations.tasks.run_scheduled_job"
HOUR = 60 * 60
DAY = 24 * HOUR


@dataclass(frozen=True)
class Job:
    name: str
    call: str  # dotted path of what runs (a Celery task object or a function), called with no arguments
    description: str
    # Seconds between runs, read from the settings (a mapping of setting names to values).
    every: Callable[[Mapping], int]
    catch_up: str  # why a late or repeated run is safe and does the missed work
    lease: int = HOUR  # the longest a run may take before another may start
    expires: Callable[[Mapping], int] = field(default=lambda s: HOUR)


def _sweep(s: Mapping) -> int:
    return s["BACKGROUND_SWEEP_SECONDS"]


def _reporting(s: Mapping) -> int:
    return max(60, s["REPORTING_CACHE_SECONDS"] * 2 // 3)


JOBS: tuple[Job, ...] = (
    Job(
        "outbox-deliver-pending",
        "microcred.outbox.tasks.deliver_pending_messages",
        "Deliver outbox messages whose task was lost or whose sending failed and is due again.",
        every=_sweep,
        expires=_sweep,
        lease=10 * 60,
        catch_up="Sends every pending message whose next attempt is due; each message is sent once (outbox).",
    ),
    Job(
        "credentials-sweep-issuance-jobs",
        "microcred.credentials.tasks.sweep_issuance_jobs",
        "Queue again issuance jobs never started; mark failed those whose worker was lost.",
        every=_sweep,
        expires=_sweep,
        lease=10 * 60,
        catch_up="Looks at every job queued or running now; a job carries on where it stopped.",
    ),
    Job(
        "privacy-apply-retention",
        "microcred.privacy.tasks.apply_retention_schedule",
        "The retention schedule (GDPR Art. 5(1)(e)): delete or clear what is past its retention period.",
        every=lambda s: s["RETENTION_RUN_SECONDS"],
        catch_up="Deletes everything past its period up to now, whenever it last ran.",
    ),
    Job(
        "learning-announce-ended-offerings",
        "microcred.learning.tasks.announce_ended_offerings",
        "Send the 'offering ended' event of each offering past its last day, once; this sends its surveys.",
        every=lambda s: HOUR,
        catch_up="Every offering ended and not yet announced is announced (and its surveys sent), once each.",
    ),
    Job(
        "surveys-send-reminders",
        "microcred.surveys.tasks.send_survey_reminders",
        "The one reminder of each open survey, SURVEY_REMINDER_DAYS_BEFORE_CLOSE days before it closes.",
        every=lambda s: DAY,
        catch_up="Every open survey past its reminder date and not yet reminded gets its one reminder.",
    ),
    Job(
        "surveys-close-due",
        "microcred.surveys.tasks.close_due_surveys",
        "Close the surveys past their closing date.",
        every=lambda s: DAY,
        catch_up="Every survey past its closing date is closed, however late.",
    ),
    Job(
        "credentials-republish-status-lists",
        "microcred.credentials.services.status_republish.republish_status_lists",
        "Re-sign with the issuer's active key every status list still signed with a retired key.",
        every=lambda s: HOUR,
        catch_up="Re-signs every list whose signature is not by its issuer's active key; a signed list is left.",
    ),
    Job(
        "proposals-remind-policy-review",
        "microcred.proposals.tasks.remind_policy_review",
        "Remind the alliance admins, once per review date, that the policy is due for review (policy 4.1, 10.3).",
        every=lambda s: DAY,
        catch_up="Reminds once per review date, claimed by a conditional update.",
    ),
    Job(
        "proposals-announce-overdue-conditions",
        "microcred.proposals.tasks.announce_overdue_conditions",
        "Tell the owners of each condition of approval not reported by its due date, once.",
        every=lambda s: DAY,
        catch_up="Every condition overdue and not yet announced is announced, once each.",
    ),
    Job(
        "handoffs-announce-overdue-tasks",
        "microcred.handoffs.tasks.announce_overdue_tasks",
        "Tell the people in the owner role of each hand-off task past its due date, once (policy 7.8).",
        every=lambda s: DAY,
        catch_up="Every overdue task not yet announced is announced, once each.",
    ),
    Job(
        "reporting-refresh-figures",
        "microcred.reporting.tasks.refresh_standard_figures",
        "Compute the reporting figures every reader starts from before the kept ones expire.",
        every=_reporting,
        expires=_reporting,
        lease=10 * 60,
        catch_up="Computes the figures as they are now; a missed refresh only means a reader computes them.",
    ),
)

BY_NAME = {job.name: job for job in JOBS}


class UnknownJob(KeyError):
    def __str__(self) -> str:
        return f"No scheduled job named {self.args[0]}. The jobs are: {', '.join(sorted(BY_NAME))}."


def job_named(name: str) -> Job:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownJob(name) from None


def beat_schedule(values: Mapping) -> dict:
    """CELERY_BEAT_SCHEDULE from ``JOBS``, with intervals read from ``values`` (the settings being loaded)."""
    return {
        job.name: {
            "task": TASK,
            "schedule": job.every(values),
            "args": (job.name,),
            "options": {"expires": job.expires(values)},
        }
        for job in JOBS
    }


def interval_of(job: Job) -> int:
    """Seconds between the job's runs: beat's own interval for it, as the settings built it."""
    from django.conf import settings

    entry = getattr(settings, "CELERY_BEAT_SCHEDULE", {}).get(job.name)
    if entry is not None and isinstance(entry.get("schedule"), int | float):
        return int(entry["schedule"])
    return int(job.every(_SettingsMapping(settings)))


class _SettingsMapping(Mapping):
    def __init__(self, settings):
        self._settings = settings

    def __getitem__(self, name):
        return getattr(self._settings, name)

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


# -- running a job ---------------------------------------------------------------------------------------------

RAN, BUSY, NOT_DUE = "ran", "busy", "not due"


@dataclass(frozen=True)
class Outcome:
    job: str
    state: str  # RAN, BUSY (another run holds the lease) or NOT_DUE
    result: object = None


def _row(name: str):
    from django.db import IntegrityError, transaction

    from microcred.operations.models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.get_or_create(name=name)[0]
    except IntegrityError:  # made at the same moment by another run
        return ScheduledRun.objects.get(name=name)


def _take_lease(job: Job, holder: str, now: dt.datetime) -> bool:
    from django.db.models import Q

    from microcred.operations.models import ScheduledRun

    free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    taken = ScheduledRun.objects.filter(free, name=job.name).update(
        locked_by=holder, locked_until=now + dt.timedelta(seconds=job.lease), last_started_at=now
    )
    return taken == 1


def _release(job: Job, holder: str, **fields) -> None:
    from microcred.operations.models import ScheduledRun

    ScheduledRun.objects.filter(name=job.name, locked_by=holder).update(locked_by="", locked_until=None, **fields)


def is_due(job: Job, now: dt.datetime, *, fraction: float = 1.0) -> bool:
    """Whether ``job`` last succeeded ``fraction`` of its interval ago or longer (or never)."""
    last = _row(job.name).last_success_at
    return last is None or (now - last).total_seconds() >= interval_of(job) * fraction


def run_job(name: str, *, only_if_due: bool = False) -> Outcome:
    """Run the job ``name`` here and now unless another run holds it (or, ``only_if_due``, it ran recently).

    Beat's runs are ``only_if_due``: nothing if the last success was less than half an interval ago.
    The job's own exceptions are recorded on its row and raised again.
    """
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from microcred.operations.logs import redact

    job = job_named(name)
    _row(job.name)
    now = timezone.now()
    if only_if_due and not is_due(job, now, fraction=0.5):
        logger.info("Scheduled job %s: not due (it ran less than half an interval ago).", job.name)
        return Outcome(job.name, NOT_DUE)
    holder = f"{socket.gethostname()[:40]}:{uuid.uuid4().hex[:16]}"
    if not _take_lease(job, holder, now):
        logger.info("Scheduled job %s: another run holds it; this one does nothing.", job.name)
        return Outcome(job.name, BUSY)
    logger.info("Scheduled job %s: started.", job.name)
    try:
        result = import_string(job.call)()
    except BaseException as exc:
        _release(job, holder, last_failure_at=timezone.now(), last_error=redact(repr(exc))[:500])
        logger.exception("Scheduled job %s: failed.", job.name)
        raise
    _release(job, holder, last_success_at=now, last_error="")
    logger.info("Scheduled job %s: done.", job.name)
    return Outcome(job.name, RAN, result)


def overdue_jobs(now: dt.datetime | None = None) -> list[Job]:
    """The jobs whose last success is older than their interval, or that never succeeded."""
    from django.utils import timezone

    now = now or timezone.now()
    return [job for job in JOBS if is_due(job, now)]


def queue_overdue_jobs(now: dt.datetime | None = None) -> list[str]:
    """Queue (Celery) each overdue job once: what beat does when it starts, so a missed run is caught up."""
    from microcred.operations.tasks import run_scheduled_job

    names = [job.name for job in overdue_jobs(now)]
    for name in names:
        run_scheduled_job.apply_async(args=(name,))
    if names:
        logger.info("Scheduled jobs caught up: %s.", ", ".join(names))
    return names


def connect_beat_catch_up() -> None:
    """On ``beat_init`` (a beat starting), queue the overdue jobs."""
    from celery.signals import beat_init

    def _catch_up(sender=None, **kwargs):
        try:
            queue_overdue_jobs()
        except Exception:  # the database may not answer yet; beat's schedule runs them in time anyway
            logger.exception("Scheduled jobs: the catch-up at beat start failed.")

    beat_init.connect(_catch_up, weak=False, dispatch_uid="operations-beat-catch-up")
