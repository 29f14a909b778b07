"""The micro-credential's badge (issue #16, a visual identity): one design as SVG and PNG, deterministic, escaped,
readable, served the same to everyone with an ETag."""

from __future__ import annotations

import io
import random
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from PIL import Image

from microcred.catalogue import badges
from microcred.reference import branding
from microcred.reference.models import Institution

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    '"><script>alert(1)</script>',
    "Data' onload='alert(1)",
    'x]]><svg onload="alert(1)">',
    "&amp; &lt;b&gt; &#x3C;script&#x3E; &unknown;",
    "Line\r\nbreak\x00and\x1b[31m controls \u202eexe.fdp",
]


def _spec(title="Data analysis for sustainability", institution=None, **overrides) -> badges.BadgeSpec:
    institution = institution or Institution(slug="ub", short_name="UB", name="University of Barcelona")
    alliance = Institution(slug="alliance", short_name="EXA", name="Example Alliance", is_alliance=True)
    values = dict(
        title=badges.clean(title),
        kind="formal",
        issuer=badges.mark_of(institution),
        alliance=badges.mark_of(alliance),
        eqf_level=6,
        ects=Decimal("5.0"),
    )
    values.update(overrides)
    return badges.BadgeSpec(**values)


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output) - well-formed, or this raises
    return [e.text or "" for e in root.iter(SVG + "text")]


def test_the_same_spec_gives_the_same_bytes_and_another_spec_other_bytes():
    spec = _spec()
    assert badges.svg(spec) == badges.svg(_spec()) and badges.png(spec) == badges.png(_spec())
    assert spec.etag() == _spec().etag()
    recoloured = _spec(
        institution=Institution(slug="ub", short_name="UB", name="University of Barcelona", colour="#7a1f3d")
    )
    assert recoloured.etag() != spec.etag() and badges.png(recoloured) != badges.png(spec)
    assert _spec(learner_name="Ana García").etag() != spec.etag()


def test_the_badge_shows_title_kind_level_credits_institution_and_alliance():
    texts = _texts(badges.svg(_spec()))
    assert {"UB", "University of Barcelona", "EQF level 6 · 5 ECTS", "MICRO-CREDENTIAL", "EXA"} <= set(texts)
    assert "Data analysis for sustainability" in " ".join(texts)
    non_formal = _texts(badges.svg(_spec(kind="non_formal", eqf_level=None, ects=None)))
    assert "NON-FORMAL MICRO-CREDENTIAL" in non_formal and not [t for t in non_formal if "ECTS" in t or "EQF" in t]
    assert "PATHWAY" in _texts(badges.svg(_spec(kind=badges.PATHWAY)))
    assert "PARTICIPATION BADGE" in _texts(badges.svg(_spec(kind="participation_badge")))
    with_learner = _texts(badges.svg(_spec(learner_name="Katrin Hofmann")))
    assert "Awarded to Katrin Hofmann" in with_learner


def test_the_png_is_the_same_picture_at_600_pixels():
    image = Image.open(io.BytesIO(badges.png(_spec())))
    assert image.format == "PNG" and image.size == (600, 600)
    rgba = image.convert("RGBA")
    assert rgba.getpixel((2, 2))[3] == 0  # outside the hexagon: transparent
    assert rgba.getpixel((300, 300))[:3] != (0, 0, 0)  # inside it: drawn


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_title_stays_text(title):
    svg = badges.svg(_spec(title=title, learner_name=title))
    root = ElementTree.fromstring(svg)  # noqa: S314 - parses: nothing broke out of an attribute or text
    tags = {e.tag for e in root.iter()}
    assert tags <= {SVG + t for t in ("svg", "title", "circle", "polygon", "rect", "text", "image")}
    for element in root.iter():
        assert not [a for a in element.attrib if a.lower().startswith("on")]
    shown = badges.clean(title)
    assert f"“{shown}”" in root.find(SVG + "title").text
    assert "\u202e" not in svg and "\x00" not in svg and "\x1b" not in svg
    drawn = " ".join(_texts(svg))
    assert all(word in drawn for word in shown.split()[:2])
    assert badges.png(_spec(title=title)).startswith(b"\x89PNG")


def test_a_long_title_is_wrapped_on_at_most_four_lines_ending_with_an_ellipsis():
    title = "Life-cycle thinking for circular products " * 6
    lines, size = badges.title_lines(badges.clean(title), height=200)
    assert len(lines) == badges.TITLE_MAX_LINES and lines[-1].endswith("…")
    assert all(badges.text_width(line, size, bold=True) <= 420 for line in lines)
    word = "x" * 300  # one word wider than the badge is broken, not drawn off the edge
    lines, size = badges.title_lines(word, height=200)
    assert all(badges.text_width(line, size, bold=True) <= 420 for line in lines)
    short, size = badges.title_lines("Data ethics", height=200)
    assert short == ["Data ethics"] and size == 40


def _colours():
    rng = random.Random(16)
    custom = [f"#{rng.randrange(0x1000000):06x}" for _ in range(60)]
    return [*(p for p, _ in branding.PALETTE), "#777777", "#767676", "#ffffff", "#000000", "#ffd27a", *custom]


