"""Papers on a meeting's agenda: documents the meeting notes rather than decides (a quality report, a KPI report;
policy 7.25). The services that place and note them, and the reads of a meeting's papers.

The proposals app knows nothing of who makes a paper: the caller hands over the PDF as bytes (the quality app its
council report, the secretary an upload). Each write checks who may act (permissions.py), runs in one
transaction and leaves an audit record.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import DomainError, ValidationFailed
from microcred.core.text import COMMENT_TEXT, check_single_line
from microcred.proposals.documents import check_document, document_response, extension_of, safe_display_name, sha256_of
from microcred.proposals.exceptions import NotAllowed
from microcred.proposals.models import AgendaItem, AgendaPaper, Meeting
from microcred.proposals.permissions import can_note_paper, can_place_paper, can_read_paper


class AlreadyNoted(DomainError):
    code = "already_noted"
    status = 409


class PaperNotFound(DomainError):
    code = "paper_not_found"
    status = 404

    def __init__(self):
        super().__init__(_("There is no such paper, or you may not read it."))


def _next_order(meeting: Meeting) -> int:
    """After everything already on the agenda, proposals and papers alike."""
    items = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Coalesce(Max("order"), 0))["m"]
    papers = AgendaPaper.objects.filter(meeting=meeting).aggregate(m=Coalesce(Max("order"), 0))["m"]
    return max(items, papers) + 1


@transaction.atomic
def place_paper(*, user, meeting_id: int, kind: str, title: str, presenter, name: str, data: bytes) -> AgendaPaper:
    """Put a paper (a PDF, given as bytes) on an upcoming meeting's agenda, presented by `presenter`."""
    if kind not in AgendaPaper.Kind.values:
        raise ValidationFailed(_("Choose the kind of paper."))
    if not can_place_paper(user, kind):
        raise NotAllowed(
            _("Only the board secretary puts papers on an agenda; the quality office its quality reports.")
        )
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the paper a title."))
    if len(title) > 200:
        raise ValidationFailed(_("The title is at most 200 characters."))
    check_single_line(title, _("The title must be on one line: remove line breaks, tabs and other control characters."))
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationFailed(_("Choose a meeting."))
    if meeting.date < timezone.now():
        raise ValidationFailed(_("That meeting has already taken place."))
    if presenter is None or not getattr(presenter, "is_active", False):
        raise ValidationFailed(_("Say who presents the paper."))
    if extension_of(name) != ".pdf":
        raise ValidationFailed(
            _("A paper is a PDF document: “%(name)s” is not one.") % {"name": safe_display_name(name, "")}
        )
    extension, _content_type = check_document(name, data)  # a real PDF, without scripts, at most 10 MB
    display_name = safe_display_name(name, extension)
    digest = sha256_of(data)
    paper = AgendaPaper(
        meeting=meeting,
        order=_next_order(meeting),
        kind=kind,
        title=title,
        presenter=presenter,
        original_name=display_name,
        size=len(data),
        sha256=digest,
        added_by=user,
    )
    paper.file.save(f"{meeting.date:%Y-%m-%d}-{digest[:16]}.pdf", ContentFile(data), save=False)
    paper.save()
    record_audit_event(
        actor=user,
        action="meeting.paper_added",
        target=meeting,
        summary=title,
        changes={"paper": paper.pk, "kind": kind, "sha256": digest, "presenter": presenter.pk},
    )
    return paper


@transaction.atomic
def note_paper(*, user, paper_id: int, minutes: str = "") -> AgendaPaper:
    """Record that the meeting noted a paper (papers are noted, not decided), with optional minutes text. Once."""
    paper = AgendaPaper.objects.select_related("meeting").select_for_update(of=("self",)).filter(pk=paper_id).first()
    if paper is None:
        raise PaperNotFound()
    if not can_note_paper(user, paper.meeting):
        raise NotAllowed(_("Only the chair or the board secretary records that a paper was noted."))
    minutes = (minutes or "").strip()
    if len(minutes) > COMMENT_TEXT:
        raise ValidationFailed(_("The minutes are at most %(n)d characters.") % {"n": COMMENT_TEXT})
    updated = AgendaPaper.objects.filter(pk=paper.pk, noted_at__isnull=True).update(
        noted_at=timezone.now(), noted_by=user, noted_minutes=minutes
    )
    if not updated:
        raise AlreadyNoted(_("This paper was already noted."))
    paper.refresh_from_db()
    record_audit_event(
        actor=user, action="meeting.paper_noted", target=paper.meeting, summary=paper.title, changes={"paper": paper.pk}
    )
    return paper


# Reads ------------------------------------------------------------------------------------------------------


def papers_of(meeting: Meeting):
    return meeting.papers.select_related("presenter", "noted_by").order_by("order", "id")


def get_paper(user, paper_id) -> AgendaPaper:
    """The paper if `user` may read it; PaperNotFound otherwise (missing and forbidden look the same)."""
    try:
        paper = AgendaPaper.objects.select_related("meeting", "presenter", "noted_by").get(pk=paper_id)
    except (AgendaPaper.DoesNotExist, ValueError, TypeError):
        raise PaperNotFound() from None
    if not can_read_paper(user, paper):
        raise PaperNotFound()
    return paper


def paper_response(paper: AgendaPaper) -> FileResponse:
    """The paper as a download, served inert like every uploaded document."""
    return document_response(paper)
