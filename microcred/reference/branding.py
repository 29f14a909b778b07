"""The visual identity of the alliance and its members: colours, logos and the monogram that stands in for
a logo nobody has uploaded yet.

* Colours are the institution's own (``Institution.colour``, ``accent_colour``, typed by the alliance admin)
  or, when empty, a pair from ``PALETTE`` chosen by a stable hash of the slug, so every university keeps its
  colour from one page, badge and certificate to the next.
* Text drawn on the main colour is white or near-black, whichever contrasts more, or pure black when neither
  reaches 4.5:1 (WCAG 2.1, 1.4.3; a mid grey such as #797979): white or black always does, since the contrast
  with white times the contrast with black is 21.
* A logo is uploaded as PNG, JPEG or WebP and kept as a PNG of at most ``LOGO_MAX_SIDE`` pixels
  (``normalise_logo``); SVG is not accepted, since an SVG can carry script. Without one, ``monogram_svg``
  and ``monogram_png`` draw the institution's initials in its colours.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.core.images import PictureMessages, PictureRules, normalise_picture
from microcred.core.pdf import FONTS
from microcred.reference.models import Institution

#: Main colour and accent, each main colour dark enough for white text (≥ 7:1), each accent light enough to
#: read on its main colour (≥ 4.5:1). Checked by reference/tests/test_branding.py.
PALETTE = [
    ("#1f4e79", "#f2c14e"),
    ("#7a1f3d", "#f6c7a1"),
    ("#1d5c4a", "#e9d28a"),
    ("#3c2a73", "#f4b183"),
    ("#7c2d12", "#fde2b3"),
    ("#0b4f5c", "#f6bd60"),
    ("#4a3b12", "#e8d9a8"),
    ("#274060", "#a8dadc"),
    ("#2f4f2f", "#d4e09b"),
    ("#4a235a", "#f7b7a3"),
]
WHITE = "#ffffff"
INK = "#111111"
BLACK = "#000000"
LOGO_MAX_SIDE = 512
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # refuse decompression bombs before decoding
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on the background; black where that is not 4.5:1."""
    best = WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) else INK
    return best if contrast_ratio(best, background) >= 4.5 else BLACK


@dataclass(frozen=True)
class Palette:
    primary: str
    accent: str
    on_primary: str  # text on the main colour
    accent_on_primary: str  # text in the accent on the main colour: the accent if it reads, else on_primary

    def rgb(self, colour: str) -> tuple[int, int, int]:
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _derived(slug: str) -> tuple[str, str]:
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def palette_for(institution: Institution | None) -> Palette:
    """The institution's colours, or the pair its slug picks from ``PALETTE``."""
    derived_primary, derived_accent = _derived(institution.slug if institution else "")
    primary = (institution.colour if institution else "") or derived_primary
    accent = (institution.accent_colour if institution else "") or ""
    if not accent:
        accent = derived_accent if primary == derived_primary else _best_accent(primary)
    primary, accent = primary.lower(), accent.lower()
    on_primary = text_colour_on(primary)
    accent_on_primary = accent if contrast_ratio(accent, primary) >= 4.5 else on_primary
    return Palette(primary=primary, accent=accent, on_primary=on_primary, accent_on_primary=accent_on_primary)


def _best_accent(primary: str) -> str:
    return max((accent for _, accent in PALETTE), key=lambda accent: contrast_ratio(accent, primary))


def initials(institution: Institution | None) -> str:
    """Up to four letters: the abbreviation when it is short (UB, ELTE), else the first letter of each of its
    parts (CHARM-EU → CE)."""
    if institution is None:
        return "?"
    short = institution.short_name or institution.name
    letters = re.sub(r"[\W_]+", "", short)
    if 0 < len(letters) <= 4:
        return letters.upper()
    parts = [p for p in re.split(r"[\W_]+", short) if p]
    if len(parts) > 1:
        return "".join(p[0] for p in parts)[:4].upper()
    return (letters[:3] or "?").upper()


def monogram_svg(institution: Institution | None, *, size: int = 96) -> str:
    """The institution's initials on a rounded square in its colours, as SVG (every value escaped by the
    XML serialiser)."""
    palette = palette_for(institution)
    text = initials(institution)
    label = institution.name if institution else ""
    root = ElementTree.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": "0 0 100 100",
            "width": str(size),
            "height": str(size),
            "role": "img",
            "aria-label": label,
        },
    )
    ElementTree.SubElement(root, "title").text = label
    ElementTree.SubElement(root, "rect", {"width": "100", "height": "100", "rx": "18", "fill": palette.primary})
    ElementTree.SubElement(
        root,
        "rect",
        {
            "x": "6",
            "y": "6",
            "width": "88",
            "height": "88",
            "rx": "13",
            "fill": "none",
            "stroke": palette.accent,
            "stroke-width": "3",
        },
    )
    font_size = {1: 56, 2: 46, 3: 36}.get(len(text), 28)
    ElementTree.SubElement(
        root,
        "text",
        {
            "x": "50",
            "y": "50",
            "dy": "0.35em",
            "text-anchor": "middle",
            "font-family": "DejaVu Sans, Arial, sans-serif",
            "font-weight": "bold",
            "font-size": str(font_size),
            "fill": palette.on_primary,
        },
    ).text = text
    return ElementTree.tostring(root, encoding="unicode")


