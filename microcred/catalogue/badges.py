"""The badge of a micro-credential: one design, drawn as SVG and as PNG (issue #16, "a visual identity").

A badge is drawn from a ``BadgeSpec``: the title, the kind (formal or non-formal micro-credential, participation
badge, pathway), the EQF level and ECTS credits when it has them, the awarding institution's colours and logo (or
its initials), the alliance's mark and, on the badge of an issued credential, the learner's name. The same spec
always gives the same bytes (no time, no randomness, Pillow's basic text layout), so a badge is cached with an
ETag computed from the spec alone (``fingerprint``), before anything is drawn.

The design, on a 600 × 600 canvas: a hexagon in the institution's main colour with a ring in its accent; at the top
a white seal holding its logo or initials; under it the institution's name, then the title (wrapped, at most four
lines, shortened with an ellipsis), the level and credits; a ribbon across the lower part naming the kind; at the
bottom point, the alliance's name in the alliance's own colours; on the badge of a credential that was revoked or has
expired, a dark red band across the middle with REVOKED or EXPIRED (``standing``). Every text reaches a contrast of 4.5:1 with what
it is drawn on (WCAG 2.1, 1.4.3; ``readable_on``). The layout is computed once as a list of shapes
(``scene``) that both renderers draw, so the SVG and the PNG are the same picture.

Text is drawn in ``BADGE_LANGUAGE``, the language of the signed credential, whatever the visitor's language: a
badge's address is the same for everyone (the OB 3.0 ``Achievement.image`` points to it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from xml.etree import ElementTree

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from microcred.catalogue import kinds
from microcred.core.pdf import FONTS
from microcred.core.text import drawable, one_line
from microcred.reference import branding
from microcred.reference.models import Institution

#: Part of every fingerprint: change it whenever the drawing changes, so caches and ETags move on.
DESIGN_VERSION = "2026-12-hexagon-1"
SIZE = 600
BADGE_LANGUAGE = "en"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
WHITE = "#ffffff"
BLACK = branding.BLACK
#: The kind of a pathway's credential (the others are catalogue.kinds.CredentialKind values).
PATHWAY = "pathway"
KIND_LABELS = {
    kinds.CredentialKind.FORMAL.value: gettext_lazy("Micro-credential"),
    kinds.CredentialKind.NON_FORMAL.value: gettext_lazy("Non-formal micro-credential"),
    kinds.CredentialKind.PARTICIPATION_BADGE.value: gettext_lazy("Participation badge"),
    PATHWAY: gettext_lazy("Pathway"),
}
TITLE_MAX_LINES = 4
LOGO_BOX = 72  # the seal holds the logo within a square this wide
_BASELINE = 0.35  # a text's baseline sits this many ems below its middle, in both renderers


# --- what a badge shows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """An institution as a badge shows it: its names, initials, colours and uploaded logo (PNG bytes or None)."""

    name: str
    short_name: str
    initials: str
    palette: branding.Palette
    logo: bytes | None = None

    def __post_init__(self):  # whatever it is built from, a mark holds drawable one-line text only
        for name in ("name", "short_name", "initials"):
            object.__setattr__(self, name, clean(getattr(self, name)))

    def fingerprint(self) -> dict:
        return {
            "name": self.name,
            "short_name": self.short_name,
            "initials": self.initials,
            "palette": [self.palette.primary, self.palette.accent],
            "logo": hashlib.sha256(self.logo).hexdigest() if self.logo else "",
        }


def mark_of(institution: Institution | None, *, with_logo: bool = True) -> Mark:
    """The institution's mark: names made drawable text, colours from reference.branding."""
    if institution is None:
        return Mark(name="", short_name="", initials="?", palette=branding.palette_for(None))
    logo = bytes(institution.logo) if with_logo and institution.logo else None
    return Mark(
        name=institution.name,
        short_name=institution.short_name or institution.name,
        initials=branding.initials(institution) or "?",
        palette=branding.palette_for(institution),
        logo=logo,
    )


