"""Uploaded supporting documents: checked by their content, not their name, and served inert.

Following the OWASP File Upload Cheat Sheet: the extension must be one we accept, the content must
really be that kind of document (a PDF must parse as a PDF; a DOCX or ODT must be the right ZIP
package), documents that carry active content are refused (a PDF with JavaScript, a launch action or
embedded files; a DOCX or ODT with macros), the stored name is only a display name made safe, and
every download is an attachment with our own content type, ``nosniff`` and a sandboxing Content
Security Policy, its ``Content-Disposition`` built by Django (RFC 6266) from the safe name.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from microcred.proposals.exceptions import InvalidDocument

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# A real PDF is bigger than this in objects only when it is built to exhaust whoever reads it.
MAX_PDF_OBJECTS = 100_000
# PDF names (ISO 32000-2 §12.6 actions, §7.11 embedded files, §12.7.9 XFA) that make a document run code
# in the reader or carry other files. Names are read from the parsed objects (pypdf decodes #xx escapes
# and object streams), so neither a hex-escaped name nor a compressed object hides them, and text that
# merely mentions them (a title "…/JavaScript…") is not mistaken for them.
PDF_ACTIVE_NAMES = frozenset({"/JS", "/JavaScript", "/Launch", "/XFA"})
PDF_EMBEDDED_NAMES = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/FileAttachment", "/RichMedia"})
# The start of a web page: a browser that sniffed the file could take it for HTML.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.IGNORECASE)


# --- Names ----------------------------------------------------------------------------------------

_NAME_PUNCTUATION = frozenset(" .,()[]&+'!~#@-_")
MAX_STEM = 120


def safe_display_name(name: str, extension: str) -> str:
    """A name to show and to download a document under: the last path part of ``name`` with letters,
    digits and a little punctuation kept, invisible and control characters (bidirectional overrides
    included) dropped, anything else (quotes, ``;``, ``=``, ``*``, ``/``, ``\\``, ``<``…) made ``_``, and
    ``extension`` (the one the content was checked against) at the end."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = unicodedata.normalize("NFC", base)
    if extension and base.lower().endswith(extension):
        base = base[: -len(extension)]
    out = []
    for char in base:
        category = unicodedata.category(char)
        if category[0] == "C":  # control, format (bidi, zero-width), surrogate, private use, unassigned
            continue
        if category[0] == "Z":
            out.append(" ")
        elif category[0] in "LNM" or char in _NAME_PUNCTUATION:
            out.append(char)
        else:
            out.append("_")
    stem = re.sub(r"\s+", " ", "".join(out))
    stem = re.sub(r"_{2,}", "_", stem)[:MAX_STEM].strip(" ._-")
    return (stem or _("document")) + extension


def extension_of(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


# --- Content --------------------------------------------------------------------------------------


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    with archive.open("mimetype") as member:
                        if member.read(100).strip() == ALLOWED[".odt"].encode():
                            return ".odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return ".docx"
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
            return None
    return None


def _not_a(display: str, extension: str) -> InvalidDocument:
    return InvalidDocument(
        _("“%(name)s” is named %(ext)s but its content is not a %(ext)s document.")
        % {"name": display, "ext": extension.lstrip(".").upper()}
    )


def _pdf_names(reader) -> set[str]:
    """Every name (dictionary key or name value) in every object the file's cross-reference lists."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    references = [(idnum, gen) for gen, table in reader.xref.items() for idnum in table]
    references += [(idnum, 0) for idnum in reader.xref_objStm]
    if len(references) > MAX_PDF_OBJECTS:
        raise OverflowError("too many objects")
    names: set[str] = set()
    for idnum, gen in references:
        stack = [reader.get_object(IndirectObject(idnum, gen, reader))]
        while stack:  # direct objects only: each indirect one is visited from the list above
            obj = stack.pop()
            if isinstance(obj, DictionaryObject):
                names.update(str(key) for key in obj)
                stack.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
            elif isinstance(obj, NameObject):
                names.add(str(obj))
    return names


def _check_pdf(display: str, data: bytes) -> None:
    from pypdf import PasswordType, PdfReader

    if _MARKUP.search(data[:1024]):
        raise _not_a(display, ".pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InvalidDocument(
                _("“%(name)s” is protected by a password, so its content cannot be checked; upload it without one.")
                % {"name": display}
            )
        pages = len(reader.pages)
        names = _pdf_names(reader)
    except InvalidDocument:
        raise
    except OverflowError:
        raise InvalidDocument(
            _("“%(name)s” has too many parts to be checked (more than %(n)d objects).")
            % {"name": display, "n": MAX_PDF_OBJECTS}
        ) from None
    except Exception:  # whatever pypdf raises on a damaged or hostile file, it is not a PDF we accept
        raise _not_a(display, ".pdf") from None
    if pages < 1:
        raise _not_a(display, ".pdf")
    if names & PDF_ACTIVE_NAMES:
        raise InvalidDocument(
            _(
                "“%(name)s” contains JavaScript, a form with scripts or an action that starts a program. "
                "Save it again as a plain PDF (for example, print it to PDF) and upload that."
            )
            % {"name": display}
        )
    if names & PDF_EMBEDDED_NAMES:
        raise InvalidDocument(
            _("“%(name)s” has other files embedded in it. Upload each document on its own, as a plain PDF.")
            % {"name": display}
        )


def _check_package(display: str, data: bytes, extension: str) -> None:
    """A DOCX or ODT must not carry macros (a DOCX never may; LibreOffice keeps ODT macros in Basic/, Scripts/)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n.lower() for n in archive.namelist()]
    if extension == ".docx":
        macros = any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names)
    else:
        macros = any(n.startswith(("basic/", "scripts/")) for n in names)
    if macros:
        raise InvalidDocument(
            _("“%(name)s” contains macros. Save it again without macros and upload that.") % {"name": display}
        )


def check_document(name: str, data: bytes) -> tuple[str, str]:
    """Return (extension, content type) of a valid document, or raise InvalidDocument saying why."""
    extension = extension_of(name)
    display = safe_display_name(name, extension)
    if extension not in ALLOWED:
        raise InvalidDocument(_("“%(name)s” is not a PDF, DOCX or ODT file.") % {"name": display})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size).1f MB; the limit is 10 MB.") % {"name": display, "size": len(data) / 1024 / 1024}
        )
    if not data:
        raise InvalidDocument(_("“%(name)s” is empty.") % {"name": display})
    if _sniff(data) != extension:
        raise _not_a(display, extension)
    if extension == ".pdf":
        _check_pdf(display, data)
    else:
        _check_package(display, data, extension)
    return extension, ALLOWED[extension]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Serving --------------------------------------------------------------------------------------

# Even a document that slipped through stays inert: no sniffing, never shown in the browser, and if it
# were, in a sandbox without scripts, plugins or same-origin access, loading nothing.
INERT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


def document_response(document) -> FileResponse:
    """The stored document as a download: an attachment under its safe name (RFC 6266, built by
    Django), with the content type of the extension its content was checked against."""
    extension = extension_of(document.file.name)
    content_type = ALLOWED.get(extension, "application/octet-stream")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=safe_display_name(document.original_name, extension),
        content_type=content_type,
    )
    for header, value in INERT_HEADERS.items():
        response[header] = value
    return response
