"""The formats a learner downloads: each carries or shows the same credential, and verifies."""

import io

import pytest
from django.urls import reverse

from microcred import vc
from microcred.credentials import formats
from microcred.credentials.services.verification import verify_credential_document

pytestmark = pytest.mark.django_db


def test_baked_png_carries_the_signed_credential_and_verifies(issue):
    credential = issue(learner_name="Zsófia Nagy-Kőrösi")
    png = formats.badge_png(credential)
    assert png.startswith(b"\x89PNG")
    extracted = vc.unbake_png(png)
    assert extracted == credential.document
    assert verify_credential_document(extracted).is_valid


def test_baked_svg_carries_the_signed_credential_and_verifies(issue):
    credential = issue()
    svg = formats.badge_svg(credential)
    assert "<title>" in svg and 'role="img"' in svg
    extracted = vc.unbake_svg(svg)
    assert extracted == credential.document
    assert verify_credential_document(extracted).is_valid


def test_pdf_certificate_states_annex1_elements_and_links_to_verification(issue):
    from pypdf import PdfReader

    credential = issue(learner_name="Zsófia Nagy-Kőrösi", grade="8.5")
    pdf = formats.certificate_pdf(credential)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Zsófia Nagy-Kőrösi" in flat  # letters outside Latin-1 are embedded, not dropped
    assert credential.micro_credential_version.title in flat
    for label in (
        "Awarding body",
        "Notional workload",
        "Type of assessment",
        "Form of participation",
        "Type of quality assurance",
        "Date of issue",
        "Grade",
        "ESCO skills",
    ):
        assert label in flat, label
    assert formats.verification_url(credential) in flat.replace(" ", "") or str(credential.uuid) in flat


def test_only_the_holder_or_an_officer_downloads(client, issue, make_user):
    credential = issue(learner_email="holder@example.org")
    url = reverse("credentials:download", args=[credential.uuid, "pdf"])
    client.force_login(make_user(email="someone@example.org"))
    assert client.get(url).status_code == 404
    client.force_login(make_user(email="HOLDER@example.org"))
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for fmt, start in (("json", b"{"), ("png", b"\x89PNG"), ("svg", b"<svg"), ("elm", b"{")):
        response = client.get(reverse("credentials:download", args=[credential.uuid, fmt]))
        assert response.content.startswith(start), fmt
        # Inert if opened in the browser: no sniffing, a sandbox with nothing allowed, a fixed attachment name.
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
        assert response["Content-Disposition"].startswith('attachment; filename="credential-')


def test_public_page_shows_live_verification(client, issue, make_user):
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    credential = issue()
    page = client.get(reverse("credentials:public", args=[credential.uuid])).content.decode()
    assert "✔ Valid" in page and credential.learner_name in page
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    page = client.get(reverse("credentials:public", args=[credential.uuid])).content.decode()
    assert "Not valid" in page and "revoked" in page.lower()


def test_the_learner_is_told_when_a_credential_is_revoked(issue, make_user, django_capture_on_commit_callbacks):
    from django.core import mail

    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    credential = issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    assert [m.to for m in mail.outbox] == [["katrin@example.org"]]
    assert "revoked" in mail.outbox[0].subject and "Issued to the wrong person." in mail.outbox[0].body
