"""Baking Open Badges 3.0 credentials into PNG and SVG images (OB 3.0 §5.3 "Baked badges").

PNG: exactly one uncompressed ``iTXt`` chunk with keyword ``openbadgecredential`` holding the credential
JSON (or a compact JWS), placed right after ``IHDR``. Baking replaces an existing credential chunk;
extraction refuses an image that holds more than one.

SVG: ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on the root ``<svg>`` element and one
``<openbadges:credential>`` element directly after the ``<svg>`` start tag, with the JSON in a CDATA
section (or, for a JWS, in a ``verify`` attribute).
"""

from __future__ import annotations

import json
import re
import struct
import zlib

from .exceptions import BakingError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_CHUNKS = 10_000


def _payload(credential) -> str:
    if isinstance(credential, dict):
        return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    if isinstance(credential, str) and credential.strip():
        return credential
    raise BakingError("A credential to bake must be a JSON object or a compact JWS string.")


def _parse_payload(text: str):
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except ValueError as exc:
            raise BakingError("The baked credential is not valid JSON.") from exc
    return stripped  # compact JWS (VC-JWT)


# --- PNG ---------------------------------------------------------------------------------------------


def _chunks(png: bytes):
    if not isinstance(png, (bytes, bytearray)) or len(png) > MAX_IMAGE_BYTES:
        raise BakingError("The image is not a PNG of acceptable size.")
    if png[:8] != PNG_SIGNATURE:
        raise BakingError("The file is not a PNG image (bad signature).")
    pos = 8
    count = 0
    while pos < len(png):
        if pos + 12 > len(png):
            raise BakingError("The PNG image is truncated.")
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        ctype = bytes(png[pos + 4 : pos + 8])
        end = pos + 12 + length
        if end > len(png):
            raise BakingError("The PNG image is truncated.")
        data = bytes(png[pos + 8 : pos + 8 + length])
        (crc,) = struct.unpack(">I", png[pos + 8 + length : end])
        if zlib.crc32(ctype + data) & 0xFFFFFFFF != crc:
            raise BakingError(f"PNG chunk {ctype!r} has a bad CRC.")
        yield ctype, data, png[pos:end]
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("The PNG image has too many chunks.")
        pos = end
        if ctype == b"IEND":
            return
    raise BakingError("The PNG image has no IEND chunk.")


def _make_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)


def _is_credential_chunk(ctype: bytes, data: bytes) -> bool:
    return ctype == b"iTXt" and data.split(b"\0", 1)[0] == PNG_KEYWORD


def bake_png(png: bytes, credential) -> bytes:
    """Return ``png`` with ``credential`` (dict or JWS string) in one ``openbadgecredential`` iTXt chunk."""
    text = _payload(credential).encode("utf-8")
    # keyword, null, compression flag 0, compression method 0, empty language tag, null,
    # empty translated keyword, null, text
    itxt = _make_chunk(b"iTXt", PNG_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text)
    out = [PNG_SIGNATURE]
    seen_ihdr = False
    for ctype, data, raw in _chunks(png):
        if _is_credential_chunk(ctype, data):
            continue  # re-baking replaces the previous credential
        out.append(raw)
        if ctype == b"IHDR":
            if seen_ihdr:
                raise BakingError("The PNG image has more than one IHDR chunk.")
            seen_ihdr = True
            out.append(itxt)
    if not seen_ihdr:
        raise BakingError("The PNG image has no IHDR chunk.")
    return b"".join(out)


def unbake_png(png: bytes):
    """The credential baked into ``png`` (dict for JSON, str for a JWS), or ``None`` if there is none."""
    found = []
    for ctype, data, _raw in _chunks(png):
        if _is_credential_chunk(ctype, data):
            found.append(data)
    if not found:
        return None
    if len(found) > 1:
        raise BakingError("The PNG image holds more than one openbadgecredential chunk; refusing to choose.")
    data = found[0]
    # keyword \0 | compression flag (1) | compression method (1) | language \0 | translated keyword \0 | text
    start = len(PNG_KEYWORD) + 1
    if len(data) < start + 2:
        raise BakingError("The openbadgecredential iTXt chunk is malformed.")
    if data[start] != 0:
        raise BakingError("The openbadgecredential iTXt chunk is compressed; OB 3.0 forbids compression.")
    lang_end = data.find(b"\0", start + 2)
    translated_end = data.find(b"\0", lang_end + 1) if lang_end >= 0 else -1
    if translated_end < 0:
        raise BakingError("The openbadgecredential iTXt chunk is malformed.")
    try:
        text = data[translated_end + 1 :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("The baked credential is not UTF-8 text.") from exc
    return _parse_payload(text)


# --- SVG ---------------------------------------------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_CRED_ELEMENT = re.compile(
    r"<openbadges:credential\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</openbadges:credential\s*>)", re.DOTALL
)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(?P<data>.*)\]\]>\s*$", re.DOTALL)
_VERIFY_ATTR = re.compile(r"""\bverify\s*=\s*(["'])(?P<v>[^"']*)\1""")