@dataclass(frozen=True)
class BadgeSpec:
    title: str
    kind: str  # a CredentialKind value or PATHWAY
    issuer: Mark
    alliance: Mark | None = None
    eqf_level: int | None = None
    ects: Decimal | None = None
    learner_name: str = ""
    language: str = BADGE_LANGUAGE
    # A credential that is no longer valid ("revoked", "expired"): a band across the badge says so (STANDING_WORDS).
    standing: str = ""

    def __post_init__(self):  # whatever it is built from, a badge draws drawable one-line text only
        object.__setattr__(self, "title", clean(self.title))
        object.__setattr__(self, "learner_name", clean(self.learner_name))

    def fingerprint(self) -> str:
        """A digest of everything drawn (and of the design's version): equal specs, equal badges."""
        data = {
            "design": DESIGN_VERSION,
            "title": self.title,
            "kind": self.kind,
            "issuer": self.issuer.fingerprint(),
            "alliance": self.alliance.fingerprint() if self.alliance else None,
            "eqf": self.eqf_level,
            "ects": str(self.ects) if self.ects is not None else None,
            "learner": self.learner_name,
            "language": self.language,
        }
        if self.standing:  # only then: the badges of credentials that are valid keep their fingerprints
            data["standing"] = self.standing
        text = json.dumps(data, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def etag(self) -> str:
        return '"' + self.fingerprint()[:32] + '"'


def clean(value) -> str:
    """A stored value as one line of drawable text (no control characters, no bidirectional overrides)."""
    return one_line(drawable(value or ""))


def the_alliance() -> Institution | None:
    return Institution.objects.filter(is_alliance=True).first()


def spec_for_version(version, *, learner_name: str = "", alliance: Institution | None = None) -> BadgeSpec:
    """The badge of an approved micro-credential version (its awarding institution's colours and logo)."""
    kind = kinds.credential_kind(version.kind, version.credential_type)
    return BadgeSpec(
        title=version.title,
        kind=kind,
        issuer=mark_of(version.awarding_institution),
        alliance=mark_of(alliance if alliance is not None else the_alliance(), with_logo=False),
        eqf_level=version.eqf_level or None,
        ects=version.ects if version.ects else None,
        learner_name=learner_name,
    )


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, KIND_LABELS[kinds.CredentialKind.FORMAL.value]))


def description(spec: BadgeSpec) -> str:
    """The badge in one sentence (the SVG's title, a page's alt text): title, kind, institution, learner, and the
    word of a credential that is no longer valid."""
    values = {"title": spec.title, "kind": kind_label(spec.kind), "issuer": spec.issuer.name}
    if spec.learner_name:
        values["name"] = spec.learner_name
        sentence = _("Badge of “%(title)s” (%(kind)s), by %(issuer)s, awarded to %(name)s") % values
    else:
        sentence = _("Badge of “%(title)s” (%(kind)s), by %(issuer)s") % values
    word = standing_word(spec.standing)
    return f"{sentence} — {word}" if word else sentence


# The word across the badge of a credential that is no longer valid (the PDF certificate writes the same).
STANDING_WORDS = {
    "revoked": pgettext_lazy("across a certificate", "REVOKED"),
    "expired": pgettext_lazy("across a certificate", "EXPIRED"),
}
WARNING = "#a4001d"  # the band's colour (the certificate's too): 8.1:1 with its white word


def standing_word(standing: str) -> str:
    return str(STANDING_WORDS[standing]) if standing in STANDING_WORDS else ""


def alt_text(*, title: str, kind: str, issuer_name: str) -> str:
    """The alt text of a badge shown on a page without its title beside it (in the page's language)."""
    return _("Badge of “%(title)s” (%(kind)s), by %(issuer)s") % {
        "title": clean(title),
        "kind": kind_label(kind),
        "issuer": clean(issuer_name),
    }


# --- where a badge is served --------------------------------------------------------------------------------


