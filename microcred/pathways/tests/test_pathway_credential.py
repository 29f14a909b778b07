"""The pathway credential in every format (issue #12, item 4): the JSON verifies with our verifier and with the
independent Node verifier (Digital Bazaar), the PNG and SVG carry it baked in, the PDF says what it certifies, and
the ELM export expresses its parts (hasPart) and conforms to the EDC SHACL shapes."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from microcred import vc
from microcred.credentials import elm, formats
from microcred.credentials.models import IssuedCredential
from microcred.credentials.tests.test_elm import offline, shacl  # noqa: F401 - the ELM validation set-up
from microcred.credentials.tests.test_interop_node import _node_verify, node_verifier  # noqa: F401
from microcred.pathways import award
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(three, make_pathway, earn):
    version = make_pathway(three)
    components = [earn(v) for v in three]
    return IssuedCredential.objects.get(source_type=award.PATHWAY_VERSION, source_id=version.pk), components


def test_the_independent_verifier_accepts_the_pathway_credential(completed, node_verifier, tmp_path):
    credential, _components = completed
    code, output, stderr = _node_verify(node_verifier, tmp_path, credential.document)
    assert (code, output.get("verified"), output.get("revoked")) == (0, True, False), (output, stderr)


def test_the_elm_export_has_the_parts_and_conforms_to_the_shapes(completed, offline):
    credential, _components = completed
    document = elm.elm_credential(credential)
    claim = document["credentialSubject"]["hasClaim"]
    assert claim["title"]["en"] == credential.title
    assert [p["title"]["en"] for p in claim["hasPart"]] == ["Data analysis", "Energy policy", "Climate modelling"]
    conforms, results, _text = shacl(document)
    assert conforms, results


def test_badges_and_certificate(completed):
    from pypdf import PdfReader

    credential, _components = completed
    assert vc.unbake_png(formats.badge_png(credential)) == credential.document
    assert vc.unbake_svg(formats.badge_svg(credential)) == credential.document
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(formats.certificate_pdf(credential))).pages)
    assert credential.title in text.replace("\n", " ") and "Climate modelling" in text


def test_the_learner_finds_it_in_her_wallet_with_every_format(client, completed, learner):
    credential, _components = completed
    client.force_login(learner)
    home = client.get(reverse("wallet:home")).content.decode()
    assert credential.title in home and reverse("wallet:credential", args=[credential.uuid]) in home
    page = client.get(reverse("wallet:credential", args=[credential.uuid]))
    assert page.status_code == 200 and "Climate modelling" in page.content.decode()
    for fmt in ("json", "png", "svg", "pdf", "elm"):
        response = client.get(reverse("credentials:download", args=[credential.uuid, fmt]))
        assert response.status_code == 200, fmt
    record = client.get(reverse("wallet:record")).content.decode()
    assert "Pathways completed" in record and credential.title in record
