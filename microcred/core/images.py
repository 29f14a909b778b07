"""Pictures people upload (an institution's logo, an officer's signature): checked, then kept as a PNG.

The checks run before anything is decoded past the header: the file's size, its format (SVG never: it can
carry script), its pixel count (a small file can claim a billion pixels: a decompression bomb) and its
smallest side. Only then is the image decoded, converted to RGBA (transparency kept) and made to fit a box.
Every refusal is a ValidationError whose message, given by the caller, names what was uploaded and why.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class PictureMessages:
    """The caller's sentences, already translated. ``wrong_kind`` takes %(kind)s; ``too_many_pixels`` and
    ``too_small`` take %(w)s and %(h)s."""

    empty: str
    too_large: str
    unreadable: str
    wrong_kind: str
    too_many_pixels: str
    too_small: str
    damaged: str


@dataclass(frozen=True)
class PictureRules:
    formats: frozenset[str]  # Pillow format names: "PNG", "JPEG", "WEBP"
    max_bytes: int
    max_pixels: int
    min_side: int
    box: tuple[int, int]  # the kept PNG fits in this width × height, its proportions kept


def normalise_picture(data: bytes, rules: PictureRules, messages: PictureMessages) -> bytes:
    """``data`` checked against ``rules`` and kept as a PNG that fits ``rules.box``; a ValidationError with the
    matching message otherwise."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ValidationError(messages.empty)
    if len(data) > rules.max_bytes:
        raise ValidationError(messages.too_large)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(messages.unreadable) from None
    if kind not in rules.formats:
        raise ValidationError(messages.wrong_kind % {"kind": kind or "?"})
    if width * height > rules.max_pixels:
        raise ValidationError(messages.too_many_pixels % {"w": width, "h": height})
    if min(width, height) < rules.min_side:
        raise ValidationError(messages.too_small % {"w": width, "h": height})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(messages.damaged) from None
    image.thumbnail(rules.box)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