def version_badge_path(version, fmt: str = "png") -> str:
    """The address of one version's badge: stable, since a version never changes."""
    return reverse(
        "catalogue:version-badge",
        kwargs={"slug": version.micro_credential.slug, "number": str(version.number), "fmt": fmt},
    )


def version_badge_url(version, fmt: str = "png") -> str:
    """The absolute address of the version's badge (the OB 3.0 ``Achievement.image`` id)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + version_badge_path(version, fmt)


def listed_badge_path(slug: str, number: int, fmt: str = "svg") -> str:
    """The badge address of a listed version (a search result: its slug and number, no model instance)."""
    return reverse("catalogue:version-badge", kwargs={"slug": slug, "number": str(number), "fmt": fmt})


# --- colours ------------------------------------------------------------------------------------------------


def readable_on(background: str) -> str:
    """White, near-black or black: the first that reaches 4.5:1 on the background (one of white and black
    always does: the product of their two contrasts is 21)."""
    for colour in (WHITE, branding.INK, BLACK):
        if branding.contrast_ratio(colour, background) >= 4.5:
            return colour
    return BLACK if branding.contrast_ratio(BLACK, background) > branding.contrast_ratio(WHITE, background) else WHITE


def _accent_text_on(palette: branding.Palette) -> str:
    """The accent where it reads on the main colour, else the plain text colour."""
    if branding.contrast_ratio(palette.accent, palette.primary) >= 4.5:
        return palette.accent
    return readable_on(palette.primary)


def _on_white(colour: str) -> str:
    return colour if branding.contrast_ratio(colour, WHITE) >= 4.5 else readable_on(WHITE)


def _shade(colour: str, amount: float) -> str:
    """The colour darkened towards black (decoration only: the ribbon's folds)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in (r, g, b))


# --- the layout ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str | None = None
    stroke: str | None = None
    width: float = 0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str
    stroke: str | None = None
    width: float = 0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    radius: float
    fill: str
    stroke: str | None = None
    width: float = 0


@dataclass(frozen=True)
class Text:
    """One line of text centred on ``x``, its middle at ``y``; ``background`` is what it is drawn on (for the
    contrast check)."""

    x: float
    y: float
    text: str
    size: float
    fill: str
    background: str
    bold: bool = False


@dataclass(frozen=True)
class Picture:
    x: float
    y: float
    w: float
    h: float
    png: bytes


@cache
def _font(bold: bool, size: int):
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.BASIC)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of a line in DejaVu Sans (the font both renderers ask for) at ``size`` pixels."""
    return _font(bold, 100).getlength(text) * size / 100


def shorten(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """The text, cut with an ellipsis so that it fits ``width``."""
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text.rstrip() + "…", size, bold=bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Greedy wrapping by measured width; a word wider than a line is broken where it must."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while text_width(word, size, bold=bold) > width:  # a word longer than a line
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, bold=bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def title_lines(title: str, *, height: float, width: float = 420) -> tuple[list[str], float]:
    """The title's lines and font size: as large as fits in ``height``, at most TITLE_MAX_LINES lines, the last
    one shortened with an ellipsis (at a word if it can) when the title is longer still."""
    for size, most in ((40, 2), (34, 3), (30, TITLE_MAX_LINES)):
        lines = wrap(title, size, width, bold=True)
        if len(lines) <= most and len(lines) * size * 1.2 + 12 <= height:
            return lines or [""], size
    size = min(28, math.floor(height / (TITLE_MAX_LINES * 1.2)))
    lines = wrap(title, size, width, bold=True)
    if len(lines) > TITLE_MAX_LINES:
        lines = [*lines[: TITLE_MAX_LINES - 1], _last_line(" ".join(lines[TITLE_MAX_LINES - 1 :]), size, width)]
    return lines, size


def _last_line(text: str, size: float, width: float) -> str:
    """The beginning of ``text`` that fits ``width`` with an ellipsis, cut between words where one fits."""
    words = text.split()
    while len(words) > 1 and text_width(" ".join(words) + "…", size, bold=True) > width:
        words.pop()
    return shorten(" ".join(words) + "…", size, width, bold=True)


def _hexagon(cx: float, cy: float, radius: float) -> tuple[tuple[float, float], ...]:
    """A hexagon standing on a point (vertices at the top and bottom)."""
    return tuple(
        (round(cx + radius * math.cos(math.radians(a)), 2), round(cy + radius * math.sin(math.radians(a)), 2))
        for a in (-90, -30, 30, 90, 150, 210)
    )


def _seal(spec: BadgeSpec, cx: float, cy: float) -> list:
    palette = spec.issuer.palette
    shapes: list = [Circle(cx, cy, 50, fill=WHITE, stroke=palette.accent, width=5)]
    if spec.issuer.logo:
        png = _logo_for_seal(spec.issuer.logo)
        if png is not None:
            return [*shapes, Picture(cx - LOGO_BOX / 2, cy - LOGO_BOX / 2, LOGO_BOX, LOGO_BOX, png)]
    initials = spec.issuer.initials
    size = {1: 44, 2: 38, 3: 30}.get(len(initials), 24)
    return [*shapes, Text(cx, cy, initials, size, _on_white(palette.primary), WHITE, bold=True)]


@lru_cache(maxsize=32)
def _logo_for_seal(logo: bytes) -> bytes | None:
    """The uploaded logo (a checked PNG: reference.branding.normalise_logo) fitted into the seal, at twice the
    size it is drawn, as PNG; None if it cannot be read."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(logo)) as image:
            image = image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    side = LOGO_BOX * 2
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _details(spec: BadgeSpec) -> str:
    parts = []
    if spec.eqf_level:
        parts.append(_("EQF level %(level)s") % {"level": spec.eqf_level})
    if spec.ects:
        parts.append(_("%(ects)s ECTS") % {"ects": floatformat(spec.ects, -1)})
    return " · ".join(parts)


