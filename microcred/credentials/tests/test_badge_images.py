"""The badge of an issued credential (issue #16): the catalogue's design of its version with the learner's name,
the signed credential baked in; a credential for something else (a pathway) drawn from its signed document."""

from __future__ import annotations

import copy
import io
from xml.etree import ElementTree

import pytest
from PIL import Image

from microcred import vc
from microcred.catalogue import badges
from microcred.credentials import badge_images, formats
from microcred.credentials.services.verification import verify_credential_document

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> set[str]:
    return {e.text for e in ElementTree.fromstring(svg).iter(SVG + "text")}  # noqa: S314 (our own output)


def test_the_baked_badges_are_the_versions_design_with_the_learners_name(issue):
    credential = issue(learner_name="Ana García")
    version_badge = badges.svg(badges.spec_for_version(credential.micro_credential_version))

    svg = formats.badge_svg(credential)
    assert vc.unbake_svg(svg) == credential.document
    assert verify_credential_document(vc.unbake_svg(svg)).is_valid
    assert _texts(svg) == _texts(version_badge) | {"Awarded to Ana García"}
    assert "awarded to Ana García" in ElementTree.fromstring(svg).find(SVG + "title").text  # noqa: S314

    png = formats.badge_png(credential)
    assert vc.unbake_png(png) == credential.document
    assert Image.open(io.BytesIO(png)).size == (600, 600)
    drawn = badges.png(badge_images.spec_for_credential(credential))
    assert png == vc.bake_png(drawn, credential.document)  # the same picture, the credential added
    assert drawn != badges.png(badges.spec_for_version(credential.micro_credential_version))  # the name is drawn


def test_a_pathway_credential_is_drawn_from_its_signed_document(issue):
    credential = issue()
    credential.micro_credential_version = None  # as a pathway credential: no catalogue version behind it
    credential.document = copy.deepcopy(credential.document)
    credential.document["name"] = "Sustainability data pathway"
    achievement = credential.document["credentialSubject"]["achievement"]
    achievement["achievementType"] = "LearningProgram"
    achievement["creditsAvailable"] = 15
    spec = badge_images.spec_for_credential(credential)
    assert spec.kind == badges.PATHWAY and spec.title == "Sustainability data pathway"
    assert spec.issuer.name == credential.issuer.institution.name and spec.ects == 15
    texts = _texts(formats.badge_svg(credential))
    assert {"PATHWAY", "15 ECTS", "Awarded to Ana García"} <= texts
    achievement["creditsAvailable"] = "lots"  # whatever a document holds, the badge is drawn
    assert badge_images.spec_for_credential(credential).ects is None


def test_a_pages_badge_is_an_svg_data_uri_with_or_without_the_learner(issue):
    import base64

    credential = issue(learner_name="Ana García")
    personal = badge_images.svg_data_uri(credential, with_learner=True)
    public = badge_images.svg_data_uri(credential, with_learner=False)
    assert personal.startswith("data:image/svg+xml;base64,")
    assert "Awarded to Ana García" in base64.b64decode(personal.split(",", 1)[1]).decode()
    assert "Ana García" not in base64.b64decode(public.split(",", 1)[1]).decode()
    assert "openbadges" not in base64.b64decode(personal.split(",", 1)[1]).decode()  # nothing baked in a page
