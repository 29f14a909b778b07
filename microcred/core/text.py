"""Single-line text: what a title may contain, and text made safe for a one-line header.

A value that ends up in a header (an e-mail subject, RFC 5322 §2.2: a header field is one line) or
in a one-line place of a document must not carry a line break: it would end the header and start
another (header injection), or Django refuses to send the message at all. Single-line fields refuse
line breaks and control characters when they are typed (``validate_single_line``, ``check_single_line``),
and text that reaches a header is made one line anyway (``one_line``), for values stored before the
check existed or typed elsewhere.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from microcred.core.exceptions import ValidationFailed

# Everything str.splitlines() (and so Python's e-mail package) treats as the end of a line, besides
# the other C0/C1 control characters (Unicode category Cc).
LINE_SEPARATORS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Unicode Bidirectional Algorithm (UAX #9) explicit embeddings, overrides and isolates: in a one-line
# header they could reorder what follows the value (e.g. the rest of a subject).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(char: str) -> bool:
    return char in LINE_SEPARATORS or unicodedata.category(char) == "Cc"


def single_line_problem(value: str | None) -> bool:
    """True when ``value`` holds a line break or a control character (tab and NUL included)."""
    return any(_is_control(c) for c in value or "")


def validate_single_line(value) -> None:
    """A form field validator: refuse line breaks and control characters."""
    if single_line_problem(value):
        raise ValidationError(
            _("This must be on one line: remove line breaks, tabs and other control characters."),
            code="single_line",
        )


def check_single_line(value: str | None, message: str) -> None:
    """The service-level check: ValidationFailed with ``message`` (a whole sentence naming the field, so
    translators get whole sentences) when ``value`` is not one line."""
    if single_line_problem(value):
        raise ValidationFailed(message)


_SPACES = re.compile(r"\s+")
# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets) and the other C0 controls: SVG
# is XML, ReportLab's paragraphs are XML markup too, and a control character is never meant to be drawn.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def drawable(value) -> str:
    """A stored value as text for an image or a document: characters that are not text become spaces."""
    return _NOT_TEXT.sub(" ", str(value))


def one_line(text) -> str:
    """``text`` as one line for a header: line breaks and control characters become spaces, runs of
    white space one space, explicit bidirectional controls are dropped; the result is stripped."""
    out = []
    for char in str(text or ""):
        if char in BIDI_CONTROLS:
            continue
        out.append(" " if _is_control(char) else char)
    return _SPACES.sub(" ", "".join(out)).strip()


# Maximum lengths of what people and clients type (issue #11: a 1,000,000-character comment was accepted).
# Long enough for any honest use; short enough that pages, e-mails, PDFs and the audit log stay usable.
LINE_TEXT = 200  # a title, a name, a place
COMMENT_TEXT = 2_000  # a comment, a reason, a rationale, conditions, a note
SECTION_TEXT = 10_000  # a section of a proposal, a description
DOCUMENT_TEXT = 50_000  # meeting minutes, a page of the catalogue
PASSWORD_TEXT = 256  # hashing is costly: a password is never longer than this
