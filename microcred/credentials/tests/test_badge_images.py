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


def _warning_pixels(png: bytes) -> int:
    """How many pixels are (within the PNG's 256-colour rounding) the band's colour."""
    import numpy as np

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=np.int16)[:, :, :3]
    distance = np.abs(pixels - np.array(badges._rgb(badges.WARNING), dtype=np.int16)).max(axis=2)
    return int((distance <= 8).sum())


def test_a_revoked_credentials_badges_say_so_across_them(issue, make_user):
    """As its PDF certificate does: a band with REVOKED across the middle of the downloads and of the pages'
    badge, and in the badge's description; the signed credential is still baked in (a verifier reads it as
    revoked)."""
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    credential = issue(learner_name="Ana García")
    valid_svg, valid_png = formats.badge_svg(credential), formats.badge_png(credential)
    assert "REVOKED" not in _texts(valid_svg) and _warning_pixels(valid_png) == 0
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    revoked = revoke_credential(officer, credential.pk, "Issued to the wrong person.")

    svg = formats.badge_svg(revoked)
    assert _texts(svg) == _texts(valid_svg) | {"REVOKED"}
    assert ElementTree.fromstring(svg).find(SVG + "title").text.endswith("awarded to Ana García — REVOKED")  # noqa: S314
    assert vc.unbake_svg(svg) == revoked.document
    png = formats.badge_png(revoked)
    assert vc.unbake_png(png) == revoked.document
    assert _warning_pixels(png) > 20_000  # the band: 520 × 64 of the 600 × 600 canvas, less the word
    page = badge_images.svg_data_uri(revoked, with_learner=False)
    assert page != badge_images.svg_data_uri(credential, with_learner=False)


def test_an_expired_credentials_badge_says_it_expired(issue):
    credential = issue()
    credential.document["validUntil"] = "2026-08-01T00:00:00Z"
    assert "EXPIRED" in _texts(formats.badge_svg(credential))
