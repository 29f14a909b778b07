"""A pathway's badge (issue #16): the catalogue's design with the pathway kind, served the same for everyone with an
ETag, and the image of the pathway credential's achievement (OB 3.0 §B.1.1), schema-valid and signed."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from microcred.credentials import formats
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.schemas import ob_schema_errors
from microcred.credentials.services.verification import verify_credential_document
from microcred.pathways import award, badges
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def test_the_pathway_badge_is_served_and_is_its_credentials_image(client, three, make_pathway, earn, settings):
    settings.PUBLIC_BASE_URL = "https://mc.example.eu"
    version = make_pathway(three)
    url = f"/pathways/{version.pathway.slug}/v{version.number}/badge.svg"
    assert badges.badge_path(version, "svg") == url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert not response.has_header("Vary") and response["ETag"] == badges.spec_for_pathway_version(version).etag()
    texts = {e.text for e in ElementTree.fromstring(response.content).iter(SVG + "text")}  # noqa: S314
    assert "PATHWAY" in texts and version.awarding_institution.name in texts
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(f"/pathways/{version.pathway.slug}/badge.png").content.startswith(b"\x89PNG")
    assert client.get(f"/pathways/{version.pathway.slug}/v99/badge.png").status_code == 404

    for v in three:
        earn(v)
    credential = IssuedCredential.objects.get(source_type=award.PATHWAY_VERSION, source_id=version.pk)
    image = credential.document["credentialSubject"]["achievement"]["image"]
    assert image == {
        "id": f"https://mc.example.eu{badges.badge_path(version)}",
        "type": "Image",
        "caption": version.title,
    }
    assert ob_schema_errors(credential.document) == [] and verify_credential_document(credential.document).is_valid
    baked = ElementTree.fromstring(formats.badge_svg(credential))  # noqa: S314 - the learner's own, with the kind
    assert "PATHWAY" in {e.text for e in baked.iter(SVG + "text")}
