"""Checking uploaded supporting documents: size, and that the content is what the extension claims."""

import hashlib
import io
import zipfile

from django.utils.translation import gettext as _

from microcred.proposals.exceptions import InvalidDocument

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def _sniff(head: bytes, data: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ALLOWED[".odt"].encode():
                    return ".odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return ".docx"
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def check_document(name: str, data: bytes) -> tuple[str, str]:
    """Return (extension, content type) of a valid document, or raise InvalidDocument saying why."""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ALLOWED:
        raise InvalidDocument(_("“%(name)s” is not a PDF, DOCX or ODT file.") % {"name": name})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size).1f MB; the limit is 10 MB.") % {"name": name, "size": len(data) / 1024 / 1024}
        )
    if not data:
        raise InvalidDocument(_("“%(name)s” is empty.") % {"name": name})
    actual = _sniff(data[:8], data)
    if actual != extension:
        raise InvalidDocument(
            _("“%(name)s” is named %(ext)s but its content is not a %(ext)s document.")
            % {"name": name, "ext": extension.lstrip(".").upper()}
        )
    return extension, ALLOWED[extension]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
