"""Supporting documents with hostile names and content (issue #11).

Uploads are checked by content, not by extension (OWASP File Upload Cheat Sheet); downloads carry a
Content-Disposition built by Django from a safe name (RFC 6266), our own content type, ``nosniff`` and a
sandboxing Content Security Policy.
"""

from __future__ import annotations

import io
import zipfile
from email.message import Message

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from microcred.proposals import services
from microcred.proposals.documents import check_document, safe_display_name
from microcred.proposals.exceptions import InvalidDocument
from microcred.proposals.models import SupportingDocument
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.test_services import council_meeting  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

FORGED = "q\"; filename*=UTF-8''evil.html; x=\".pdf"


# --- Building PDFs --------------------------------------------------------------------------------


def raw_pdf(*objects: str) -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def plain(catalog_extra: str = "", *more: str, page_extra: str = "") -> bytes:
    return raw_pdf(
        f"<< /Type /Catalog /Pages 2 0 R{catalog_extra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]{page_extra} >>",
        *more,
    )


def reportlab_pdf(title: str = "Letter of support") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setTitle(title)
    pdf.drawString(72, 750, "Letter of support: /JavaScript /Launch /EmbeddedFile are words here.")
    pdf.save()
    return buffer.getvalue()


def pypdf_rewrite(data: bytes, change) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(data))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def package(kind: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if kind == "odt":
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
        else:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<document/>")
        for name in extra:
            z.writestr(name, b"\x00macro")
    return buffer.getvalue()


JS_ACTION = "<< /S /JavaScript /JS (app.alert(document.domain)) >>"

CLEAN = {
    "minimal": plain(),
    "reportlab, mentions the names in its text and title": reportlab_pdf("Data) /JavaScript (app.alert(1)"),
    "with a link": plain(
        page_extra=" /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.org/) >> >>]"
    ),
    "owner password only": pypdf_rewrite(reportlab_pdf(), lambda w: w.encrypt("", "owner-secret", algorithm="RC4-128")),
}
ACTIVE = {
    "open action": plain(f" /OpenAction {JS_ACTION}"),
    "hex-escaped names": plain(" /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "document-level script": plain(" /Names << /JavaScript 4 0 R >>", "<< /Names [(a) 5 0 R] >>", JS_ACTION),
    "page open action": plain(page_extra=f" /AA << /O {JS_ACTION} >>"),
    "unreferenced object": plain("", JS_ACTION),
    "launch": plain(" /OpenAction << /S /Launch /F (calc.exe) >>"),
    "xfa form": plain(" /AcroForm << /Fields [] /XFA 4 0 R >>", "<< /Length 0 >>\nstream\n\nendstream"),
    "pypdf add_js": pypdf_rewrite(reportlab_pdf(), lambda w: w.add_js("app.alert(1);")),
    "script behind an empty user password": pypdf_rewrite(
        reportlab_pdf(), lambda w: (w.add_js("app.alert(1);"), w.encrypt("", "owner-secret", algorithm="AES-128"))
    ),
}
EMBEDDED = {
    "embedded file": plain(
        " /Names << /EmbeddedFiles 4 0 R >>",
        "<< /Names [(evil.html) 5 0 R] >>",
        "<< /Type /Filespec /F (evil.html) /EF << /F 6 0 R >> >>",
        "<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream",
    ),
    "file attachment annotation": plain(
        page_extra=" /Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (evil.exe) >>]"
    ),
    "pypdf add_attachment": pypdf_rewrite(
        reportlab_pdf(), lambda w: w.add_attachment("evil.html", b"<script>alert(1)</script>")
    ),
}
NOT_PDF = {
    "html behind a pdf header": b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>",
    "html in a pdf": reportlab_pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<html><script>alert(1)</script>\n", 1),
    "header only": b"%PDF-1.7\n...",
    "truncated": reportlab_pdf()[:300],
    "no pages": raw_pdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"),
}


# --- Content --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", CLEAN.values(), ids=CLEAN.keys())
def test_real_pdfs_are_accepted(data):
    assert check_document("letter.pdf", data) == (".pdf", "application/pdf")


@pytest.mark.parametrize("data", ACTIVE.values(), ids=ACTIVE.keys())
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(data):
    with pytest.raises(InvalidDocument, match="JavaScript, a form with scripts or an action that starts a program"):
        check_document("letter.pdf", data)


@pytest.mark.parametrize("data", EMBEDDED.values(), ids=EMBEDDED.keys())
def test_a_pdf_with_embedded_files_is_refused(data):
    with pytest.raises(InvalidDocument, match="has other files embedded in it"):
        check_document("letter.pdf", data)


@pytest.mark.parametrize("data", NOT_PDF.values(), ids=NOT_PDF.keys())
def test_what_does_not_parse_as_a_pdf_is_refused(data):
    with pytest.raises(InvalidDocument, match="is named PDF but its content is not a PDF document"):
        check_document("letter.pdf", data)


def test_a_password_protected_pdf_is_refused_as_uncheckable():
    locked = pypdf_rewrite(reportlab_pdf(), lambda w: w.encrypt("user-secret", "owner-secret", algorithm="AES-128"))
    with pytest.raises(InvalidDocument, match="protected by a password"):
        check_document("letter.pdf", locked)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("letter.docx", package("docx", "word/vbaProject.bin")),
        ("letter.odt", package("odt", "Basic/Standard/Module1.xml")),
    ],
)
def test_documents_with_macros_are_refused(name, data):
    with pytest.raises(InvalidDocument, match="contains macros"):
        check_document(name, data)