def _ribbon(spec: BadgeSpec, top: float, height: float) -> list:
    palette = spec.issuer.palette
    fold, tail = _shade(palette.accent, 0.35), _shade(palette.accent, 0.2)
    bottom = top + height
    shapes = []
    for sign in (-1, 1):  # the tails behind the band, each with its notch and fold
        outer, inner = 300 + sign * 292, 300 + sign * 248
        notch = 300 + sign * 276
        shapes.append(
            Polygon(
                (
                    (outer, top + 14),
                    (inner, top + 14),
                    (inner, bottom + 14),
                    (outer, bottom + 14),
                    (notch, top + 14 + (height / 2)),
                ),
                fill=tail,
            )
        )
        shapes.append(Polygon(((300 + sign * 270, bottom), (inner, bottom), (inner, bottom + 14)), fill=fold))
    shapes.append(Polygon(((30, top), (570, top), (570, bottom), (30, bottom)), fill=palette.accent))
    label = kind_label(spec.kind).upper()
    ink = readable_on(palette.accent)
    size = 24
    while size > 16 and text_width(label, size, bold=True) > 480:
        size -= 1
    shapes.append(Text(300, top + height / 2, shorten(label, size, 480, bold=True), size, ink, palette.accent, True))
    return shapes


def _alliance_mark(alliance: Mark | None, cy: float) -> list:
    if alliance is None or not alliance.short_name:
        return []
    size = 17
    label = shorten(alliance.short_name, size, 116, bold=True)
    width = text_width(label, size, bold=True) + 26
    background = alliance.palette.primary
    return [
        Box(300 - width / 2, cy - 15, width, 30, 15, fill=background, stroke=WHITE, width=2),
        Text(300, cy, label, size, readable_on(background), background, bold=True),
    ]


def scene(spec: BadgeSpec) -> list:
    """Every shape of the badge, back to front, in canvas coordinates (600 × 600)."""
    with translation.override(spec.language):
        return _scene(spec)


