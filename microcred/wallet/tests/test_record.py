"""The learner record (issue #12, item 3): the page, the PDF, the signed presentation and /api/v1/me/record."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from microcred import vc
from microcred.core.tests.pdf_fonts import PLATFORM_FONTS, font_names
from microcred.credentials.services.issuers import resolve_verification_method
from microcred.credentials.services.verification import verify_credential_document
from microcred.wallet import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", password="katrin-password-42", full_name="Katrin Weber")


@pytest.fixture
def held(issue, make_version, holder):
    first = issue(make_version(title="Data analysis", ects=Decimal("5.0")), learner=holder, learner_email=holder.email)
    second = issue(make_version(title="Energy policy", ects=Decimal("3.5")), learner=holder, learner_email=holder.email)
    return first, second


def test_the_record_lists_her_credentials_not_revoked_with_the_total(held, holder, issue, make_user):
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    first, second = held
    revoked = issue(learner=holder, learner_email=holder.email)
    issue(learner_email="someone.else@example.org")
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, revoked.issuer.institution)), revoked.pk, "Mistake")
    result = record.learner_record(holder)
    assert [e.credential.pk for e in result.entries] == [first.pk, second.pk]
    assert result.total_ects == Decimal("8.5")
    entry = result.entries[0]
    assert (entry.title, entry.ects, entry.eqf_level, entry.issuer) == (
        "Data analysis",
        Decimal("5.0"),
        6,
        first.issuer.name,
    )


def test_the_page_shows_each_element_and_the_total(client, held, holder):
    client.force_login(holder)
    html = client.get(reverse("wallet:record")).content.decode()
    assert "Data analysis" in html and "Energy policy" in html
    assert "8.5 ECTS credits in total" in html
    assert "<caption>" in html and 'scope="col"' in html
    assert reverse("wallet:record") in client.get(reverse("wallet:home")).content.decode()


def test_the_pdf_lists_the_credentials(client, held, holder):
    from pypdf import PdfReader

    client.force_login(holder)
    response = client.get(reverse("wallet:record-pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Data analysis" in text and "Energy policy" in text and "8.5" in text
    assert held[0].credential_id in text.replace("\n", "")
    assert font_names(response.content) <= PLATFORM_FONTS


def test_the_signed_record_verifies_and_holds_each_credential_as_signed(client, held, holder):
    client.force_login(holder)
    response = client.get(reverse("wallet:record-json"))
    assert response.status_code == 200
    presentation = json.loads(response.content)
    assert presentation["type"] == ["VerifiablePresentation"]
    assert vc.verify(presentation, resolve_verification_method).verified
    assert presentation["proof"][0]["verificationMethod"].startswith("did:web:")
    assert [c["id"] for c in presentation["verifiableCredential"]] == [c.credential_id for c in held]
    for credential in presentation["verifiableCredential"]:
        assert verify_credential_document(credential).is_valid
    # Leaving a credential out (or changing one) breaks the presentation's proof.
    presentation["verifiableCredential"] = presentation["verifiableCredential"][:1]
    assert not vc.verify(presentation, resolve_verification_method).verified


def test_the_record_needs_a_signed_in_learner(client):
    assert client.get(reverse("wallet:record")).status_code == 302
    assert client.get(reverse("wallet:record-json")).status_code == 302
    assert client.get("/api/v1/me/record").status_code in (401, 403)


def test_the_api_gives_the_record(client, held, holder):
    client.force_login(holder)
    data = client.get("/api/v1/me/record").json()
    assert data["count"] == 2 and data["total_ects"] == "8.5"
    assert data["results"][0] == {
        "id": held[0].credential_id,
        "uuid": str(held[0].uuid),
        "title": "Data analysis",
        "ects": "5.0",
        "eqf_level": 6,
        "issuer": held[0].issuer.name,
        "awarded_on": "2026-07-01",
    }
    assert data["signed_url"].endswith(reverse("wallet:record-json"))
