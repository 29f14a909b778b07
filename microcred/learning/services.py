"""Every write about offerings, enrolments and results.

Each public service checks who may act (permissions.py), writes in one transaction, records the change in
the audit log, and writes its e-mails to the outbox in that transaction (each sent once, after the commit).
Enrolment locks the offering row so that capacity holds under concurrency; a cancellation (by the learner or by
staff) promotes the first wait-listed learner in the same transaction, and so does raising an offering's capacity.
Once an offering has ended, `announce_ended_offerings` (run by Celery beat) sends `signals.offering_ended` once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred.audit.services import record_audit_event
from microcred.catalogue import cache as catalogue_cache
from microcred.catalogue.models import MicroCredential
from microcred.learning import imports, notifications, permissions, signals
from microcred.learning.exceptions import (
    CancellationInvalid,
    EnrolmentNotFound,
    EnrolmentRefused,
    ImportHasErrors,
    OfferingInvalid,
    PreviewInvalid,
    ResultInvalid,
)
from microcred.learning.models import Enrolment, Offering, OfferingAssessor, Result, ResultImport
from microcred.learning.validation import offering_problems, result_problems

logger = logging.getLogger(__name__)

E = Enrolment.Status
OFFERING_FIELDS = [
    "format",
    "mode",
    "location",
    "language",
    "starts_on",
    "ends_on",
    "enrolment_opens",
    "enrolment_closes",
    "capacity",
    "fee",
    "fee_waivers",
    "grade_scale",
    "lms_code",
]
# Changes the enrolled and wait-listed learners are told of by e-mail.
LEARNER_FACING_FIELDS = ["starts_on", "ends_on", "mode", "location", "language", "fee"]
RESULT_FIELDS = ["participated", "outcome", "grade", "evidence_url", "assessed_on"]
PREVIEW_MAX_AGE = dt.timedelta(hours=6)
CANCELLATION_REASON_MAX_LENGTH = 500


# --- offerings --------------------------------------------------------------------------------------------


@transaction.atomic
def create_offering(*, user, micro_credential_id: int, institution, data: dict) -> Offering:
    """A new offering of the published micro-credential's current version, delivered by `institution`."""
    micro_credential = MicroCredential.objects.filter(pk=micro_credential_id).first()
    if micro_credential is None:
        raise OfferingInvalid({"micro_credential": [_("There is no such micro-credential.")]})
    version = micro_credential.current_version
    allowed = permissions.check_can_create_offering(user, version)
    if institution is None or institution.pk not in allowed:
        raise OfferingInvalid({"institution": [_("Choose one of your universities that awards or co-leads it.")]})
    values = {k: data.get(k) for k in OFFERING_FIELDS if k in data}
    problems = offering_problems(values, micro_credential)
    if problems:
        raise OfferingInvalid(problems)
    offering = Offering.objects.create(
        micro_credential=micro_credential, version=version, institution=institution, created_by=user, **values
    )
    record_audit_event(
        actor=user,
        action="offering.created",
        target=offering,
        summary=f"{offering.starts_on:%Y-%m-%d}–{offering.ends_on:%Y-%m-%d}, {offering.capacity} places",
        changes={"micro_credential": micro_credential.slug, "version": version.number, "capacity": offering.capacity},
    )
    transaction.on_commit(catalogue_cache.offerings_changed)
    return offering


@dataclass
class OfferingUpdate:
    offering: Offering
    changes: dict[str, list] = field(default_factory=dict)  # field → [before, after], as written to the audit log
    promoted: list[Enrolment] = field(default_factory=list)


def _same(before, after) -> bool:
    """Equal; date-times equal to the minute count as unchanged (the form edits them to the minute)."""
    if isinstance(before, dt.datetime) and isinstance(after, dt.datetime):
        return before.replace(second=0, microsecond=0) == after.replace(second=0, microsecond=0)
    return before == after