def _scene(spec: BadgeSpec) -> list:
    palette = spec.issuer.palette
    text_on_primary = readable_on(palette.primary)
    accent_text = _accent_text_on(palette)
    shapes: list = [
        Polygon(_hexagon(300, 300, 290), fill=palette.accent),
        Polygon(_hexagon(300, 300, 276), fill=palette.primary),
        Polygon(_hexagon(300, 300, 262), stroke=palette.accent, width=2),
    ]
    shapes += _seal(spec, 300, 106)
    if spec.issuer.name:
        shapes.append(Text(300, 180, shorten(spec.issuer.name, 19, 380), 19, accent_text, palette.primary))
    details = _details(spec)
    learner = _("Awarded to %(name)s") % {"name": spec.learner_name} if spec.learner_name else ""
    # The title takes the space the lines under it leave.
    top, bottom = 200, 400 - (32 if details else 0) - (30 if learner else 0)
    lines, size = title_lines(spec.title, height=bottom - top)
    line_height = size * 1.2
    y = (top + bottom) / 2 - line_height * (len(lines) - 1) / 2
    for line in lines:
        shapes.append(Text(300, y, line, size, text_on_primary, palette.primary, bold=True))
        y += line_height
    y = bottom + 18
    if details:
        shapes.append(Text(300, y, details, 22, accent_text, palette.primary, bold=True))
        y += 32
    if learner:
        size = 21
        while size > 16 and text_width(learner, size) > 440:
            size -= 1
        shapes.append(Text(300, y, shorten(learner, size, 440), size, text_on_primary, palette.primary))
    shapes += _ribbon(spec, 418, 54)
    shapes += _alliance_mark(spec.alliance, 518)
    word = standing_word(spec.standing)
    if word:  # on top of everything, across the middle: a badge that is no longer valid cannot pass for one
        size = 40
        while size > 20 and text_width(word, size, bold=True) > 440:
            size -= 2
        shapes += [Box(40, 268, 520, 64, 6, WARNING), Text(300, 300, word, size, "#ffffff", WARNING, bold=True)]
    return shapes


# --- the two renderers --------------------------------------------------------------------------------------


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def svg(spec: BadgeSpec, *, size: int = SIZE) -> str:
    """The badge as SVG text, built as an XML tree: every value is escaped by the serialiser."""
    with translation.override(spec.language):
        label = description(spec)
        shapes = _scene(spec)
    root = ElementTree.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {SIZE} {SIZE}",
            "width": str(size),
            "height": str(size),
            "role": "img",
            "aria-label": label,
        },
    )
    ElementTree.SubElement(root, "title").text = label
    for shape in shapes:
        _svg_shape(root, shape)
    return ElementTree.tostring(root, encoding="unicode")


def _svg_shape(root: ElementTree.Element, shape) -> None:
    if isinstance(shape, Polygon):
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
        attributes = {"points": points, "fill": shape.fill or "none"}
        if shape.stroke:
            attributes |= {"stroke": shape.stroke, "stroke-width": _number(shape.width)}
        ElementTree.SubElement(root, "polygon", attributes)
    elif isinstance(shape, Circle):
        attributes = {"cx": _number(shape.cx), "cy": _number(shape.cy), "r": _number(shape.r), "fill": shape.fill}
        if shape.stroke:
            attributes |= {"stroke": shape.stroke, "stroke-width": _number(shape.width)}
        ElementTree.SubElement(root, "circle", attributes)
    elif isinstance(shape, Box):
        attributes = {
            "x": _number(shape.x),
            "y": _number(shape.y),
            "width": _number(shape.w),
            "height": _number(shape.h),
            "rx": _number(shape.radius),
            "fill": shape.fill,
        }
        if shape.stroke:
            attributes |= {"stroke": shape.stroke, "stroke-width": _number(shape.width)}
        ElementTree.SubElement(root, "rect", attributes)
    elif isinstance(shape, Text):
        attributes = {
            "x": _number(shape.x),
            "y": _number(shape.y + shape.size * _BASELINE),
            "text-anchor": "middle",
            "font-family": FONT_FAMILY,
            "font-size": _number(shape.size),
            "fill": shape.fill,
        }
        if shape.bold:
            attributes["font-weight"] = "bold"
        ElementTree.SubElement(root, "text", attributes).text = shape.text
    elif isinstance(shape, Picture):
        ElementTree.SubElement(
            root,
            "image",
            {
                "x": _number(shape.x),
                "y": _number(shape.y),
                "width": _number(shape.w),
                "height": _number(shape.h),
                "href": "data:image/png;base64," + base64.b64encode(shape.png).decode("ascii"),
            },
        )