def test_clean_docx_and_odt_are_accepted():
    assert check_document("a.docx", package("docx"))[0] == ".docx"
    assert check_document("a.odt", package("odt"))[0] == ".odt"


# --- Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (FORGED, "q_ filename_UTF-8''evil.html_ x.pdf"),
        ("C:\\Users\\ana\\letter.pdf", "letter.pdf"),
        ("../../etc/letter.pdf", "letter.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ("line\r\nbreak\x00.pdf", "linebreak.pdf"),
        ('<script>alert("x")</script>.pdf', "script.pdf"),
        ('<b onmouseover="x">.pdf', "b onmouseover_x.pdf"),
        ("Lettre d’appui — Zsófia.PDF", "Lettre d_appui _ Zsófia.pdf"),
        (".pdf", "document.pdf"),
        ('";.pdf', "document.pdf"),
    ],
)
def test_safe_display_name(name, expected):
    assert safe_display_name(name, ".pdf") == expected


def test_a_very_long_name_is_cut_but_keeps_its_extension():
    name = safe_display_name("a" * 5000 + ".pdf", ".pdf")
    assert len(name) <= 255 and name.endswith("a.pdf")


# --- Upload and download --------------------------------------------------------------------------


def _disposition_filename(response) -> str:
    message = Message()
    message["Content-Disposition"] = response["Content-Disposition"]
    assert message.get_content_disposition() == "attachment"
    params = [key for key, _value in message.get_params(header="Content-Disposition")[1:]]
    assert params in (["filename"], ["filename*"]), params  # exactly one name, nothing injected
    return message.get_filename()


def _assert_inert(response, content_type):
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_forged_upload_name_downloads_under_a_safe_pdf_name(client, people, institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    document = services.add_document(
        user=people["proposer"], proposal_id=proposal.pk, name=FORGED, data=reportlab_pdf(), purpose="support"
    )
    assert document.original_name == "q_ filename_UTF-8''evil.html_ x.pdf"
    client.force_login(people["proposer"])
    response = client.get(reverse("proposals:document", args=[proposal.pk, document.pk]))
    assert response.status_code == 200
    assert _disposition_filename(response) == "q_ filename_UTF-8''evil.html_ x.pdf"
    _assert_inert(response, "application/pdf")
    with document.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


@pytest.mark.parametrize(
    ("stored_name", "downloaded"),
    [
        (FORGED, "q_ filename_UTF-8''evil.html_ x.pdf"),
        ("evil.html", "evil.html.pdf"),
        ("Zsófia\u202e.pdf", "Zsófia.pdf"),
    ],
)
def test_names_stored_before_the_fix_download_safely_as_the_checked_type(
    client, people, institution, stored_name, downloaded
):
    """A row stored with a raw name and a wrong content type (as an older version could) is still safe."""
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    document = SupportingDocument(
        version=proposal.current_version,
        original_name=stored_name,
        content_type="text/html",
        size=10,
        sha256="0" * 64,
        uploaded_by=people["proposer"],
    )
    document.file.save("MC-legacy.pdf", ContentFile(reportlab_pdf()), save=True)
    client.force_login(people["proposer"])
    response = client.get(reverse("proposals:document", args=[proposal.pk, document.pk]))
    assert _disposition_filename(response) == downloaded
    _assert_inert(response, "application/pdf")


@pytest.mark.parametrize(
    ("label", "data", "message"),
    [
        ("html behind a pdf header", NOT_PDF["html behind a pdf header"], "is named PDF but its content is not"),
        ("javascript", ACTIVE["open action"], "contains JavaScript"),
        ("embedded file", EMBEDDED["embedded file"], "has other files embedded in it"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(client, people, institution, label, data, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:document-upload", args=[proposal.pk]),
        {"file": SimpleUploadedFile("letter.pdf", data), "purpose": "support"},
        follow=True,
    )
    assert message in response.content.decode()
    assert not SupportingDocument.objects.exists()
    proposal.refresh_from_db()
    assert proposal.revision == 1  # nothing changed


def test_meeting_pdfs_have_a_well_formed_disposition(client, people):
    from django.utils import timezone

    meeting = services.create_meeting(user=people["secretary"], body="academic_council", date=timezone.now())
    client.force_login(people["secretary"])
    response = client.get(reverse("proposals:meeting-pdf", args=[meeting.pk, "agenda"]))
    assert _disposition_filename(response) == f"agenda-{meeting.date:%Y-%m-%d}.pdf"


def test_meeting_minutes_draw_hostile_and_very_long_values_as_text(
    client, people, refdata, institution, other_institution, council_meeting
):
    from pypdf import PdfReader

    from microcred.proposals.models import Meeting, ProposalVersion
    from microcred.proposals.tests.test_services import draft, to_agenda

    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    title = '</para><font size="90">Big</font> & <script>alert(1)</script>'
    ProposalVersion.objects.filter(proposal=proposal).update(title=title)
    decide_in_session(
        user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Sound. " + "long words " * 3000
    )
    Meeting.objects.filter(pk=item.meeting_id).update(
        location='<b>Room "1"</b>', minutes="<i>Minutes</i>\n\n" + "Discussed. " * 2000
    )
    client.force_login(people["secretary"])
    response = client.get(reverse("proposals:meeting-pdf", args=[item.meeting_id, "minutes"]))
    assert response.status_code == 200
    check_document("minutes.pdf", response.content)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    for shown in (
        '</para><font size="90">Big</font>',
        "<script>alert(1)</script>",
        '<b>Room "1"</b>',
        "<i>Minutes</i>",
    ):
        assert shown in text, shown
