"""What every PDF the platform draws shares (certificates, the learner record, the board and council reports):
the DejaVu fonts, which draw every script of the interface languages, shipped in core/fonts (nothing is
fetched), and paragraphs that draw a value as text."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from microcred.core.text import drawable

FONTS = Path(__file__).resolve().parent / "fonts"
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts() -> None:
    """Register the DejaVu regular and bold faces with ReportLab (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def paragraph(value, style):
    """A ReportLab paragraph that draws ``value`` as text: its markup characters are escaped, characters that are
    not text become spaces."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(drawable(str(value))), style)