@transaction.atomic
def update_offering(*, user, offering_id: int, data: dict) -> OfferingUpdate:
    """Change an offering's dates, window, place, language, capacity, fee, format, codes (any of OFFERING_FIELDS).

    The rules of creation apply to the result. An offering that has ended no longer changes. Capacity cannot go
    below the learners enrolled; raising it gives the new places to the waiting list, first in line first. The
    grade scale changes only while no result is recorded on it. Nothing changed: nothing is written.
    """
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_edit_offering(user, offering)
    before = {k: getattr(offering, k) for k in OFFERING_FIELDS}
    values = {**before, **{k: data.get(k) for k in OFFERING_FIELDS if k in data}}
    problems = offering_problems(values)
    enrolled = _enrolled_count(offering)
    capacity = values.get("capacity")
    lowered = capacity is not None and capacity < before["capacity"]
    if "capacity" not in problems and lowered and capacity < enrolled:
        problems["capacity"] = [
            ngettext(
                "%(n)d learner is enrolled, so the offering needs at least %(n)d place. "
                "To offer fewer, cancel enrolments first.",
                "%(n)d learners are enrolled, so the offering needs at least %(n)d places. "
                "To offer fewer, cancel enrolments first.",
                enrolled,
            )
            % {"n": enrolled}
        ]
    if not _same(before["grade_scale"], values["grade_scale"]) and Result.objects.filter(offering=offering).exists():
        problems.setdefault("grade_scale", []).append(
            _("Results are recorded on the scale %(scale)s: the grade scale can no longer change.")
            % {"scale": before["grade_scale"]}
        )
    if problems:
        raise OfferingInvalid(problems)
    changed = [k for k in OFFERING_FIELDS if not _same(before[k], values[k])]
    if not changed:
        return OfferingUpdate(offering=offering)
    for k in changed:
        setattr(offering, k, values[k])
    offering.save(update_fields=changed)
    changes = {k: [_plain(before[k]), _plain(values[k])] for k in changed}
    event = record_audit_event(
        actor=user, action="offering.updated", target=offering, summary=", ".join(changed), changes=changes
    )
    promoted = _promote_waiting(offering, actor=user) if offering.capacity > before["capacity"] else []
    _tell_learners_of_changes(offering, [k for k in LEARNER_FACING_FIELDS if k in changed], promoted, event.pk)
    transaction.on_commit(catalogue_cache.offerings_changed)
    return OfferingUpdate(offering=offering, changes=changes, promoted=promoted)


def _tell_learners_of_changes(offering, fields: list[str], promoted: list[Enrolment], change: int) -> None:
    """One e-mail per enrolled or wait-listed learner, through the outbox (the promoted get their own e-mail)."""
    if not fields:
        return
    skip = {e.pk for e in promoted}
    for pk in Enrolment.objects.filter(offering=offering, status__in=Enrolment.ACTIVE).values_list("pk", flat=True):
        if pk not in skip:
            notifications.announce_offering_changed(pk, fields, change=change)


@transaction.atomic
def assign_assessor(*, user, offering_id: int, email: str) -> OfferingAssessor:
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_manage_assessors(user, offering)
    person = get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None:
        raise ResultInvalid({"email": _("Nobody with this e-mail address has an account.")})
    if not permissions.eligible_assessor(person, offering):
        raise ResultInvalid(
            {
                "email": _("%(name)s is not an assessor at a university that awards or co-leads this micro-credential.")
                % {"name": person.full_name or person.email}
            }
        )
    link, created = OfferingAssessor.objects.get_or_create(
        offering=offering, user=person, defaults={"assigned_by": user}
    )
    if created:  # people are named in the audit log by number only
        record_audit_event(
            actor=user, action="offering.assessor_assigned", target=offering, changes={"user": person.pk}
        )
    return link


@transaction.atomic
def remove_assessor(*, user, offering_id: int, assessor_id: int) -> None:
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_manage_assessors(user, offering)
    deleted, _rows = offering.assessor_links.filter(user_id=assessor_id).delete()
    if deleted:
        record_audit_event(
            actor=user, action="offering.assessor_removed", target=offering, changes={"user": assessor_id}
        )


