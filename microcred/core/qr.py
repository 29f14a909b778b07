"""A QR code as inline SVG, drawn on the server from ReportLab's QR encoder (no JavaScript, no image request).

Shared by the wallet offers of OpenID4VCI and the VC-API exchanges for the DCC Learner Credential Wallet."""

from __future__ import annotations

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white border, as ISO/IEC 18004 asks


def qr_modules(text: str, level: str = "M") -> list[list[bool]]:
    """The dark/light module matrix of the smallest QR code version that holds `text`."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(text)
    code.make()
    return [[bool(cell) for cell in row] for row in code.modules]


def qr_svg(text: str, *, title: str, size_px: int = 280, element_id: str = "qr") -> SafeString:
    """An accessible SVG (role img, <title>) of the QR code of `text`; one path of horizontal runs."""
    modules = qr_modules(text)
    count = len(modules)
    side = count + 2 * QUIET_ZONE
    runs = []
    for y, row in enumerate(modules):
        x = 0
        for dark, group in itertools.groupby(row):
            length = len(list(group))
            if dark:
                runs.append(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{length}v1h-{length}z")
            x += length
    title_id = f"{element_id}-title"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)}" width="{size_px}" height="{size_px}" '
        f'viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
    return mark_safe(svg)
