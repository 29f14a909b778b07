"""Files people upload to /verify/ that are not a signed credential but point to one (issue #16, defect 5).

* Our PDF certificate (formats.certificate_pdf) is not signed data: it prints the address of the credential's
  public verification page (also in its QR code) and the credential's identifier (``urn:uuid:…``). We read its
  text, find that identifier or address, and verify the signed credential it names.
* Our European Learning Model export (elm.elm_credential) is unsigned (a Europass credential is sealed with an
  eIDAS e-seal, which the alliance does not have yet). It names the Open Badges 3.0 credential of the same award
  in ``identifier.notation``; we verify that one, and say whether the file's own identifier is the one we derive
  from it.

Either way the page says plainly what was checked: the signed credential the file names, not the file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from microcred.credentials import selectors

# The most a pasted or uploaded credential may weigh (the /verify/ page, the wallet's "add a credential"): a
# credential, even baked into a badge image, is far smaller.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# What a PDF's text is searched for: the credential identifier, or the public page's address.
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_IN_PDF = re.compile(rf"urn:uuid:({_UUID})|/credentials/({_UUID})/")
MAX_PDF_PAGES = 4  # our certificate has one or two; a longer file is not ours, and is not read further


@dataclass(frozen=True)
class Recognised:
    """What the uploaded file is, in words; the signed credential it names (None when none is found here)."""

    kind: str  # "pdf" or "elm"
    explanation: str
    credential: object | None = None  # IssuedCredential
    note: str = ""  # a second sentence: what matched, or what to do instead

    @property
    def document(self) -> dict | None:
        return self.credential.document if self.credential is not None else None


def _credential(value: str):
    credential = selectors.credential_by_uuid(value)
    if credential is None or (credential.document or {}).get("erased"):
        return None
    return credential


def _pdf_text(raw: bytes) -> str:
    """The text of the PDF's first pages; "" when it cannot be read (damaged, encrypted, hostile)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            return ""
        return "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PDF_PAGES])
    except Exception:  # whatever pypdf raises on a damaged or hostile file: nothing read
        return ""


def _recognise_pdf(raw: bytes) -> Recognised:
    text = re.sub(r"\s+", "", _pdf_text(raw))  # lines wrap inside long identifiers and addresses
    found = None
    for match in _IN_PDF.finditer(text):
        found = _credential(match.group(1) or match.group(2))
        if found is not None:
            break
    if found is None:
        return Recognised(
            "pdf",
            _(
                "This is a PDF certificate. A PDF is a printout, not signed data, so it cannot be verified from the "
                "file itself, and it names no credential issued here."
            ),
            note=_(
                "Scan its QR code or open the address printed under it: that page, on the issuer's site, says "
                "whether the credential is valid today. Or upload the signed credential (JSON) or the badge image "
                "(PNG or SVG)."
            ),
        )
    return Recognised(
        "pdf",
        _(
            "This is a PDF certificate. A PDF is a printout, not signed data: what is verified below is the signed "
            "credential it names (the one its QR code opens)."
        ),
        credential=found,
        note=_(
            "Check that the name, title and dates printed on the PDF are the ones below: anyone can print a "
            "credential's identifier on a document."
        ),
    )


def _is_elm(document) -> bool:
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "EuropeanDigitalCredential" in types


def _named_open_badge(document: dict):
    identifiers = document.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
        notation = identifier.get("notation") if isinstance(identifier, dict) else None
        if isinstance(notation, str) and notation.startswith("urn:uuid:"):
            credential = _credential(notation.removeprefix("urn:uuid:"))
            if credential is not None:
                return credential
    return None


def _recognise_elm(document: dict) -> Recognised:
    from microcred.credentials import elm

    credential = _named_open_badge(document)
    if credential is None:
        return Recognised(
            "elm",
            _(
                "This is a European Learning Model (Europass) credential. It carries no signature this page can "
                "check, and it names no credential issued here."
            ),
            note=_(
                "A sealed Europass credential is checked in Europass. For one of ours, upload the signed Open "
                "Badges credential (JSON) or the badge image (PNG or SVG) from the learner's wallet."
            ),
        )
    expected = elm._urn(elm._namespace(credential), "europass-credential")
    matches = document.get("id") == expected
    return Recognised(
        "elm",
        _(
            "This is a European Learning Model (Europass) export of a credential issued here. The export is not "
            "signed (a Europass credential is sealed with an eIDAS e-seal, which the alliance does not have yet): "
            "what is verified below is the signed Open Badges credential of the same award, which the export names."
        ),
        credential=credential,
        note=_("The export's identifier is the one made from that credential.")
        if matches
        else _(
            "The export's identifier is not the one made from that credential: the file was changed, or made "
            "elsewhere. Rely only on the verified credential below."
        ),
    )


def recognise_upload(raw: bytes) -> Recognised | None:
    """A PDF or an ELM export, recognised; None for anything else (a credential, a badge image, or rubbish,
    which the verifier reads as before)."""
    if raw[:1024].lstrip().startswith(PDF_MAGIC):
        return _recognise_pdf(raw)
    head = raw.lstrip()[:1]
    if head == b"{":
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        if _is_elm(document):
            return _recognise_elm(document)
    return None