def announce_ended_offerings(*, today: dt.date | None = None) -> list[int]:
    """Send `signals.offering_ended` once for each offering whose last day has passed (Offering.has_ended).

    Each offering in its own transaction: claimed by a conditional update of its marker (ended_announced_at), then
    audited and signalled inside that transaction, so a receiver's writes commit with the marker or not at all; a
    receiver that fails rolls that offering back (logged) and the next run tries it again. Another run, at the same
    time or later, finds the marker set and sends nothing. Returns the ids of the offerings announced by this run.
    """
    today = today or timezone.localdate()
    announced = []
    due = Offering.objects.filter(ends_on__lt=today, ended_announced_at__isnull=True).order_by("ends_on", "pk")
    for offering_id in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                if _announce_ended(offering_id, today):
                    announced.append(offering_id)
        except Exception:
            logger.exception("The offering-ended event of offering %s failed; the next run sends it again", offering_id)
    return announced


def _announce_ended(offering_id: int, today: dt.date) -> bool:
    claimed = Offering.objects.filter(pk=offering_id, ends_on__lt=today, ended_announced_at__isnull=True).update(
        ended_announced_at=timezone.now()
    )
    if not claimed:  # announced meanwhile by another run
        return False
    offering = Offering.objects.select_related("micro_credential", "version", "institution").get(pk=offering_id)
    record_audit_event(
        actor=None,
        action="offering.ended",
        target=offering,
        summary=f"ended on {offering.ends_on:%Y-%m-%d}",
        changes={"ends_on": offering.ends_on.isoformat()},
    )
    signals.offering_ended.send(sender=Offering, offering=offering)
    return True


# --- enrolment --------------------------------------------------------------------------------------------


def _enrolled_count(offering) -> int:
    return Enrolment.objects.filter(offering=offering, status=E.ENROLLED).count()


@transaction.atomic
def enrol(*, user, offering_id: int, prerequisites_acknowledged: bool = False) -> Enrolment:
    """Enrol the learner, or put them on the waiting list when the offering is full."""
    permissions.check_can_enrol(user)
    if user.email_verified_at is None:
        raise EnrolmentRefused(_("Confirm your e-mail address first: follow the link in the e-mail we sent you."))
    offering = permissions.access_offering(user, offering_id, lock=True)
    if offering.micro_credential.status != MicroCredential.Status.PUBLISHED:
        raise EnrolmentRefused(_("This micro-credential is retired: enrolment is closed."))
    now = timezone.now()
    if now < offering.enrolment_opens:
        raise EnrolmentRefused(
            _("Enrolment has not opened yet: it opens on %(date)s.")
            % {"date": timezone.localtime(offering.enrolment_opens).strftime("%Y-%m-%d %H:%M")}
        )
    if now > offering.enrolment_closes:
        raise EnrolmentRefused(
            _("Enrolment closed on %(date)s.")
            % {"date": timezone.localtime(offering.enrolment_closes).strftime("%Y-%m-%d %H:%M")}
        )
    existing = Enrolment.objects.filter(offering=offering, learner=user, status__in=Enrolment.ACTIVE).first()
    if existing is not None:
        if existing.status == E.WAITLISTED:
            raise EnrolmentRefused(_("You are already on the waiting list of this offering."))
        raise EnrolmentRefused(_("You are already enrolled in this offering."))
    if offering.prerequisites and not prerequisites_acknowledged:
        raise EnrolmentRefused(_("Confirm that you meet the prerequisites before you enrol."))
    full = _enrolled_count(offering) >= offering.capacity
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                offering=offering,
                learner=user,
                status=E.WAITLISTED if full else E.ENROLLED,
                prerequisites_acknowledged=bool(prerequisites_acknowledged),
                waitlisted_at=now if full else None,
                enrolled_at=None if full else now,
            )
    except IntegrityError:
        raise EnrolmentRefused(_("You are already enrolled in this offering.")) from None
    record_audit_event(
        actor=user,
        action="enrolment.waitlisted" if full else "enrolment.enrolled",
        target=enrolment,
        changes={"offering": offering.pk},
    )
    notifications.announce_enrolment_confirmed(enrolment)
    transaction.on_commit(catalogue_cache.offerings_changed)  # catalogue cards show the places left (issue #16)
    return enrolment


