"""Papers on a meeting's agenda (issue #14, policy 7.25): documents the meeting notes, not decides."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from microcred.audit.models import AuditEvent
from microcred.proposals import papers, pdf
from microcred.proposals.exceptions import NotAllowed
from microcred.proposals.models import AgendaPaper
from microcred.proposals.tests.test_services import council_meeting  # noqa: F401  (fixture)
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def a_pdf(text="Figures against the targets") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 750, text)
    page.save()
    return buffer.getvalue()


def _place(user, meeting, *, kind="kpi_report", title="KPI report 2026", presenter=None):
    return papers.place_paper(
        user=user,
        meeting_id=meeting.pk,
        kind=kind,
        title=title,
        presenter=presenter or user,
        name="kpi.pdf",
        data=a_pdf(),
    )


def test_the_secretary_places_any_paper_the_quality_office_only_quality_reports(people, council_meeting, make_user):
    quality = make_user(Role.QUALITY_OFFICE)
    paper = _place(people["secretary"], council_meeting)
    assert (paper.kind, paper.order, paper.size) == ("kpi_report", 1, len(a_pdf()))
    with pytest.raises(NotAllowed):
        _place(quality, council_meeting)
    report = _place(quality, council_meeting, kind="quality_report", title="Survey results")
    assert report.order == 2
    for who in ("chair", "member", "proposer"):
        with pytest.raises(NotAllowed):
            _place(people[who], council_meeting, kind="quality_report")
    assert AgendaPaper.objects.count() == 2
    assert AuditEvent.objects.filter(action="meeting.paper_added").count() == 2


def test_a_paper_is_noted_once_by_the_chair_or_secretary(people, council_meeting):
    paper = _place(people["secretary"], council_meeting)
    with pytest.raises(NotAllowed):
        papers.note_paper(user=people["member"], paper_id=paper.pk)
    noted = papers.note_paper(user=people["chair"], paper_id=paper.pk, minutes="Discussed the drop-out figures.")
    assert noted.noted_by == people["chair"] and noted.noted_minutes == "Discussed the drop-out figures."
    with pytest.raises(papers.AlreadyNoted):
        papers.note_paper(user=people["secretary"], paper_id=paper.pk, minutes="Again")
    noted.refresh_from_db()
    assert noted.noted_by == people["chair"]
    assert AuditEvent.objects.filter(action="meeting.paper_noted").count() == 1


def test_members_and_the_admin_download_a_paper_others_do_not(client, people, council_meeting, make_user):
    paper = _place(people["secretary"], council_meeting)
    url = reverse("proposals:paper", args=[paper.pk])
    for user in (people["member"], people["chair"], make_user(Role.ALLIANCE_ADMIN)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in (people["board"], people["proposer"], make_user(Role.QUALITY_OFFICE)):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_meeting_page_lists_papers_and_the_secretary_adds_and_the_chair_notes_them(client, people, council_meeting):
    client.force_login(people["secretary"])
    url = reverse("proposals:meeting", args=[council_meeting.pk])
    response = client.post(
        reverse("proposals:paper-add", args=[council_meeting.pk]),
        {
            "kind": "kpi_report",
            "title": "KPI report 2026",
            "presenter": people["secretary"].pk,
            "file": SimpleUploadedFile("kpi.pdf", a_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    paper = AgendaPaper.objects.get()
    # Not a PDF: refused with the reason, nothing written.
    response = client.post(
        reverse("proposals:paper-add", args=[council_meeting.pk]),
        {
            "kind": "kpi_report",
            "title": "Notes",
            "presenter": people["secretary"].pk,
            "file": SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain"),
        },
        follow=True,
    )
    assert "A paper is a PDF document" in response.content.decode()
    assert AgendaPaper.objects.count() == 1
    client.force_login(people["chair"])
    page = client.get(url).content.decode()
    assert "KPI report 2026" in page and "Papers to note" in page
    assert reverse("proposals:paper", args=[paper.pk]) in page
    client.post(reverse("proposals:paper-note", args=[paper.pk]), {"minutes": "Noted with thanks."})
    paper.refresh_from_db()
    assert paper.noted_by == people["chair"]
    assert "Noted with thanks." in client.get(url).content.decode()
    # A member may not add papers.
    client.force_login(people["member"])
    assert client.post(reverse("proposals:paper-add", args=[council_meeting.pk]), {}).status_code == 403


def test_the_agenda_and_minutes_pdfs_list_the_papers(people, council_meeting):
    paper = _place(people["secretary"], council_meeting, title="KPI report 2026")
    agenda = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.meeting_pdf(council_meeting, minutes=False))).pages
    )
    assert "Papers to note" in agenda and "KPI report 2026" in agenda
    papers.note_paper(user=people["chair"], paper_id=paper.pk, minutes="Welcomed.")
    minutes = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.meeting_pdf(council_meeting, minutes=True))).pages
    )
    assert "Noted: Welcomed." in minutes
