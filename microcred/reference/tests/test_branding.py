"""The visual identity: colours that read, monograms, logos checked on upload and served with an ETag."""

import io
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, set_script_prefix
from PIL import Image

from microcred.audit.models import AuditEvent
from microcred.reference import branding
from microcred.reference.models import Institution
from microcred.reference.templatetags.branding import institution_logo
from microcred.roles.definitions import Role


def image_bytes(kind="PNG", size=(200, 120), colour=(200, 30, 30, 255)) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if kind in {"PNG", "WEBP"} else "RGB"
    Image.new(mode, size, colour[: len(mode)]).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize(("primary", "accent"), branding.PALETTE)
def test_every_palette_pair_reads(primary, accent):
    assert branding.contrast_ratio(branding.WHITE, primary) >= 7
    assert branding.contrast_ratio(accent, primary) >= 4.5


def test_contrast_ratio_is_the_wcag_one():
    assert branding.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert branding.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_an_institutions_own_colours_win_and_text_on_them_reads(institution):
    institution.colour = "#F0E68C"  # light: near-black text
    institution.accent_colour = "#1F4E79"
    palette = branding.palette_for(institution)
    assert palette.primary == "#f0e68c"
    assert palette.on_primary == branding.INK
    assert palette.accent == "#1f4e79"
    assert palette.accent_on_primary == "#1f4e79"  # it reads (> 4.5:1) on the light main colour


@pytest.mark.parametrize("background", ["#797979", "#767676", "#7a7a7a", "#1f4e79", "#f0e68c", "#ff0000", "#00ff00"])
def test_text_on_any_main_colour_reaches_4_5_to_1(background):
    assert branding.contrast_ratio(branding.text_colour_on(background), background) >= 4.5


def test_an_accent_that_does_not_read_is_not_used_for_text(institution):
    institution.colour = "#1f4e79"
    institution.accent_colour = "#2a5a8a"
    palette = branding.palette_for(institution)
    assert palette.accent_on_primary == palette.on_primary == branding.WHITE


def test_without_colours_the_slug_picks_a_stable_pair(institution, other_institution):
    first = branding.palette_for(institution)
    assert (first.primary, first.accent) in branding.PALETTE
    assert branding.palette_for(Institution.objects.get(pk=institution.pk)) == first
    institution.colour = "#5a2a27"
    assert branding.palette_for(institution).accent in {a for _, a in branding.PALETTE}


@pytest.mark.parametrize(
    ("short", "expected"), [("UB", "UB"), ("ELTE", "ELTE"), ("CHARM-EU", "CE"), ("Trinity", "TRI"), ("Åbo", "ÅBO")]
)
def test_initials(institution, short, expected):
    institution.short_name = short
    assert branding.initials(institution) == expected


def test_the_monogram_svg_escapes_the_name(institution):
    institution.name = 'Evil <script>alert(1)</script> & "quotes"'
    svg = branding.monogram_svg(institution)
    assert "<script>" not in svg
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)
    assert root.get("aria-label") == institution.name
    assert root.find("{http://www.w3.org/2000/svg}text").text == "UB"