def _promote_waiting(offering, *, actor) -> list[Enrolment]:
    """Fill free places from the waiting list, first in line first. Call with the offering row locked."""
    promoted = []
    free = offering.capacity - _enrolled_count(offering)
    if free <= 0:
        return promoted
    queue = Enrolment.objects.filter(offering=offering, status=E.WAITLISTED).order_by("waitlisted_at", "pk")[:free]
    now = timezone.now()
    for enrolment in queue:
        enrolment.status = E.ENROLLED
        enrolment.enrolled_at = enrolment.promoted_at = now
        enrolment.save(update_fields=["status", "enrolled_at", "promoted_at"])
        record_audit_event(
            actor=actor, action="enrolment.promoted", target=enrolment, changes={"offering": offering.pk}
        )
        notifications.announce_promoted(enrolment)
        promoted.append(enrolment)
    return promoted


@transaction.atomic
def cancel_enrolment(*, user, offering_id: int) -> tuple[Enrolment, list[Enrolment]]:
    """The learner cancels; the first wait-listed learner takes the freed place. Returns (cancelled, promoted)."""
    permissions.check_can_cancel_own_enrolment(user)
    offering = permissions.access_offering(user, offering_id, lock=True)
    enrolment = Enrolment.objects.filter(offering=offering, learner=user, status__in=Enrolment.ACTIVE).first()
    if enrolment is None:
        raise EnrolmentRefused(_("You have no enrolment in this offering to cancel."))
    return _cancel(user=user, offering=offering, enrolment=enrolment, on_behalf=False)


@transaction.atomic
def cancel_enrolment_by_staff(
    *, user, offering_id: int, enrolment_id: int, reason: str
) -> tuple[Enrolment, list[Enrolment]]:
    """Staff cancel a learner's enrolment (or place on the waiting list), giving the reason, which the learner is
    told by e-mail. The first wait-listed learner takes a freed place. Returns (cancelled, promoted).

    Refused once a result is recorded or the offering has ended (a learner who did not take part gets the result
    "did not participate" instead). Cancelling an enrolment that is already cancelled changes nothing.
    """
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_manage_enrolments(user, offering)
    try:
        enrolment = Enrolment.objects.select_related("learner").filter(offering=offering, pk=enrolment_id).first()
    except (ValueError, TypeError):
        enrolment = None
    if enrolment is None:
        raise EnrolmentNotFound()
    if enrolment.status == E.CANCELLED:
        raise EnrolmentRefused(
            _("The enrolment of %(name)s is already cancelled; nothing changed.") % {"name": _learner_name(enrolment)}
        )
    return _cancel(user=user, offering=offering, enrolment=enrolment, on_behalf=True, reason=reason)


def _learner_name(enrolment) -> str:
    return enrolment.learner.full_name or enrolment.learner.email


def _cancellation_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CancellationInvalid({"reason": _("Give the reason for the cancellation: the learner is told it.")})
    if len(reason) > CANCELLATION_REASON_MAX_LENGTH:
        raise CancellationInvalid(
            {
                "reason": _("Write the reason in at most %(max)d characters (it has %(n)d).")
                % {"max": CANCELLATION_REASON_MAX_LENGTH, "n": len(reason)}
            }
        )
    return reason