@pytest.mark.parametrize("colour", _colours())
def test_every_text_reads_on_what_it_is_drawn_on(colour):
    institution = Institution(slug="x", short_name="XU", name="X University", colour=colour, accent_colour="")
    for kind in badges.KIND_LABELS:
        scene = badges.scene(_spec(institution=institution, kind=kind, learner_name="Ana García"))
        texts = [s for s in scene if isinstance(s, badges.Text)]
        assert len(texts) >= 6
        for text in texts:
            assert branding.contrast_ratio(text.fill, text.background) >= 4.5, (text.text, text.fill, text.background)


def test_text_is_drawn_on_the_colour_it_claims():
    """The contrast test's backgrounds are true: the title sits on the main colour, the kind on the ribbon."""
    spec = _spec()
    image = Image.open(io.BytesIO(badges.png(spec))).convert("RGBA")
    scene = badges.scene(spec)
    checked = 0
    for text in (s for s in scene if isinstance(s, badges.Text) and s.bold):
        left = text.x - badges.text_width(text.text, text.size, bold=True) / 2 - 6
        drawn = image.getpixel((round(left), round(text.y)))[:3]
        expected = branding.Palette.rgb(None, text.background)
        assert max(abs(a - b) for a, b in zip(drawn, expected, strict=True)) <= 4, (text.text, drawn, expected)
        checked += 1
    assert checked >= 4  # the initials, the title's lines, the level, the kind, the alliance


def test_an_uploaded_logo_is_drawn_in_the_seal():
    logo = io.BytesIO()
    Image.new("RGBA", (64, 64), (200, 30, 30, 255)).save(logo, format="PNG")
    institution = Institution(slug="ub", short_name="UB", name="University of Barcelona", logo=logo.getvalue())
    svg = badges.svg(_spec(institution=institution))
    images = list(ElementTree.fromstring(svg).iter(SVG + "image"))  # noqa: S314
    assert len(images) == 1 and images[0].attrib["href"].startswith("data:image/png;base64,")
    assert "UB" not in _texts(svg)  # the logo stands for the initials
    picture = Image.open(io.BytesIO(badges.png(_spec(institution=institution)))).convert("RGBA")
    red, green, blue, _alpha = picture.getpixel((300, 106))
    assert abs(red - 200) + abs(green - 30) + abs(blue - 30) <= 6


# --- served ------------------------------------------------------------------------------------------------


@pytest.fixture
def version(cat):
    return cat["a"]


def test_the_badge_is_served_the_same_for_everyone_with_an_etag(client, version):
    slug = version.micro_credential.slug
    for fmt, content_type in (("svg", "image/svg+xml"), ("png", "image/png")):
        url = reverse("catalogue:badge", kwargs={"slug": slug, "fmt": fmt})
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        assert response["Cache-Control"] == "public, max-age=3600" and not response.has_header("Vary")
        assert response["ETag"] == badges.spec_for_version(version).etag()
        assert response.content == badges.rendered(badges.spec_for_version(version), fmt)
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == response["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    svg = client.get(reverse("catalogue:badge", kwargs={"slug": slug, "fmt": "svg"}))
    assert "sandbox" in svg["Content-Security-Policy"]
    assert "MICRO-CREDENTIAL" in svg.content.decode()  # drawn in the credential's language, not the visitor's


def test_each_version_has_its_own_badge_and_the_etag_follows_the_colours(client, version):
    slug = version.micro_credential.slug
    url = reverse("catalogue:version-badge", kwargs={"slug": slug, "number": "1", "fmt": "png"})
    assert url == f"/catalogue/{slug}/v1/badge.png" == badges.version_badge_path(version)
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"\x89PNG")
    institution = version.awarding_institution
    institution.colour = "#3c2a73"
    institution.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"] and changed.content != first.content
    missing = reverse("catalogue:version-badge", kwargs={"slug": slug, "number": "9", "fmt": "png"})
    assert client.get(missing).status_code == 404
    assert client.get("/catalogue/no-such-thing/badge.svg").status_code == 404
    assert client.get(f"/catalogue/{slug}/badge.gif").status_code == 404


def test_a_retired_micro_credential_keeps_its_badge(client, cat):
    slug = cat["retired"].micro_credential.slug
    assert client.get(reverse("catalogue:badge", kwargs={"slug": slug, "fmt": "svg"})).status_code == 200


def test_catalogue_cards_and_the_page_show_the_badge_in_the_institutions_colours(client, cat):
    a = cat["a"]
    html = client.get(reverse("catalogue:index")).content.decode()
    badge = badges.version_badge_path(a, "svg")
    assert f'<img class="badge-image" src="{badge}" alt=""' in html  # alt empty: the title is written beside it
    assert f"mc-card-mark brand-{a.awarding_institution.slug}" in html
    assert reverse("reference:institution_logo", args=[a.awarding_institution.slug]) in html
    page = client.get(reverse("catalogue:detail", args=[a.micro_credential.slug])).content.decode()
    assert f'src="{badge}" alt=""' in page and f'href="{badges.version_badge_path(a, "png")}"' in page
    assert f'class="mc-hero brand-{a.awarding_institution.slug}"' in page
    assert "<h1>Sustainability reporting for SMEs</h1>" in page