_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}$")
# What may not appear raw in the CDATA text: markup characters, and characters outside XML 1.0's Char
# production (https://www.w3.org/TR/xml/#charsets), e.g. U+FFFE, U+FFFF and lone surrogates.
_NOT_RAW_IN_CDATA = re.compile(r"[<>&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def bake_svg(svg: str, credential) -> str:
    """Return ``svg`` with the namespace declared and one ``<openbadges:credential>`` after ``<svg>``.

    Nothing in the credential can end the CDATA section or the element: in the JSON, ``<``, ``>`` and
    ``&`` (which occur only inside JSON strings) are written as ``\\u003c``, ``\\u003e``, ``\\u0026``,
    like characters XML 1.0 forbids, so the text holds no ``]]>`` and no markup yet parses to the same
    credential; a JWS must be compact (base64url and dots). The result is then read back with an XML
    parser, which must find exactly that credential in exactly one element under the root.
    """
    if not isinstance(svg, str):
        raise BakingError("An SVG image must be given as text.")
    if isinstance(credential, str) and not credential.strip().startswith("{"):
        jws = credential.strip()
        if not _COMPACT_JWS.match(jws):
            raise BakingError("A credential to bake must be a JSON object or a compact JWS string.")
        element = f'<openbadges:credential verify="{jws}"/>'
        expected = ("verify", jws)
    else:
        payload = _svg_json(credential)
        element = f"<openbadges:credential><![CDATA[{payload}]]></openbadges:credential>"
        expected = ("text", payload)
    svg = _CRED_ELEMENT.sub("", svg)
    m = _SVG_OPEN.search(svg)
    if not m:
        raise BakingError("The file is not an SVG image (no <svg> element).")
    tag = m.group(0)
    if "xmlns:openbadges" not in tag:
        closing = "/>" if tag.endswith("/>") else ">"
        tag = tag[: -len(closing)].rstrip() + f' xmlns:openbadges="{SVG_NAMESPACE}"' + closing
    if tag.endswith("/>"):
        raise BakingError("The SVG root element is empty.")
    baked = svg[: m.start()] + tag + element + svg[m.end() :]
    if _read_baked(baked) != expected:
        raise BakingError("The credential could not be baked into this SVG image as well-formed XML.")
    return baked


def _svg_json(credential) -> str:
    """The credential as JSON text that is safe, unchanged in meaning, inside a CDATA section."""
    if isinstance(credential, str):  # JSON text: written again in the one form below
        try:
            credential = json.loads(credential)
        except ValueError as exc:
            raise BakingError("The credential to bake is not valid JSON.") from exc
    if not isinstance(credential, dict):
        raise BakingError("A credential to bake must be a JSON object or a compact JWS string.")
    text = _payload(credential)
    # In valid JSON these characters occur only inside strings, where \uXXXX denotes the same character.
    return _NOT_RAW_IN_CDATA.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _read_baked(svg: str):
    """What an XML parser reads as the baked credential: ("text", cdata) or ("verify", attribute).

    Raises BakingError unless the SVG is well-formed, has no internal DTD subset (no entity tricks) and
    holds exactly one ``openbadges:credential`` element, a child of the root element.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[dict] = []
    depth = 0

    def start(name, attrs):
        nonlocal depth
        depth += 1
        if name == f"{SVG_NAMESPACE} credential":
            found.append({"depth": depth, "attrs": attrs, "text": [], "open": True})

    def end(name):
        nonlocal depth
        depth -= 1
        if name == f"{SVG_NAMESPACE} credential":
            found[-1]["open"] = False

    def text(data):
        if found and found[-1]["open"]:
            found[-1]["text"].append(data)

    def doctype(_name, _system_id, _public_id, has_internal_subset):
        if has_internal_subset:
            raise BakingError("The SVG image declares entities; refusing to bake into it.")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(svg, True)  # text: expat reads it as UTF-8 whatever the declaration says
    except (expat.ExpatError, UnicodeEncodeError) as exc:
        raise BakingError("The baked SVG image is not well-formed XML.") from exc
    if len(found) != 1 or found[0]["depth"] != 2:
        raise BakingError("The baked SVG image must hold one openbadges:credential element under its root.")
    element = found[0]
    if "verify" in element["attrs"]:
        return ("verify", element["attrs"]["verify"])
    return ("text", "".join(element["text"]))


def unbake_svg(svg: str):
    """The credential baked into ``svg`` (dict or JWS string), or ``None``."""
    if not isinstance(svg, str) or len(svg) > MAX_IMAGE_BYTES:
        raise BakingError("The SVG image is not text of acceptable size.")
    matches = list(_CRED_ELEMENT.finditer(svg))
    if not matches:
        return None
    if len(matches) > 1:
        raise BakingError("The SVG image holds more than one openbadges:credential element; refusing to choose.")
    m = matches[0]
    body = m.group("body")
    if body and body.strip():
        cdata = _CDATA.match(body)
        text = cdata.group("data") if cdata else body
        return _parse_payload(text)
    attr = _VERIFY_ATTR.search(m.group("attrs") or "")
    if attr:
        return attr.group("v").replace("&quot;", '"').replace("&lt;", "<").replace("&amp;", "&")
    raise BakingError("The openbadges:credential element is empty.")