def test_the_monogram_png_is_square_at_the_size_asked(institution):
    with Image.open(io.BytesIO(branding.monogram_png(institution, size=128))) as image:
        assert image.format == "PNG"
        assert image.size == (128, 128)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_a_logo_is_kept_as_a_png_at_most_512_pixels(kind):
    kept = branding.normalise_logo(image_bytes(kind, size=(1600, 800)))
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "PNG"
        assert image.size == (512, 256)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not an image at all", "PNG, JPEG or WebP"),
        (image_bytes("GIF", size=(64, 64), colour=(1, 2, 3)), "GIF logo is not accepted"),
        (image_bytes("PNG", size=(20, 20)), "too small"),
        (b"\x89PNG" + b"0" * (branding.LOGO_MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_a_bad_logo_is_refused_with_its_reason(data, message):
    with pytest.raises(ValidationError, match=message):
        branding.normalise_logo(data)


def test_a_decompression_bomb_is_refused_before_decoding():
    data = image_bytes("PNG", size=(6000, 6000), colour=(0, 0, 0, 255))  # small file, 36 million pixels
    assert len(data) < branding.LOGO_MAX_BYTES
    with pytest.raises(ValidationError, match="too many pixels"):
        branding.normalise_logo(data)


def test_the_logo_page_serves_the_monogram_then_the_upload_with_etags(client, institution):
    url = f"/reference/institutions/{institution.slug}/logo"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "sandbox" in response["Content-Security-Policy"]
    assert not response.has_header("Vary")
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    branding.set_logo(institution, branding.normalise_logo(image_bytes()))
    institution.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["ETag"] != etag
    assert response.content.startswith(b"\x89PNG")


def test_an_unknown_institution_has_no_logo(client, db):
    assert client.get("/reference/institutions/nowhere/logo").status_code == 404


def test_the_brand_stylesheet_sets_each_institutions_colours(client, institution, other_institution):
    institution.colour = "#7a1f3d"
    institution.save()
    response = client.get("/reference/brand.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert ".brand-ub { --brand: #7a1f3d; --brand-on: #ffffff;" in css
    assert ".brand-uu {" in css
    assert client.get("/reference/brand.css", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_every_page_links_the_brand_stylesheet(client, db):
    assert b'href="/reference/brand.css"' in client.get("/").content


def _admin_form_data(institution, **changes):
    data = {
        "slug": institution.slug,
        "short_name": institution.short_name,
        "name": institution.name,
        "local_name": institution.local_name,
        "country": institution.country,
        "country_code": institution.country_code,
        "domain": institution.domain,
        "joined": "",
        "languages": "[]",
        "is_active": "on",
        "colour": "",
        "accent_colour": "",
    }
    data.update(changes)
    return data


def test_the_alliance_admin_uploads_a_logo_and_colours_with_an_audit_record(client, make_user, institution):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    url = f"/admin/reference/institution/{institution.pk}/change/"
    upload = SimpleUploadedFile("logo.jpg", image_bytes("JPEG", size=(900, 300)), content_type="image/jpeg")
    response = client.post(url, _admin_form_data(institution, colour="#1D5C4A", logo_file=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    institution.refresh_from_db()
    assert institution.colour == "#1d5c4a"
    assert bytes(institution.logo).startswith(b"\x89PNG")
    assert institution.logo_updated_at is not None
    event = AuditEvent.objects.get(action="reference.institution.changed")
    assert event.changes["logo_file"].endswith(" bytes, sha256 " + event.changes["logo_file"].split()[-1])
    assert event.changes["colour"] == "#1d5c4a"

    response = client.post(url, _admin_form_data(institution, colour="#1d5c4a", remove_logo="on"))
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.logo is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "blue"}, "six hexadecimal digits"),
        ({"logo_file": ("logo.gif", image_bytes("GIF", size=(64, 64), colour=(1, 2, 3)))}, "GIF logo is not accepted"),
    ],
)
def test_a_bad_upload_or_colour_changes_nothing(client, make_user, institution, changes, message):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    if "logo_file" in changes:
        name, data = changes["logo_file"]
        changes = {"logo_file": SimpleUploadedFile(name, data)}
    response = client.post(
        f"/admin/reference/institution/{institution.pk}/change/", _admin_form_data(institution, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    institution.refresh_from_db()
    assert institution.colour == "" and institution.logo is None
    assert not AuditEvent.objects.filter(action="reference.institution.changed").exists()


def test_the_logo_tag_gives_each_institution_its_own_address_under_the_script_prefix(institution, other_institution):
    try:
        for prefix in ("/", "/alliance/", "/"):
            set_script_prefix(prefix)
            for each in (institution, other_institution, SimpleNamespace(slug="slug-with--dashes", name="")):
                html = institution_logo(each, 24)
                assert f'src="{reverse("reference:institution_logo", args=[each.slug])}"' in html
                assert f'src="{prefix}reference/institutions/{each.slug}/logo"' in html
    finally:
        set_script_prefix("/")
