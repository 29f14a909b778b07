"""/verify/ with our PDF certificate and our ELM export (issue #16, defect 5), below the page: what is recognised,
and that a damaged PDF or an unknown JSON never becomes an error of ours."""

import json

import pytest
from django.test import Client

from microcred.credentials import formats
from microcred.credentials.elm import elm_json_bytes
from microcred.credentials.uploads import recognise_upload

pytestmark = pytest.mark.django_db


def test_our_pdf_names_the_credential_it_certifies(issue):
    credential = issue()
    recognised = recognise_upload(formats.certificate_pdf(credential))
    assert recognised.kind == "pdf" and recognised.credential == credential
    assert recognised.document == credential.document


def test_our_elm_export_names_its_open_badges_credential_and_an_edited_one_is_flagged(issue):
    credential = issue()
    export = elm_json_bytes(credential)
    recognised = recognise_upload(export)
    assert recognised.kind == "elm" and recognised.credential == credential
    assert "is the one made from that credential" in recognised.note
    edited = json.loads(export)
    edited["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert "is not the one made from" in recognise_upload(json.dumps(edited).encode()).note


@pytest.mark.parametrize("notation", ["urn:uuid:not-a-uuid", "urn:uuid:00000000-0000-4000-8000-000000000000"])
def test_an_elm_export_naming_no_credential_of_ours_is_explained(issue, notation):
    edited = json.loads(elm_json_bytes(issue()))
    edited["identifier"] = [{"notation": notation}]
    recognised = recognise_upload(json.dumps(edited).encode())
    assert recognised.kind == "elm" and recognised.credential is None
    assert "names no credential issued here" in recognised.explanation


def test_an_erased_credential_is_not_found_through_its_pdf(issue):
    credential = issue()
    pdf = formats.certificate_pdf(credential)
    credential.document = {"erased": True}
    credential.save(update_fields=["document"])
    recognised = recognise_upload(pdf)
    assert recognised.kind == "pdf" and recognised.credential is None and "QR code" in recognised.note


@pytest.mark.parametrize(
    "raw",
    [b"%PDF-1.7\n" + b"\x00\xff" * 500, b"%PDF-", b"  %PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"],
)
def test_a_damaged_pdf_is_explained_not_an_error(raw):
    recognised = recognise_upload(raw)
    assert recognised.kind == "pdf" and recognised.credential is None


@pytest.mark.parametrize("raw", [b'{"type": ["VerifiableCredential"]}', b"{not json", b"\x89PNG\r\n\x1a\n", b"[]"])
def test_anything_else_is_left_to_the_verifier(raw):
    assert recognise_upload(raw) is None


def test_the_page_answers_a_pdf_without_a_decoding_error(issue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    credential = issue()
    upload = SimpleUploadedFile("certificate.pdf", formats.certificate_pdf(credential), "application/pdf")
    response = Client().post("/verify/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "A PDF certificate" in page and "✔ Valid" in page and "codec" not in page