def png(spec: BadgeSpec, *, size: int = SIZE) -> bytes:
    """The badge as PNG: drawn at twice the size and scaled down, so edges are smooth."""
    from PIL import Image, ImageDraw

    with translation.override(spec.language):
        shapes = _scene(spec)
    scale = 2 * size / SIZE
    canvas = Image.new("RGBA", (2 * size, 2 * size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(canvas)

    def at(value: float) -> float:
        return value * scale

    for shape in shapes:
        if isinstance(shape, Polygon):
            points = [(at(x), at(y)) for x, y in shape.points]
            if shape.fill:
                draw.polygon(points, fill=_rgb(shape.fill))
            if shape.stroke:
                draw.line(
                    [*points, points[0], points[1]],
                    fill=_rgb(shape.stroke),
                    width=round(at(shape.width)),
                    joint="curve",
                )
        elif isinstance(shape, Circle):
            box = (at(shape.cx - shape.r), at(shape.cy - shape.r), at(shape.cx + shape.r), at(shape.cy + shape.r))
            draw.ellipse(box, fill=_rgb(shape.fill))
            if shape.stroke:  # the stroke is centred on the outline, as in SVG
                half = shape.width / 2
                outer = (
                    at(shape.cx - shape.r - half),
                    at(shape.cy - shape.r - half),
                    at(shape.cx + shape.r + half),
                    at(shape.cy + shape.r + half),
                )
                draw.ellipse(outer, outline=_rgb(shape.stroke), width=round(at(shape.width)))
        elif isinstance(shape, Box):
            box = (at(shape.x), at(shape.y), at(shape.x + shape.w), at(shape.y + shape.h))
            draw.rounded_rectangle(
                box,
                radius=at(shape.radius),
                fill=_rgb(shape.fill),
                outline=_rgb(shape.stroke) if shape.stroke else None,
                width=round(at(shape.width)) if shape.stroke else 0,
            )
        elif isinstance(shape, Text):
            font = _font(shape.bold, round(at(shape.size)))
            draw.text(
                (at(shape.x), at(shape.y + shape.size * _BASELINE)),
                shape.text,
                font=font,
                fill=_rgb(shape.fill),
                anchor="ms",
            )
        elif isinstance(shape, Picture):
            with Image.open(io.BytesIO(shape.png)) as picture:
                picture = picture.convert("RGBA").resize(
                    (round(at(shape.w)), round(at(shape.h))), Image.Resampling.LANCZOS
                )
            canvas.alpha_composite(picture, (round(at(shape.x)), round(at(shape.y))))
    image = canvas.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # 256 colours are plenty for flat colours and smooth edges: a fifth of the bytes, a tenth of the time.
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


RENDERED_SECONDS = 24 * 3600
CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "png": "image/png"}


def rendered(spec: BadgeSpec, fmt: str) -> bytes:
    """The badge in ``fmt`` ("svg" or "png"), kept in the cache under its fingerprint (a PNG takes a few tens of
    milliseconds to draw; the same spec always gives the same bytes, so a cached copy is never stale)."""
    from django.core.cache import cache as django_cache

    if fmt not in CONTENT_TYPES:
        raise ValueError(f"No badge format {fmt!r}")
    key = f"catalogue:badge:{spec.fingerprint()}:{fmt}"
    body = django_cache.get(key)
    if body is None:
        body = png(spec) if fmt == "png" else svg(spec).encode("utf-8")
        django_cache.set(key, body, RENDERED_SECONDS)
    return body


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
