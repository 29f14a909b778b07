"""The learner record (issue #12, item 3; policy 5.12): every micro-credential a learner earned here, with its ECTS,
EQF level, issuer and date, and the total ECTS; as a page, a PDF and one signed document.

* ``learner_record(user)``: what the record lists. Her credentials (credentials.selectors.credentials_of), not
  revoked and not erased; micro-credentials count towards the total, credentials of other achievements (a
  pathway credential, which stands for micro-credentials already listed) are listed apart and add nothing.
* ``record_pdf(record)``: the record drawn with DejaVu (every script the interface languages use).
* ``signed_record(record)``: a W3C Verifiable Presentation (VC Data Model 2.0 §4.13) holding each listed
  credential exactly as its issuer signed it, itself signed (``eddsa-rdfc-2022``, ``assertionMethod``) by the
  alliance's issuer: a verifier checks the presentation's proof (nothing added or left out since it was made)
  and each credential's own proof and status. The total ECTS is the sum of the credentials' ``creditsEarned``.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import formats as django_formats
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.core.pdf import BOLD, FONT, paragraph, register_fonts
from microcred.core.text import drawable, one_line
from microcred.credentials import selectors as credential_selectors
from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.models import MICRO_CREDENTIAL_VERSION, IssuedCredential, Issuer
from microcred.credentials.services.issuers import active_key
from microcred.credentials.signers import signer_for
from microcred.credentials.vocabulary import VC_V2_CONTEXT


@dataclass(frozen=True)
class RecordEntry:
    credential: IssuedCredential
    title: str
    ects: Decimal | None
    eqf_level: int | None
    issuer: str
    awarded_on: date

    @property
    def uuid(self):
        return self.credential.uuid

    @property
    def credential_id(self) -> str:
        return self.credential.credential_id


@dataclass(frozen=True)
class LearnerRecord:
    learner_name: str
    learner_email: str
    entries: tuple[RecordEntry, ...]
    others: tuple[RecordEntry, ...] = field(default_factory=tuple)  # pathway credentials: no ECTS of their own
    made_at: datetime = field(default_factory=timezone.now)

    @property
    def total_ects(self) -> Decimal:
        return sum((e.ects or Decimal(0) for e in self.entries), Decimal(0))

    @property
    def credentials(self) -> list[IssuedCredential]:
        return [e.credential for e in (*self.entries, *self.others)]


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _entry(credential: IssuedCredential) -> RecordEntry:
    version = credential.micro_credential_version
    achievement = (credential.document.get("credentialSubject") or {}).get("achievement") or {}
    if version is not None:
        title, ects, eqf = version.title, version.ects, version.eqf_level
    else:
        title = achievement.get("name") or credential.document.get("name") or ""
        ects = _number(achievement.get("ectsCredits") or achievement.get("creditsAvailable"))
        eqf = achievement.get("eqfLevel")
    return RecordEntry(
        credential=credential,
        title=str(title),
        ects=ects,
        eqf_level=int(eqf) if isinstance(eqf, int) else None,
        issuer=credential.issuer.name,
        awarded_on=credential.awarded_on,
    )


def learner_record(user) -> LearnerRecord:
    """The record of the signed-in learner: her credentials earned here, not revoked and not erased, oldest first."""
    held = [
        c
        for c in credential_selectors.credentials_of(user).filter(revoked_at__isnull=True).order_by("awarded_on", "id")
        if not c.document.get("erased")
    ]
    entries = tuple(_entry(c) for c in held if c.source_type == MICRO_CREDENTIAL_VERSION)
    others = tuple(_entry(c) for c in held if c.source_type != MICRO_CREDENTIAL_VERSION)
    return LearnerRecord(
        learner_name=getattr(user, "full_name", "") or user.get_username(),
        learner_email=user.email,
        entries=entries,
        others=others,
    )


def _alliance_issuer() -> Issuer:
    issuer = Issuer.objects.select_related("institution").filter(institution__is_alliance=True).first()
    if issuer is None:
        raise IssuerNotReady(_("The alliance has no issuer yet, so the record cannot be signed."))
    return issuer


def signed_record(record: LearnerRecord) -> dict:
    """The record as one Verifiable Presentation signed by the alliance's issuer (see the module docstring)."""
    issuer = _alliance_issuer()
    key = active_key(issuer)
    presentation = {
        "@context": [VC_V2_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [c.document for c in record.credentials],
    }
    return vc.sign(presentation, signer_for(key), key.verification_method_id, created=record.made_at)


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return format(value.normalize(), "f")


def record_pdf(record: LearnerRecord) -> bytes:
    """The record as a PDF: one table of the micro-credentials with their ECTS, EQF level, issuer and date, the
    total, and the pathways completed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("record-body", parent=base["Normal"], fontName=FONT, fontSize=9, leading=12)
    bold = ParagraphStyle("record-bold", parent=body, fontName=BOLD)
    title = ParagraphStyle("record-title", parent=bold, fontSize=18, leading=23, spaceAfter=6)
    h2 = ParagraphStyle("record-h2", parent=bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)

    def p(value, style=body):
        return paragraph(value, style)

    def when(value) -> str:
        return django_formats.date_format(value, "DATE_FORMAT")

    heading = [p(_("Micro-credential"), bold), p(_("ECTS"), bold), p(_("EQF"), bold), p(_("Issuer"), bold)]
    heading.append(p(_("Date"), bold))
    rows = [heading]
    for e in record.entries:
        rows.append([p(e.title), p(_plain(e.ects)), p(e.eqf_level or "—"), p(e.issuer), p(when(e.awarded_on))])
    rows.append([p(_("Total"), bold), p(_plain(record.total_ects), bold), "", "", ""])
    table = Table(rows, colWidths=[6.2 * cm, 1.5 * cm, 1.3 * cm, 5 * cm, 3 * cm], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the total's empty cells too
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d1dc")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#003d7a")),
            ]
        )
    )
    story = [
        p(_("Learner record"), title),
        p(_("%(name)s, as of %(date)s") % {"name": record.learner_name, "date": when(record.made_at)}, h2),
        p(_("Every micro-credential earned on the platform and not revoked."), body),
        Spacer(1, 0.3 * cm),
    ]
    story.append(table if record.entries else p(_("No micro-credentials yet."), body))
    if record.others:
        story.append(p(_("Pathways completed"), h2))
        for e in record.others:
            story.append(p(f"{e.title} — {e.issuer}, {when(e.awarded_on)}", body))
    story += [
        Spacer(1, 0.4 * cm),
        p(
            _(
                "Each credential is signed by its issuer (Open Badges 3.0, W3C Verifiable Credentials); the signed "
                "record (a Verifiable Presentation) holds them all and can be verified."
            ),
            body,
        ),
    ]
    for e in (*record.entries, *record.others):
        story.append(p(_("%(title)s: %(id)s") % {"title": e.title, "id": e.credential_id}, body))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        initialFontName=FONT,
        title=one_line(drawable(_("Learner record — %(name)s") % {"name": record.learner_name})),
        author=one_line(drawable(settings.PUBLIC_BASE_URL)),
        lang=settings.LANGUAGE_CODE,
    ).build(story)
    return buffer.getvalue()