def _cancel(*, user, offering, enrolment, on_behalf: bool, reason: str = "") -> tuple[Enrolment, list[Enrolment]]:
    """The one cancellation, by the learner or by staff on their behalf (`on_behalf`: a reason is required, the
    learner is told it by e-mail). Call with the offering row locked.

    Refused once a result is recorded or the offering has ended. The enrolment is cancelled and audited, and a
    freed place goes to the first wait-listed learner (promoted by the staff member; by nobody for a learner's own
    cancellation). The messages speak to whoever cancels.
    """
    transaction.on_commit(catalogue_cache.offerings_changed)  # a place freed shows on catalogue cards (issue #16)
    if Result.objects.filter(offering=offering, learner_id=enrolment.learner_id).exists():
        raise EnrolmentRefused(
            _("A result is recorded for %(name)s: the enrolment can no longer be cancelled.")
            % {"name": _learner_name(enrolment)}
            if on_behalf
            else _("Your result is recorded: the enrolment can no longer be cancelled.")
        )
    if offering.has_ended:
        raise EnrolmentRefused(
            _(
                "This offering has ended: its enrolments can no longer be cancelled. For a learner who did not "
                "take part, record the result “did not participate”."
            )
            if on_behalf
            else _("This offering has ended: the enrolment can no longer be cancelled.")
        )
    if on_behalf:
        reason = _cancellation_reason(reason)
    was = enrolment.status
    enrolment.status = E.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at"])
    changes = {"status": [was, E.CANCELLED]}
    if on_behalf:
        record_audit_event(
            actor=user,
            action="enrolment.cancelled_by_staff",
            target=enrolment,
            summary=reason,
            changes={**changes, "offering": offering.pk, "reason": reason},
        )
        notifications.announce_cancelled_by_staff(enrolment, reason)
    else:
        record_audit_event(actor=user, action="enrolment.cancelled", target=enrolment, changes=changes)
    promoted = _promote_waiting(offering, actor=user if on_behalf else None) if was == E.ENROLLED else []
    return enrolment, promoted


# --- results ----------------------------------------------------------------------------------------------


def _upsert_result(*, actor, offering, enrolment, values: dict, source: str) -> bool:
    """Create or update the (offering, learner) result. True when something changed (and was audit-logged)."""
    result = Result.objects.select_for_update().filter(offering=offering, learner_id=enrolment.learner_id).first()
    if result is None:
        result = Result.objects.create(
            offering=offering, learner_id=enrolment.learner_id, enrolment=enrolment, recorded_by=actor, **values
        )
        old = None
    else:
        old = {f: getattr(result, f) for f in RESULT_FIELDS}
        if old == values and result.enrolment_id == enrolment.pk:
            return False
        for field, value in values.items():
            setattr(result, field, value)
        result.enrolment = enrolment
        result.recorded_by = actor
        result.save()
    changes = {
        f: [None if old is None else _plain(old[f]), _plain(values[f])]
        for f in RESULT_FIELDS
        if old is None or old[f] != values[f]
    }
    record_audit_event(
        actor=actor,
        action="result.recorded" if old is None else "result.changed",
        target=result,
        summary=f"{source}: {values['outcome'] or '-'} {values['grade']}".strip(),
        changes={"offering": offering.pk, "learner": enrolment.learner_id, **changes},
    )
    return True


def _plain(value):
    """A value as JSON holds it (audit changes, previews): dates and date-times in ISO 8601, amounts as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _enrolled(offering, learner_id) -> Enrolment | None:
    return Enrolment.objects.filter(offering=offering, learner_id=learner_id, status=E.ENROLLED).first()


@transaction.atomic
def record_result(*, user, offering_id: int, learner_id: int, data: dict) -> tuple[Result, bool]:
    """Record one learner's result (columns as in the import). Returns (result, changed)."""
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_record_results(user, offering)
    enrolment = _enrolled(offering, learner_id)
    if enrolment is None:
        raise ResultInvalid({"email": _("This person is not a learner enrolled in this offering.")})
    values, problems = result_problems(offering, data)
    if problems:
        raise ResultInvalid(problems)
    changed = _upsert_result(actor=user, offering=offering, enrolment=enrolment, values=values, source="form")
    return Result.objects.get(offering=offering, learner_id=learner_id), changed


def _enrolled_by_email(offering) -> dict[str, tuple[int, int]]:
    return {
        email.lower(): (pk, learner_id)
        for pk, learner_id, email in Enrolment.objects.filter(offering=offering, status=E.ENROLLED).values_list(
            "pk", "learner_id", "learner__email"
        )
    }


