"""Every write about council reports and recommendations (policy 7.25). Each service checks who may act
(permissions.py), validates before writing, writes in one transaction and leaves an audit record."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import COMMENT_TEXT, check_single_line
from microcred.proposals import papers
from microcred.proposals import services as proposal_services
from microcred.proposals.models import CLOSED_STATUSES, AgendaPaper, Meeting, Proposal, ProposalStatus
from microcred.quality import permissions, report_pdf, selectors
from microcred.quality.exceptions import (
    AlreadyClosed,
    AlreadyOnAgenda,
    NotAllowed,
    RecommendationNotFound,
    ReportNotFound,
)
from microcred.quality.models import TITLE_TEXT, CouncilReport, Recommendation

R = Recommendation


MAX_ID = 2**63 - 1


def _id(value) -> int | None:
    """A whole number that can be a primary key, or None (not a number, negative, beyond 64 bits)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


def _council_meeting(meeting_id) -> Meeting:
    meeting = Meeting.objects.filter(pk=_id(meeting_id)).first() if _id(meeting_id) else None
    if meeting is None or meeting.body != Meeting.Body.ACADEMIC_COUNCIL:
        raise ValidationFailed(_("Choose an Academic Council meeting."))
    return meeting


def _text(text: str, *, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(missing)
    if len(text) > COMMENT_TEXT:
        raise ValidationFailed(_("Write at most %(n)d characters.") % {"n": COMMENT_TEXT})
    return text


# Council reports -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_report(
    *, user, meeting_id, title: str, period_start=None, period_end=None, micro_credential_ids=()
) -> CouncilReport:
    """Start a council report for an upcoming Academic Council meeting, on the chosen micro-credentials or, when
    none is chosen, on every micro-credential with an offering that ended in the period (so far, without one)."""
    if not permissions.can_manage_reports(user):
        raise NotAllowed(_("Only the quality office prepares council reports."))
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the report a title."))
    if len(title) > TITLE_TEXT:
        raise ValidationFailed(_("The title is at most 200 characters."))
    check_single_line(title, _("The title must be on one line: remove line breaks, tabs and other control characters."))
    meeting = _council_meeting(meeting_id)
    if meeting.date < timezone.now():
        raise ValidationFailed(_("That meeting has already taken place."))
    if period_start and period_end and period_end < period_start:
        raise ValidationFailed(_("The period ends before it starts."))
    ids = sorted({_id(i) or 0 for i in micro_credential_ids})
    if ids:
        chosen = list(MicroCredential.objects.filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise ValidationFailed(_("Choose micro-credentials from the catalogue."))
    elif period_start or period_end:
        chosen = list(selectors.micro_credentials_with_offerings_ended(period_start, period_end))
        if not chosen:
            raise ValidationFailed(_("No offering ended in that period: choose the micro-credentials instead."))
    else:  # every micro-credential with an offering that has ended so far
        yesterday = timezone.localdate() - timezone.timedelta(days=1)
        chosen = list(selectors.micro_credentials_with_offerings_ended(None, yesterday))
        if not chosen:
            raise ValidationFailed(_("No offering has ended yet: choose the micro-credentials the report covers."))
    report = CouncilReport.objects.create(
        title=title, meeting=meeting, period_start=period_start, period_end=period_end, created_by=user
    )
    report.micro_credentials.set(chosen)
    record_audit_event(
        actor=user,
        action="council_report.created",
        target=report,
        changes={"meeting": meeting.pk, "micro_credentials": [mc.pk for mc in chosen]},
    )
    return report


def get_report(user, report_id, *, lock: bool = False) -> CouncilReport:
    qs = CouncilReport.objects.select_related("meeting", "paper")
    if lock:
        qs = qs.select_for_update(of=("self",))
    report = qs.filter(pk=_id(report_id)).first() if _id(report_id) else None
    if report is None or not permissions.can_view_reports(user):
        raise ReportNotFound()
    return report


def report_pdf_bytes(report: CouncilReport) -> bytes:
    """The report drawn now: its sections' survey results and recommendations."""
    return report_pdf.council_report_pdf(report, selectors.report_sections(report))


@transaction.atomic
def put_report_on_agenda(*, user, report_id) -> CouncilReport:
    """Draw the report's PDF (frozen from now on) and put it on its meeting's agenda as a paper to note."""
    if not permissions.can_manage_reports(user):
        raise NotAllowed(_("Only the quality office puts its council reports on the agenda."))
    report = get_report(user, report_id, lock=True)
    if report.status != CouncilReport.Status.DRAFT:
        raise AlreadyOnAgenda()
    data = report_pdf_bytes(report)
    paper = papers.place_paper(
        user=user,
        meeting_id=report.meeting_id,
        kind=AgendaPaper.Kind.QUALITY_REPORT,
        title=report.title,
        presenter=user,
        name=f"council-report-{report.pk}.pdf",
        data=data,
    )
    updated = CouncilReport.objects.filter(pk=report.pk, status=CouncilReport.Status.DRAFT).update(
        status=CouncilReport.Status.ON_AGENDA, paper=paper
    )
    if not updated:
        raise AlreadyOnAgenda()
    report.refresh_from_db()
    record_audit_event(
        actor=user,
        action="council_report.put_on_agenda",
        target=report,
        summary=str(report.meeting),
        changes={"meeting": report.meeting_id, "paper": paper.pk, "sha256": paper.sha256},
    )
    return report


# Recommendations -----------------------------------------------------------------------------------------------


@transaction.atomic
def record_recommendation(*, user, micro_credential_id, text: str, report_id=None, meeting_id=None) -> Recommendation:
    """A recommendation about a published micro-credential, optionally made by a report or at a meeting."""
    if not permissions.can_record_recommendation(user):
        raise NotAllowed(_("Only the quality office records recommendations."))
    mc = MicroCredential.objects.filter(pk=_id(micro_credential_id)).first() if _id(micro_credential_id) else None
    if mc is None:
        raise ValidationFailed(_("Choose the micro-credential the recommendation is about."))
    if mc.status != MicroCredential.Status.PUBLISHED:
        raise ValidationFailed(
            _("“%(title)s” is retired: a recommendation can only be about a published micro-credential.")
            % {"title": mc}
        )
    text = _text(text, missing=_("Write the recommendation."))
    report = None
    meeting = None
    if report_id:
        report = get_report(user, report_id)
        if not report.micro_credentials.filter(pk=mc.pk).exists():
            raise ValidationFailed(_("The report does not cover this micro-credential."))
        meeting = report.meeting
    elif meeting_id:
        meeting = _council_meeting(meeting_id)
    recommendation = Recommendation.objects.create(
        micro_credential=mc, report=report, meeting=meeting, text=text, created_by=user
    )
    record_audit_event(
        actor=user,
        action="recommendation.recorded",
        target=recommendation,
        changes={"micro_credential": mc.pk, "report": report.pk if report else None},
    )
    return recommendation


def get_recommendation(user, recommendation_id, *, lock: bool = False) -> Recommendation:
    qs = Recommendation.objects.select_related("micro_credential", "report", "meeting", "change_proposal")
    if lock:
        qs = qs.select_for_update(of=("self",))
    rec = qs.filter(pk=_id(recommendation_id)).first() if _id(recommendation_id) else None
    if rec is None or not permissions.can_view_recommendation(user, rec):
        raise RecommendationNotFound()
    return rec


def _check_open_and_free(rec: Recommendation) -> None:
    if not rec.is_open:
        raise AlreadyClosed()
    if rec.followed_by_open_proposal:
        raise ValidationFailed(
            _("This recommendation is already followed by the change proposal %(ref)s.")
            % {"ref": rec.change_proposal.reference}
        )


def _link(user, rec: Recommendation, proposal: Proposal) -> Recommendation:
    updated = Recommendation.objects.filter(pk=rec.pk, status=R.Status.OPEN).update(change_proposal=proposal)
    if not updated:
        raise AlreadyClosed()
    rec.refresh_from_db()
    record_audit_event(
        actor=user,
        action="recommendation.linked_to_change_proposal",
        target=rec,
        summary=proposal.reference,
        changes={"change_proposal": proposal.pk},
    )
    return rec


@transaction.atomic
def start_change_proposal_from(*, user, recommendation_id, institution) -> Proposal:
    """Start a change proposal for the recommendation's micro-credential, for one of its universities where
    `user` proposes, and follow the recommendation by it."""
    rec = get_recommendation(user, recommendation_id, lock=True)
    _check_open_and_free(rec)
    if institution is None or institution.pk not in permissions.change_institution_ids(user, rec):
        raise NotAllowed(
            _("Only a proposer at a university that awards or co-leads this micro-credential starts its change.")
        )
    proposal = proposal_services.start_change_proposal(
        user=user, micro_credential_id=rec.micro_credential_id, institution=institution
    )
    _link(user, rec, proposal)
    return proposal


@transaction.atomic
def link_change_proposal(*, user, recommendation_id, proposal_reference: str) -> Recommendation:
    """Follow the recommendation by an existing open change proposal of its micro-credential."""
    rec = get_recommendation(user, recommendation_id, lock=True)
    _check_open_and_free(rec)
    reference = (proposal_reference or "").strip()
    proposal = Proposal.objects.filter(reference__iexact=reference).first() if reference else None
    if proposal is None:
        raise ValidationFailed(_("There is no proposal “%(ref)s”.") % {"ref": reference[:40]})
    if not permissions.can_link_change_proposal(user, rec, proposal):
        raise NotAllowed(_("Only the quality office, or the change proposal's proposer, links it."))
    if proposal.changes_micro_credential_id != rec.micro_credential_id:
        raise ValidationFailed(
            _("%(ref)s is not a change proposal for this micro-credential.") % {"ref": proposal.reference}
        )
    if proposal.status in CLOSED_STATUSES:
        raise ValidationFailed(
            _("%(ref)s is closed (%(status)s): link an open change proposal.")
            % {"ref": proposal.reference, "status": proposal.get_status_display()}
        )
    return _link(user, rec, proposal)


@transaction.atomic
def close_recommendation(*, user, recommendation_id, how: str, reason: str) -> Recommendation:
    """Close a recommendation by a decision, with the reason: done otherwise, or not followed."""
    if not permissions.can_close_recommendation(user):
        raise NotAllowed(_("Only the quality office or the board secretary closes a recommendation."))
    rec = get_recommendation(user, recommendation_id, lock=True)
    if not rec.is_open:
        raise AlreadyClosed()
    if how not in (R.Closure.DONE_OTHERWISE, R.Closure.NOT_FOLLOWED):
        raise ValidationFailed(_("Say how it closes: done otherwise, or not followed."))
    reason = _text(reason, missing=_("Give the reason for closing the recommendation."))
    updated = Recommendation.objects.filter(pk=rec.pk, status=R.Status.OPEN).update(
        status=R.Status.CLOSED, closed_how=how, reason=reason, closed_by=user, closed_at=timezone.now()
    )
    if not updated:
        raise AlreadyClosed()
    rec.refresh_from_db()
    record_audit_event(
        actor=user, action="recommendation.closed", target=rec, summary=reason[:500], changes={"how": how}
    )
    return rec


def close_recommendations_followed_by(sender, proposal, decision, actor=None, **kwargs) -> None:
    """``proposals.signals.proposal_decided``: an approved change proposal closes the open recommendations it
    follows. In the decision's transaction (the signal is sent inside it)."""
    if proposal.status != ProposalStatus.APPROVED:
        return
    now = timezone.now()
    for rec in Recommendation.objects.select_for_update().filter(change_proposal=proposal, status=R.Status.OPEN):
        Recommendation.objects.filter(pk=rec.pk, status=R.Status.OPEN).update(
            status=R.Status.CLOSED, closed_how=R.Closure.CHANGE_PROPOSAL, closed_at=now, closed_by=None
        )
        record_audit_event(
            actor=None,
            action="recommendation.closed_by_approval",
            target=rec,
            summary=f"{proposal.reference} approved",
            changes={"change_proposal": proposal.pk, "decision": decision.pk, "decided_by": getattr(actor, "pk", None)},
        )
