"""For tests of the platform's PDFs: the fonts a PDF's pages use."""

import io

from pypdf import PdfReader

from microcred.core.pdf import BOLD, FONT

#: Every PDF the platform draws uses these, embedded (they draw every letter of the interface languages).
PLATFORM_FONTS = {FONT, BOLD}


def font_names(data: bytes) -> set[str]:
    """The base fonts of every page's resources, without the subset prefix (``ABCDEF+DejaVuSans``)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names
