"""RDF terms and N-Quads: serialization in the canonical form of RDFC-1.0, and a strict parser.

Representation used throughout ``microcred.vc`` (chosen for speed): an RDF term is a ``str`` that is
already in its canonical N-Quads form:

* IRI: ``<http://example.org/x>``
* blank node: ``_:b0``
* literal: ``"text"``, ``"text"@en`` or ``"42"^^<http://www.w3.org/2001/XMLSchema#integer>``

A quad is a 4-tuple ``(subject, predicate, object, graph)``; ``graph`` is ``""`` for the default graph.
Telling the kinds apart needs one character: ``<`` IRI, ``_`` blank node, ``"`` literal.
"""

from __future__ import annotations

import re

from .exceptions import NQuadsSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Quad = tuple[str, str, str, str]

# Canonical N-Quads (RDFC-1.0 / RDF 1.2 N-Quads canonical form): inside a literal, `"` and `\` are
# escaped, \b \t \n \f \r use their ECHAR form, every other character in U+0000..U+001F and U+007F is
# written as \uXXXX with upper-case hex digits, and everything else (including non-ASCII) is literal.
_LITERAL_ESCAPES = {i: f"\\u{i:04X}" for i in range(0x20)}
_LITERAL_ESCAPES.update(
    {
        0x08: "\\b",
        0x09: "\\t",
        0x0A: "\\n",
        0x0C: "\\f",
        0x0D: "\\r",
        0x22: '\\"',
        0x5C: "\\\\",
        0x7F: "\\u007F",
    }
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')


def escape_literal_text(value: str) -> str:
    """Escape the lexical form of a literal for canonical N-Quads."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_LITERAL_ESCAPES)


def iri(value: str) -> str:
    """The N-Quads term of an IRI (the caller guarantees it is absolute and valid)."""
    return "<" + value + ">"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """The canonical N-Quads term of a literal."""
    text = '"' + escape_literal_text(value) + '"'
    if language:
        return text + "@" + language
    if datatype and datatype != XSD_STRING:
        return text + "^^<" + datatype + ">"
    return text


def quad_to_nquad(quad: Quad) -> str:
    """One quad as a canonical N-Quads line (with its terminating newline)."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def to_nquads(quads) -> str:
    """Serialize quads (in the given order) as N-Quads."""
    return "".join(quad_to_nquad(q) for q in quads)


# --- parser ----------------------------------------------------------------------------------------

_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_UCHAR_OR_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_WS = " \t"
_IRI_FORBIDDEN = set('<>"{}|^`\\') | {chr(i) for i in range(0x21)}
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_BNODE_LABEL = re.compile(
    r"_:([A-Za-z0-9_\u00b7\u00c0-\U000effff](?:[A-Za-z0-9_.\-\u00b7\u00c0-\U000effff]*"
    r"[A-Za-z0-9_\-\u00b7\u00c0-\U000effff])?)"
)


def _unescape(text: str, line_no: int, allow_echar: bool) -> str:
    def repl(m: re.Match) -> str:
        if m.group(1) or m.group(2):
            cp = int(m.group(1) or m.group(2), 16)
            if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                raise NQuadsSyntaxError(f"Line {line_no}: invalid code point escape.")
            return chr(cp)
        ch = m.group(3)
        if allow_echar and ch in _ECHARS:
            return _ECHARS[ch]
        raise NQuadsSyntaxError(f"Line {line_no}: invalid escape sequence '\\{ch}'.")

    if "\\" not in text:
        return text
    return _UCHAR_OR_ECHAR.sub(repl, text)


class _LineParser:
    __slots__ = ("line", "no", "pos")

    def __init__(self, line: str, no: int):
        self.line, self.pos, self.no = line, 0, no

    def error(self, what: str) -> NQuadsSyntaxError:
        return NQuadsSyntaxError(f"Line {self.no}, column {self.pos + 1}: {what}.")

    def skip_ws(self) -> None:
        line, pos = self.line, self.pos
        while pos < len(line) and line[pos] in _WS:
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        return self.line[self.pos] if self.pos < len(self.line) else ""

    def iri(self) -> str:
        end = self.line.find(">", self.pos + 1)
        if end < 0:
            raise self.error("unterminated IRI")
        value = _unescape(self.line[self.pos + 1 : end], self.no, allow_echar=False)
        if not value or any(c in _IRI_FORBIDDEN for c in value) or ":" not in value:
            raise self.error("invalid or relative IRI")
        self.pos = end + 1
        return "<" + value + ">"

    def bnode(self) -> str:
        m = _BNODE_LABEL.match(self.line, self.pos)
        if not m:
            raise self.error("invalid blank node label")
        self.pos = m.end()
        return "_:" + m.group(1)

    def literal(self) -> str:
        line, pos = self.line, self.pos + 1
        chunks_start = pos
        while True:
            if pos >= len(line):
                raise self.error("unterminated literal")
            c = line[pos]
            if c == "\\":
                pos += 2
                continue
            if c == '"':
                break
            if c in "\n\r":
                raise self.error("raw line break in literal")
            pos += 1
        value = _unescape(line[chunks_start:pos], self.no, allow_echar=True)
        self.pos = pos + 1
        if self.peek() == "@":
            m = _LANGTAG.match(line, self.pos + 1)
            if not m:
                raise self.error("invalid language tag")
            self.pos = m.end()
            return literal(value, language=m.group(0))
        if line.startswith("^^", self.pos):
            self.pos += 2
            if self.peek() != "<":
                raise self.error("datatype must be an IRI")
            dt = self.iri()[1:-1]
            return literal(value, datatype=dt)
        return literal(value)

    def term(self, allowed: str) -> str:
        self.skip_ws()
        c = self.peek()
        if c == "<" and "i" in allowed:
            return self.iri()
        if c == "_" and "b" in allowed:
            return self.bnode()
        if c == '"' and "l" in allowed:
            return self.literal()
        raise self.error("unexpected term")


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document into quads in canonical term form; duplicates are removed."""
    quads: list[Quad] = []
    seen: set[Quad] = set()
    for no, raw in enumerate(text.splitlines(), 1):
        p = _LineParser(raw, no)
        p.skip_ws()
        if p.peek() in ("", "#"):
            continue
        s = p.term("ib")
        pr = p.term("i")
        o = p.term("ibl")
        p.skip_ws()
        g = ""
        if p.peek() in ("<", "_"):
            g = p.term("ib")
            p.skip_ws()
        if p.peek() != ".":
            raise p.error("expected '.'")
        p.pos += 1
        p.skip_ws()
        if p.peek() not in ("", "#"):
            raise p.error("unexpected text after '.'")
        q = (s, pr, o, g)
        if q not in seen:
            seen.add(q)
            quads.append(q)
    return quads