def _would_change(offering, rows: list[dict]) -> int:
    current = {r.learner_id: r for r in Result.objects.filter(offering=offering)}
    n = 0
    for row in rows:
        r = current.get(row["learner_id"])
        if r is None or {f: _plain(getattr(r, f)) for f in RESULT_FIELDS} != {f: row[f] for f in RESULT_FIELDS}:
            n += 1
    return n


@dataclass
class Preview:
    record: ResultImport
    rows: list[dict]
    errors: list[dict]
    skipped: int
    would_change: int

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def preview_import(*, user, offering_id: int, filename: str, data: bytes) -> Preview:
    """Read and check every row of an uploaded results file; store the preview. Writes no result."""
    offering = permissions.access_offering(user, offering_id)
    permissions.check_can_import_results(user, offering)
    file_format, table = imports.read_table(data)
    rows, errors, skipped = imports.validate_rows(offering, table, _enrolled_by_email(offering))
    if not rows and not errors:
        errors = [
            {"row": 0, "column": "", "message": _("The file has no results: fill in at least one learner's row.")}
        ]
    ResultImport.objects.filter(committed_at__isnull=True, created_at__lt=timezone.now() - PREVIEW_MAX_AGE).delete()
    record = ResultImport.objects.create(
        offering=offering,
        uploaded_by=user,
        token=secrets.token_urlsafe(32),
        sha256=imports.sha256_of(data),
        filename=(filename or "results")[:255],
        file_format=file_format,
        rows=rows,
        errors=errors,
    )
    would_change = _would_change(offering, rows) if not errors else 0
    return Preview(record=record, rows=rows, errors=errors, skipped=skipped, would_change=would_change)


@dataclass
class ImportOutcome:
    changed: int
    unchanged: int
    passed: int
    failed: int


@transaction.atomic
def commit_import(*, user, offering_id: int, token: str, sha256: str) -> ImportOutcome:
    """Apply exactly the previewed rows, all or nothing. Importing the same content again changes nothing."""
    offering = permissions.access_offering(user, offering_id, lock=True)
    permissions.check_can_import_results(user, offering)
    record = (
        ResultImport.objects.select_for_update().filter(token=token or "", offering=offering, uploaded_by=user).first()
    )
    if record is None or record.sha256 != sha256:
        raise PreviewInvalid(_("This preview is not known (or belongs to another file): upload the file again."))
    if record.committed_at is not None:
        raise PreviewInvalid(_("This preview was already imported."))
    if record.created_at < timezone.now() - PREVIEW_MAX_AGE:
        raise PreviewInvalid(_("This preview has expired: upload the file again."))
    if record.errors:
        raise ImportHasErrors(record.errors)
    enrolments = {
        e.pk: e for e in Enrolment.objects.filter(pk__in=[r["enrolment_id"] for r in record.rows], status=E.ENROLLED)
    }
    gone = [
        {
            "row": r["row"],
            "column": "email",
            "message": _("%(email)s is no longer enrolled in this offering.") % {"email": r["email"]},
        }
        for r in record.rows
        if r["enrolment_id"] not in enrolments
    ]
    if gone:
        raise ImportHasErrors(gone)
    changed = 0
    for row in record.rows:
        values = {f: row[f] for f in RESULT_FIELDS}
        values["assessed_on"] = dt.date.fromisoformat(values["assessed_on"])
        if _upsert_result(
            actor=user,
            offering=offering,
            enrolment=enrolments[row["enrolment_id"]],
            values=values,
            source=f"import {record.filename}",
        ):
            changed += 1
    record.committed_at = timezone.now()
    record.changed_count = changed
    record.save(update_fields=["committed_at", "changed_count"])
    outcome = ImportOutcome(
        changed=changed,
        unchanged=len(record.rows) - changed,
        passed=sum(1 for r in record.rows if r["outcome"] == "pass"),
        failed=sum(1 for r in record.rows if r["outcome"] == "fail"),
    )
    record_audit_event(
        actor=user,
        action="result.import_committed",
        target=offering,
        summary=f"{record.filename}: {changed} changed of {len(record.rows)}",
        changes={"sha256": record.sha256, "rows": len(record.rows), "changed": changed},
    )
    return outcome
