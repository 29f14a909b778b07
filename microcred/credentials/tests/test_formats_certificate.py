"""The PDF certificate designed as a certificate (issue #16): A4 landscape, page 1 a certificate with the
learner's name, the title, a plain-language statement, the key Annex 1 elements, the issuer's signatories (or its
seal, never an invented signature) and the QR code of the verification page; the details and technical data after.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape

from microcred.core.dates import public_date
from microcred.credentials import certificate, formats
from microcred.credentials.models import IssuerSignatory

pytestmark = pytest.mark.django_db

WIDTH, HEIGHT = landscape(A4)


def _reader(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def _flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _pages(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in _reader(pdf).pages]


def _png(size=(600, 180), colour=(20, 20, 80, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _images_on(page) -> int:
    return len(page.images)


def test_a4_landscape_a_certificate_then_the_details(issue, alliance):
    credential = issue(learner_name="Zsófia Nagy-Kőrösi", grade="8.5")
    pdf = formats.certificate_pdf(credential)
    reader = _reader(pdf)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((WIDTH, HEIGHT))
    front, *rest = _pages(pdf)
    details = " ".join(rest)
    url = formats.verification_url(credential)
    assert "CERTIFICATE OF ACHIEVEMENT" in front and "Formal micro-credential" in front
    assert "Zsófia Nagy-Kőrösi" in front and "Data analysis for sustainability" in front
    assert (
        "Zsófia Nagy-Kőrösi has successfully completed the micro-credential “Data analysis for sustainability” "
        "(5 ECTS credits, EQF level 6), awarded by University of Barcelona on 1 July 2026." in front
    )
    for label, value in [
        ("Awarding body or bodies, and country", "University of Barcelona (Spain); Utrecht University (Netherlands)"),
        ("Notional workload", "5 ECTS credits"),
        ("Level", "EQF level 6"),
        ("Type of assessment", "Written exam"),
        ("Languages", "English, Spanish"),
        ("Grade", "8.5"),
        ("Date of issue", "1 July 2026"),
    ]:
        assert label in front and value in front, label
    assert "Scan to verify" in front and certificate.short_url(url) in front.replace(" ", "")
    assert "did:web" not in front  # identifiers are technical data, on the next page
    # Both logos on the certificate: the alliance's and the issuer's (monograms here), with their names.
    assert _images_on(reader.pages[0]) == 2
    assert "Example European University Alliance" in front
    # After it: every Annex 1 element, the ESCO skills and the technical data read from the signed credential.
    for label, _value in formats.annex1_rows(credential):
        assert label in details, label
    assert "ESCO skills: analyse big data" in details
    proof = (
        credential.document["proof"][0]
        if isinstance(credential.document["proof"], list)
        else credential.document["proof"]
    )
    assert "Technical data" in details
    for expected in (
        credential.credential_id,
        credential.issuer.did,
        proof["verificationMethod"],
        "eddsa-rdfc-2022",
        credential.document["credentialStatus"]["statusListCredential"],
        str(credential.status_index),
        "How to verify",
    ):
        assert expected in details.replace(" ", "") or expected in details, expected


def test_without_signatories_the_issuer_seals_and_no_signature_is_invented(issue, alliance):
    credential = issue()
    reader = _reader(formats.certificate_pdf(credential))
    front = _flat(reader.pages[0].extract_text())
    assert "Digitally signed and sealed" in front and "University of Barcelona" in front
    assert _images_on(reader.pages[0]) == 2  # the two logos; no signature picture


def test_the_issuers_active_signatories_sign_in_order_at_most_three(issue, alliance):
    credential = issue()
    issuer = credential.issuer
    IssuerSignatory.objects.create(issuer=issuer, order=2, name="Maria Pérez", title="Vice-Rector for Education")
    IssuerSignatory.objects.create(issuer=issuer, order=1, name="Joan Guàrdia", title="Rector", signature=_png())
    IssuerSignatory.objects.create(issuer=issuer, order=3, name="Former Rector", title="Rector", active=False)
    reader = _reader(formats.certificate_pdf(credential))
    front = _flat(reader.pages[0].extract_text())
    assert "Joan Guàrdia Rector" in front and "Maria Pérez Vice-Rector for Education" in front
    assert front.index("Joan Guàrdia") < front.index("Maria Pérez")
    assert "Former Rector" not in front
    assert "Digitally signed and sealed" not in front
    assert _images_on(reader.pages[0]) == 3  # two logos and the one signature picture uploaded

    for n in range(3, 6):
        IssuerSignatory.objects.create(issuer=issuer, order=n + 1, name=f"Officer {n}", title="Dean")
    front = _flat(_reader(formats.certificate_pdf(credential)).pages[0].extract_text())
    assert "Officer 3" in front and "Officer 4" not in front  # the first three active ones


def test_a_certificate_names_the_officers_in_office_on_the_day_it_was_awarded(issue, alliance):
    """A new rector takes office on 1 September: a certificate of a credential awarded in July, printed after,
    still names the rector who awarded it; one awarded in September names the new one."""
    july = issue(awarded_on=date(2026, 7, 1))
    september = issue(awarded_on=date(2026, 9, 1))
    issuer = july.issuer
    IssuerSignatory.objects.create(
        issuer=issuer, order=1, name="Joan Guàrdia", title="Rector", serves_until=date(2026, 8, 31)
    )
    IssuerSignatory.objects.create(
        issuer=issuer, order=1, name="Laura Vidal", title="Rector", serves_from=date(2026, 9, 1)
    )
    IssuerSignatory.objects.create(issuer=issuer, order=2, name="Maria Pérez", title="Vice-Rector for Education")
    front = _flat(_reader(formats.certificate_pdf(july)).pages[0].extract_text())
    assert "Joan Guàrdia Rector" in front and "Laura Vidal" not in front and "Maria Pérez" in front
    front = _flat(_reader(formats.certificate_pdf(september)).pages[0].extract_text())
    assert "Laura Vidal Rector" in front and "Joan Guàrdia" not in front and "Maria Pérez" in front


def test_another_issuers_signatories_never_sign(issue, alliance, issuers):
    credential = issue()
    IssuerSignatory.objects.create(issuer=issuers["uu"], name="Henk de Vries", title="Rector Magnificus")
    front = _flat(_reader(formats.certificate_pdf(credential)).pages[0].extract_text())
    assert "Henk de Vries" not in front and "Digitally signed and sealed" in front


def test_the_qr_code_holds_the_verification_address(issue, alliance, monkeypatch):
    credential = issue()
    drawn = []
    real = certificate.qr_code

    def spy(value, size):
        drawing = real(value, size)
        drawn.append((value, drawing))
        return drawing

    monkeypatch.setattr(certificate, "qr_code", spy)
    formats.certificate_pdf(credential)
    url = formats.verification_url(credential)
    assert [value for value, _ in drawn] == [url]
    (widget,) = drawn[0][1].contents
    assert widget.value == url


def test_a_long_title_and_names_in_several_scripts_wrap_inside_the_page(issue, alliance):
    credential = issue()
    IssuerSignatory.objects.create(
        issuer=credential.issuer, name="Ιωάννης Παπαδόπουλος-Κωνσταντινίδης", title="Πρύτανης " * 12
    )
    version = credential.micro_credential_version
    unbroken = "Nanoelectromechanicalsystemsengineering" * 4  # 156 letters: wider than the page at any size used
    version.title = (f"{unbroken} " + "Digital twins for sustainable manufacturing and circular design " * 5)[:300]
    assert len(version.title) == 300
    credential.learner_name = "Αλέξανδρος Παπαδόπουλος Мария Ивановна Łukasz Ščerbová Őrsi Ágnes Þórsdóttir Åsa Øberg"
    pdf = formats.certificate_pdf(credential)
    reader = _reader(pdf)
    front = _flat(reader.pages[0].extract_text())
    for word in credential.learner_name.split():
        assert word in front, word
    assert "Scan to verify" in front and "1 July 2026." in front  # all of page 1 stayed on page 1

    # The layout: every line of every paragraph of page 1 fits the width it was wrapped to (a long word is
    # split, not left to run over), and each block fits its part of the page, shrunk if need be but legible.
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO())
    front_block, signing = certificate.first_page(credential)
    for block, height in ((front_block, certificate.FRONT_HEIGHT), (signing, certificate.SIGNING_HEIGHT)):
        width, used = block.wrapOn(canvas, certificate.CONTENT_WIDTH, height)
        assert width <= certificate.CONTENT_WIDTH + 0.01 and used <= height + 0.01
        paragraphs = list(_paragraphs(block))
        assert len(paragraphs) >= 5
        for paragraph in paragraphs:
            assert _narrowest_margin(paragraph) >= -0.01, paragraph.text[:80]
        assert getattr(block, "_scale", 1) <= 1.6  # shrunk to no less than about two thirds
    assert any(unbroken[:40] in p.text for p in _paragraphs(front_block))


def _paragraphs(flowable):
    from reportlab.platypus import KeepInFrame, Paragraph, Table

    if isinstance(flowable, Paragraph):
        yield flowable
    elif isinstance(flowable, Table):
        for row in flowable._cellvalues:
            for cell in row:
                for item in cell if isinstance(cell, (list, tuple)) else [cell]:
                    yield from _paragraphs(item)
    elif isinstance(flowable, KeepInFrame):
        for item in flowable._content:
            yield from _paragraphs(item)


def _narrowest_margin(paragraph) -> float:
    """The room left on the paragraph's fullest line: negative if a line runs past the paragraph's width."""
    lines = paragraph.blPara.lines
    return min(line[0] if isinstance(line, tuple) else line.extraSpace for line in lines)


def test_metadata_title_author_and_the_requested_language(issue, alliance):
    credential = issue(learner_name="Ana García")
    reader = _reader(formats.certificate_pdf(credential))
    assert reader.metadata.title == "Certificate of achievement: Data analysis for sustainability — Ana García"
    assert reader.metadata.author == "University of Barcelona"
    assert reader.metadata.subject.startswith("Ana García has successfully completed")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert (
        root["/ViewerPreferences"]["/DisplayDocTitle"] is True
        or str(root["/ViewerPreferences"]["/DisplayDocTitle"]) == "True"
    )
    with translation.override("fr"):
        french = _reader(formats.certificate_pdf(credential))
    assert french.trailer["/Root"]["/Lang"] == "fr"


def test_dates_and_numbers_in_the_language_asked(issue, alliance, make_version):
    credential = issue(version=make_version(ects=Decimal("7.5"), hours=200))
    with translation.override("fr"):
        front = _pages(formats.certificate_pdf(credential))[0]
    assert "1 juillet 2026" in front
    assert "7,5" in front and "7.5" not in front


def test_a_participation_badge_is_a_certificate_of_participation(issue, alliance, make_version):
    badge = issue(version=make_version(kind="non_formal", credential_type="participation_badge", title="Green campus"))
    front = _pages(formats.certificate_pdf(badge))[0]
    assert "CERTIFICATE OF PARTICIPATION" in front and "Participation badge" in front
    assert "took part in “Green campus”" in front and "Example European University Alliance" in front
    assert "EQF" not in front  # a badge has no level: not shown as "—" on the certificate


def test_a_revoked_credentials_certificate_says_so_on_every_page(client, issue, make_user, alliance):
    """The holder still downloads the PDF of a revoked credential, but it can no longer pass for a valid one: a
    band on page 1, REVOKED across every page and at the head of its title (its QR code opens the verification
    page, which says it too)."""
    from django.urls import reverse

    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    credential = issue(learner_email="holder@example.org")
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    revoked = revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    client.force_login(make_user(email="holder@example.org"))
    response = client.get(reverse("credentials:download", args=[credential.uuid, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = _reader(response.content)
    pages = _pages(response.content)
    band = (
        f"This credential was revoked by University of Barcelona on {public_date(revoked.revoked_at)}. "
        "This certificate is no longer valid."
    )
    assert band in pages[0]
    assert all("REVOKED" in page for page in pages)
    assert "Issued to the wrong person" not in " ".join(pages)  # the reason is the verification page's to give
    assert reader.metadata.title.startswith("REVOKED: Certificate of achievement: Data analysis for sustainability")
    with translation.override("es"):
        spanish = _pages(formats.certificate_pdf(revoked))
    assert "Este certificado ya no es válido." in spanish[0] and all("REVOCADO" in page for page in spanish)


def test_a_certificate_whose_validity_has_ended_says_it_expired(issue, alliance):
    credential = issue()
    credential.document["validUntil"] = "2026-08-01T00:00:00Z"
    pages = _pages(formats.certificate_pdf(credential))
    assert "This credential expired on 1 August 2026. This certificate is no longer valid." in pages[0]
    assert all("EXPIRED" in page for page in pages)


def test_a_valid_certificate_carries_no_warning(issue, alliance):
    credential = issue()
    credential.document["validUntil"] = "2999-01-01T00:00:00Z"
    pdf = formats.certificate_pdf(credential)
    text = " ".join(_pages(pdf))
    assert "no longer valid" not in text and "REVOKED" not in text and "EXPIRED" not in text
    assert _reader(pdf).metadata.title.startswith("Certificate of achievement")


@pytest.mark.parametrize(
    ("valid_until", "standing"),
    [
        (None, "valid"),
        ("2026-12-06T04:00:00Z", "valid"),
        ("2026-12-06T04:00:00.000Z", "valid"),  # the instant itself: not yet ended, as verification judges it
        # Written with an offset, it ends at 04:00 UTC: text that sorts before "now" is not an instant before it.
        ("2026-12-05T23:00:00-05:00", "valid"),
        ("2026-12-06T03:59:59Z", "expired"),
        ("2026-12-06T04:59:59+01:00", "expired"),
        ("not a date", "valid"),  # no end a verifier accepts: nothing to show as ended (verification refuses it)
    ],
)
def test_the_standing_reads_validity_as_an_instant(issue, valid_until, standing):
    from datetime import UTC, datetime

    credential = issue()
    if valid_until is not None:
        credential.document["validUntil"] = valid_until
    assert credential.standing(now=datetime(2026, 12, 6, 4, 0, tzinfo=UTC)) == standing


def test_a_revoked_credential_stands_revoked_whatever_its_dates(issue):
    from django.utils import timezone

    credential = issue()
    credential.document["validUntil"] = "2999-01-01T00:00:00Z"
    credential.revoked_at = timezone.now()
    assert credential.standing() == "revoked"