def monogram_png(institution: Institution | None, *, size: int = 256) -> bytes:
    """The monogram drawn with Pillow (for PDFs and baked badges, which take no SVG)."""
    from PIL import Image, ImageDraw, ImageFont

    palette = palette_for(institution)
    text = initials(institution)
    scale = size / 100
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=18 * scale, fill=palette.rgb(palette.primary))
    draw.rounded_rectangle(
        (6 * scale, 6 * scale, 94 * scale, 94 * scale),
        radius=13 * scale,
        outline=palette.rgb(palette.accent),
        width=max(1, round(3 * scale)),
    )
    font_size = {1: 56, 2: 46, 3: 36}.get(len(text), 28) * scale
    font = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), round(font_size))
    draw.text((size / 2, size / 2), text, font=font, fill=palette.rgb(palette.on_primary), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def logo_png(institution: Institution | None, *, size: int = 256) -> bytes:
    """The uploaded logo (kept as PNG), or the monogram."""
    if institution is not None and institution.logo:
        return bytes(institution.logo)
    return monogram_png(institution, size=size)


def has_uploaded_logo(institution: Institution | None) -> bool:
    return institution is not None and bool(institution.logo)


def normalise_logo(data: bytes) -> bytes:
    """Check an uploaded logo and keep it as a PNG of at most LOGO_MAX_SIDE pixels a side, transparency kept.
    Anything else is refused with a message that says why; nothing is decoded past the size checks."""
    rules = PictureRules(
        formats=frozenset(LOGO_FORMATS),
        max_bytes=LOGO_MAX_BYTES,
        max_pixels=LOGO_MAX_PIXELS,
        min_side=32,
        box=(LOGO_MAX_SIDE, LOGO_MAX_SIDE),
    )
    messages = PictureMessages(
        empty=_("The logo file is empty."),
        too_large=_("The logo is larger than 2 MB; upload a smaller image."),
        unreadable=_("The logo is not an image this site reads: upload a PNG, JPEG or WebP file."),
        wrong_kind=_("A %(kind)s logo is not accepted: upload a PNG, JPEG or WebP file."),
        too_many_pixels=_("The logo has too many pixels (%(w)s × %(h)s); upload a smaller image."),
        too_small=_("The logo is too small (%(w)s × %(h)s); upload one at least 32 pixels a side."),
        damaged=_("The logo image is damaged and cannot be read."),
    )
    return normalise_picture(data, rules, messages)


def set_logo(institution: Institution, png: bytes | None) -> None:
    """Keep a logo already checked by normalise_logo (or remove it with None) on the institution, unsaved: the
    caller saves and audits. The time it changed keys the logo's ETag."""
    institution.logo = png
    institution.logo_updated_at = timezone.now()


def logo_etag(institution: Institution | None) -> str:
    """Changes whenever the picture served for the institution changes: its logo or its colours and initials."""
    if institution is None:
        return '"none"'
    parts = [
        institution.slug,
        institution.short_name,
        institution.colour,
        institution.accent_colour,
        institution.logo_updated_at.isoformat() if institution.logo_updated_at else "",
    ]
    return '"' + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32] + '"'


def stylesheet(institutions) -> str:
    """``.brand-<slug>`` classes setting ``--brand``, ``--brand-on``, ``--brand-accent`` and
    ``--brand-accent-on`` (accent text that reads on the main colour). Slugs are [-a-zA-Z0-9_], colours
    come from palette_for (validated #RRGGBB or the palette), so nothing in the CSS comes unchecked from input."""
    lines = []
    for institution in institutions:
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", institution.slug or ""):
            continue
        palette = palette_for(institution)
        if not all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in (palette.primary, palette.accent, palette.on_primary)):
            continue
        lines.append(
            f".brand-{institution.slug} {{ --brand: {palette.primary}; --brand-on: {palette.on_primary}; "
            f"--brand-accent: {palette.accent}; --brand-accent-on: {palette.accent_on_primary}; }}"
        )
    return "\n".join(lines) + "\n"
