"""Meeting agendas and minutes draw every letter of the alliance's languages (the papers and decisions name people
and places in Hungarian, Catalan, Polish…), with the fonts every other PDF of the platform uses."""

import io

import pytest
from pypdf import PdfReader

from microcred.core.tests.pdf_fonts import PLATFORM_FONTS, font_names
from microcred.proposals import pdf
from microcred.proposals.tests.test_papers import _place
from microcred.proposals.tests.test_services import council_meeting  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

NAMES = "Győr, Erdős Pál terme; Col·legi Major; Łódź"


@pytest.mark.parametrize("minutes", [False, True])
def test_the_agenda_and_minutes_draw_every_letter_in_the_platforms_fonts(people, council_meeting, minutes):
    council_meeting.location = NAMES
    council_meeting.minutes = "Köszönjük, Ágnes — ő elnökölt."
    council_meeting.save()
    _place(people["secretary"], council_meeting, title="Jelentés a célokról: fenntarthatóság és ű")
    data = pdf.meeting_pdf(council_meeting, minutes=minutes)
    # (words as drawn: a cell's text may wrap)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    assert NAMES in text
    assert "Jelentés a célokról: fenntarthatóság és ű" in text
    if minutes:
        assert "Köszönjük, Ágnes — ő elnökölt." in text
    assert font_names(data) <= PLATFORM_FONTS, font_names(data)
