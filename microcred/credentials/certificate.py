"""The PDF certificate of an issued credential (issue #16): A4 landscape, the first page designed as a
certificate, the details on the pages after.

Page 1, inside a frame in the issuer's colours (reference.branding.palette_for): the alliance's and the issuer's
logos, what it is ("Certificate of achievement", and the kind of micro-credential), the learner's name, the title,
one plain-language sentence saying who completed what, with which credits and level, awarded by whom and when,
the key Annex 1 elements in two columns, the issuer's signatories as configured (IssuerSignatory: names, roles,
signature pictures; without any, the issuer's name and "Digitally signed and sealed", never an invented
signature), and the QR code of the public verification page with its address. Whatever its length, page 1's
content is fitted into the page (long names and titles wrap, then everything shrinks), never pushed over.

Page 2 and after: every Annex 1 element (formats.annex1_rows), the learning outcomes with their ESCO skills, and
the technical data (credential identifier, issuer DID, verification method, signing time, status list entry) with
how to verify it.

Text is text (nothing is drawn as a picture but the logos, the signatures and the QR code), in the language
the PDF is requested in, with its dates (core.dates) and numbers (floatformat) written the way that language
writes them; the document's title, author, subject and language are in its metadata, and viewers are asked to
show the title.

A revoked credential's PDF, or one whose validity has ended (`validUntil`), still downloads, but says so: a band
across the top of page 1 ("This credential was revoked by … on …. This certificate is no longer valid."), the
word REVOKED or EXPIRED across every page, and the same at the head of its title. A printout made before then
cannot change; its QR code opens the verification page, which says it.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape

from microcred.catalogue import badges
from microcred.catalogue.kinds import CredentialKind, is_participation_badge
from microcred.core.dates import public_date, public_datetime
from microcred.core.pdf import BOLD, FONT, paragraph, register_fonts
from microcred.core.text import drawable, one_line
from microcred.credentials.formats import annex1_rows, verification_url
from microcred.credentials.models import EXPIRED, REVOKED, IssuedCredential, IssuerSignatory
from microcred.credentials.services.signatories import signatories_shown
from microcred.proposals.choices import AssessmentType, FormOfParticipation, Language
from microcred.reference import branding
from microcred.reference.models import Institution

GREY = "#4a5360"  # 7.9:1 on white
RULE = "#c9d1dc"
OUTER_INSET, OUTER_WIDTH = 16, 6  # the frame: a band in the issuer's main colour …
INNER_INSET, INNER_LINE = 27, 1.2  # … and a fine line in its accent
MARGIN = 46  # from the page's edge to the content
BOTTOM_ROW = 132  # height of page 1's signature and QR code row
QR_COLUMN = 150
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12  # inside a frame's own padding, 6 points a side
FRONT_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - BOTTOM_ROW - 12
SIGNING_HEIGHT = BOTTOM_ROW - 12


# Words ---------------------------------------------------------------------------------------------------------


def _version_details(credential: IssuedCredential) -> list[str]:
    """What the statement says in brackets: the credits and level, or the hours when there are no credits."""
    version = credential.micro_credential_version
    if version is None:
        credits = (credential.document.get("credentialSubject") or {}).get("creditsEarned")
        return [_("%(ects)s ECTS credits") % {"ects": floatformat(credits, -1)}] if credits else []
    annex = version.annex
    parts = [_workload(annex)] if _workload(annex) else []
    if annex.eqf_level:
        parts.append(_("EQF level %(n)s") % {"n": annex.eqf_level})
    return parts


def _workload(annex) -> str:
    """The notional workload in words: ECTS credits, else hours ("" when the record has neither)."""
    if annex.workload.ects:
        return _("%(ects)s ECTS credits") % {"ects": floatformat(annex.workload.ects, -1)}
    if annex.workload.hours:
        hours = annex.workload.hours
        return ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": number_format(hours)}
    return ""


def _is_badge(credential: IssuedCredential) -> bool:
    version = credential.micro_credential_version
    return version is not None and is_participation_badge(version.annex.credential_type)


def heading(credential: IssuedCredential) -> str:
    """The certificate's heading: of participation for a participation badge, of achievement otherwise."""
    return _("Certificate of participation") if _is_badge(credential) else _("Certificate of achievement")


def kind_label(credential: IssuedCredential) -> str:
    """What was earned, in words: "Formal micro-credential", "Participation badge", "Pathway"."""
    version = credential.micro_credential_version
    if version is None:
        achievement = (credential.document.get("credentialSubject") or {}).get("achievement") or {}
        return _("Pathway of micro-credentials") if achievement.get("achievementType") == "LearningProgram" else ""
    return str(dict(CredentialKind.choices).get(version.annex.credential_kind, ""))


def statement(credential: IssuedCredential) -> str:
    """The one plain-language sentence of page 1: who completed what, with which credits and level, awarded by
    whom and on which day (also the PDF's subject)."""
    details = ", ".join(_version_details(credential))
    values = {
        "name": credential.learner_name,
        "title": credential.title,
        "details": details,
        "issuer": credential.issuer.name,
        "date": public_date(credential.awarded_on).replace(" ", "\u00a0"),  # a date is not broken over two lines
    }
    if _is_badge(credential):
        sentence = _(
            "%(name)s took part in “%(title)s” and was awarded a participation badge by %(issuer)s on %(date)s."
        )
    elif credential.micro_credential_version is None:
        sentence = (
            _("%(name)s has completed the pathway “%(title)s” (%(details)s), awarded by %(issuer)s on %(date)s.")
            if details
            else _("%(name)s has completed the pathway “%(title)s”, awarded by %(issuer)s on %(date)s.")
        )
    elif details:
        sentence = _(
            "%(name)s has successfully completed the micro-credential “%(title)s” (%(details)s), awarded by "
            "%(issuer)s on %(date)s."
        )
    else:
        sentence = _(
            "%(name)s has successfully completed the micro-credential “%(title)s”, awarded by %(issuer)s on %(date)s."
        )
    return sentence % values


def _plain(values, choices) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or []) or "—"


def key_elements(credential: IssuedCredential) -> list[tuple[str, str]]:
    """The Annex 1 elements page 1 shows: who awards it, workload, level, assessment, participation, languages,
    grade (when there is one) and the date. Every element is on page 2."""
    version = credential.micro_credential_version
    date = (_("Date of issue"), public_date(credential.awarded_on))
    grade = [(_("Grade"), credential.grade)] if credential.grade else []
    if version is None:
        details = _version_details(credential)
        return [
            (_("Issued by"), credential.issuer.name),
            date,
            *([(_("Notional workload"), details[0])] if details else []),
            *grade,
        ]
    annex = version.annex
    bodies = "; ".join(f"{b.name} ({b.country})" if b.country else b.name for b in annex.awarding_bodies)
    return [
        (_("Awarding body or bodies, and country"), bodies or credential.issuer.name),
        (_("Notional workload"), _workload(annex) or "—"),
        (_("Level"), _("EQF level %(n)s") % {"n": annex.eqf_level} if annex.eqf_level else "—"),
        (_("Type of assessment"), _plain(annex.assessment_types, AssessmentType)),
        (_("Form of participation"), _plain(annex.forms_of_participation, FormOfParticipation)),
        (_("Languages"), _plain(annex.languages, Language)),
        *grade,
        date,
    ]


def _proof(credential: IssuedCredential) -> dict:
    proof = credential.document.get("proof") or {}
    if isinstance(proof, list):
        proof = proof[0] if proof and isinstance(proof[0], dict) else {}
    return proof if isinstance(proof, dict) else {}


def technical_rows(credential: IssuedCredential) -> list[tuple[str, str]]:
    """What a verifier needs, read from the signed credential itself."""
    proof = _proof(credential)
    status = credential.document.get("credentialStatus") or {}
    if isinstance(status, list):
        status = status[0] if status and isinstance(status[0], dict) else {}
    created = parse_datetime(str(proof.get("created") or ""))
    rows = [
        (_("Credential identifier"), str(credential.document.get("id") or credential.credential_id)),
        (_("Verification page"), verification_url(credential)),
        (_("Issuer"), credential.issuer.name),
        (_("Issuer DID"), credential.issuer.did),
        (_("Verification method"), str(proof.get("verificationMethod") or "—")),
        (_("Signature"), " ".join(str(proof.get(k)) for k in ("type", "cryptosuite") if proof.get(k)) or "—"),
        (_("Signed on"), public_datetime(created) if created else "—"),
    ]
    if status.get("statusListCredential"):
        rows.append(
            (
                _("Status list entry"),
                _("entry %(index)s of %(list)s (%(purpose)s)")
                % {
                    "index": status.get("statusListIndex", "?"),
                    "list": status.get("statusListCredential"),
                    "purpose": status.get("statusPurpose", ""),
                },
            )
        )
    rows.append((_("Standards"), "Open Badges 3.0, W3C Verifiable Credentials 2.0"))
    return rows


def short_url(url: str) -> str:
    """The verification address as printed under the QR code: without the scheme."""
    return url.split("://", 1)[-1]


# Drawing -------------------------------------------------------------------------------------------------------


class _Look:
    """The issuer's colours on this certificate: text only in a colour that reads on white."""

    def __init__(self, credential: IssuedCredential):
        from reportlab.lib import colors

        self.palette = branding.palette_for(credential.issuer.institution)
        readable = branding.contrast_ratio(self.palette.primary, branding.WHITE) >= 4.5
        self.primary = colors.HexColor(self.palette.primary)
        self.accent = colors.HexColor(self.palette.accent)
        self.on_primary = colors.HexColor(self.palette.on_primary)
        self.ink = colors.HexColor(self.palette.primary if readable else branding.INK)
        self.grey = colors.HexColor(GREY)
        self.rule = colors.HexColor(RULE)


def _styles(look: _Look) -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=BOLD),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD, fontSize=7.5, leading=9.5, textColor=look.grey),
        "value": ParagraphStyle("value", parent=body, fontSize=8.5, leading=10.5),
        "heading": ParagraphStyle("heading", parent=centre, fontName=BOLD, fontSize=15, leading=19, textColor=look.ink),
        "kind": ParagraphStyle("kind", parent=centre, fontSize=9.5, leading=12, textColor=look.grey),
        "statement": ParagraphStyle("statement", parent=centre, fontSize=10.5, leading=14),
        "caption": ParagraphStyle("caption", parent=centre, fontSize=7, leading=8.5, textColor=look.grey),
        "sign_name": ParagraphStyle("sign_name", parent=centre, fontName=BOLD, fontSize=9, leading=11),
        "sign_role": ParagraphStyle("sign_role", parent=centre, fontSize=8, leading=10),
        "sign_body": ParagraphStyle("sign_body", parent=centre, fontSize=7, leading=8.5, textColor=look.grey),
        "scan": ParagraphStyle("scan", parent=centre, fontName=BOLD, fontSize=8.5, leading=10.5, textColor=look.ink),
        "url": ParagraphStyle("url", parent=centre, fontSize=6.5, leading=8, textColor=look.grey),
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=14, leading=18, textColor=look.ink),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
            textColor=look.ink,
        ),
        "skills": ParagraphStyle("skills", parent=body, leftIndent=12, textColor=look.grey),
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=look.grey),
    }


def _sized(base, *, text: str, sizes: list[tuple[int, float]], name: str, **extra):
    """A copy of ``base`` whose size falls with the text's length: (up to n characters, size) in order."""
    from reportlab.lib.styles import ParagraphStyle

    size = next((s for limit, s in sizes if len(text) <= limit), sizes[-1][1])
    return ParagraphStyle(name, parent=base, fontSize=size, leading=size * 1.22, **extra)


def _picture(png: bytes, *, max_width: float, max_height: float):
    """A PNG as a flowable that fits the box, its proportions kept."""
    from PIL import Image as PILImage
    from reportlab.platypus import Image

    with PILImage.open(io.BytesIO(png)) as probe:
        width, height = probe.size
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale, mask="auto")


def qr_code(value: str, size: float):
    """The QR code of ``value`` as a drawing ``size`` points a side (vector: it prints sharp)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _seal(look: _Look, size: float = 44):
    """A round mark in the issuer's colours with a tick: it says "sealed", it imitates no one's signature."""
    from reportlab.graphics.shapes import Circle, Drawing, String

    drawing = Drawing(size, size)
    r = size / 2
    drawing.add(Circle(r, r, r - 1, fillColor=look.primary, strokeColor=look.accent, strokeWidth=2))
    drawing.add(Circle(r, r, r - 5, fillColor=None, strokeColor=look.on_primary, strokeWidth=0.6))
    drawing.add(
        String(
            r, r - size * 0.15, "✓", fontName=BOLD, fontSize=size * 0.45, fillColor=look.on_primary, textAnchor="middle"
        )
    )
    return drawing


def _alliance() -> Institution | None:
    return Institution.objects.filter(is_alliance=True).first()


def _logos(credential: IssuedCredential, styles: dict, width: float):
    """The alliance's logo and the issuer's, each with its name under it (one logo when the alliance issues)."""
    from reportlab.platypus import Table, TableStyle

    issuer_institution = credential.issuer.institution
    alliance = _alliance()
    shown = [i for i in (alliance, issuer_institution) if i is not None]
    if alliance is not None and alliance.pk == issuer_institution.pk:
        shown = [alliance]
    cells = [
        [_picture(branding.logo_png(i), max_width=120, max_height=44), paragraph(i.name, styles["caption"])]
        for i in shown
    ]
    column = min(width / len(cells), 230)
    table = Table([cells], colWidths=[column] * len(cells), hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _key_table(credential: IssuedCredential, styles: dict, look: _Look, width: float):
    """The key Annex 1 elements in two columns of label and value."""
    from reportlab.platypus import Table, TableStyle

    items = [
        (paragraph(label, styles["label"]), paragraph(value, styles["value"]))
        for label, value in key_elements(credential)
        if value and value != "—"  # what does not apply is left to page 2
    ]
    half = (len(items) + 1) // 2
    rows = []
    for i in range(half):
        left = items[i]
        right = items[i + half] if i + half < len(items) else ("", "")
        rows.append([left[0], left[1], right[0], right[1]])
    label_width = width * 0.14
    value_width = width * 0.5 - label_width
    table = Table(rows, colWidths=[label_width, value_width, label_width, value_width], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, look.primary),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, look.rule),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (2, 0), (2, -1), 14),
            ]
        )
    )
    return table


def standing_words(credential: IssuedCredential) -> tuple[str, str] | None:
    """(the word across the pages, the sentence of page 1's band) for a revoked or expired credential; None while
    it is valid."""
    standing = credential.standing()
    if standing == REVOKED:
        sentence = _("This credential was revoked by %(issuer)s on %(date)s.") % {
            "issuer": credential.issuer.name,
            "date": public_date(credential.revoked_at),
        }
    elif standing == EXPIRED:
        sentence = _("This credential expired on %(date)s.") % {"date": public_date(credential.valid_until)}
    else:
        return None
    # The same word as across its badge (catalogue.badges), in the language the PDF is asked in.
    return badges.standing_word(standing), f"{sentence} {_('This certificate is no longer valid.')}"


def _standing_band(sentence: str, width: float):
    """Page 1's band for a certificate that is no longer valid: white bold text on the warning colour."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    style = ParagraphStyle("band", fontName=BOLD, fontSize=10.5, leading=13, alignment=TA_CENTER, textColor="#ffffff")
    band = Table([[paragraph(one_line(drawable(sentence)), style)]], colWidths=[width])
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), badges.WARNING),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return band


def _front(credential: IssuedCredential, styles: dict, look: _Look, width: float) -> list:
    """Page 1 above the signatures: logos, heading, name, title, statement, key elements."""
    from reportlab.platypus import Spacer

    name = one_line(drawable(credential.learner_name))
    title = one_line(drawable(credential.title))
    name_style = _sized(
        styles["heading"],
        text=name,
        sizes=[(36, 30), (60, 24), (110, 18), (10**9, 14)],
        name="name",
        textColor="#111111",
    )
    title_style = _sized(
        styles["heading"], text=title, sizes=[(60, 19), (120, 15.5), (200, 13), (10**9, 11)], name="title"
    )
    standing = standing_words(credential)
    story = [_standing_band(standing[1], width), Spacer(1, 6)] if standing else []
    story += [
        _logos(credential, styles, width),
        Spacer(1, 8),
        paragraph(heading(credential).upper(), styles["heading"]),
    ]
    kind = kind_label(credential)
    if kind:
        story.append(paragraph(kind, styles["kind"]))
    story += [
        Spacer(1, 10),
        paragraph(name, name_style),
        Spacer(1, 6),
        paragraph(title, title_style),
        Spacer(1, 6),
        paragraph(statement(credential), styles["statement"]),
        Spacer(1, 10),
        _key_table(credential, styles, look, width),
    ]
    return story


def _signatory_cell(signatory: IssuerSignatory | None, credential: IssuedCredential, styles: dict, look: _Look):
    """One signatory: the signature picture (or room to sign, never an invented one) above a line, the name,
    the role and the issuer. None: the issuer's seal and "Digitally signed and sealed"."""
    from reportlab.platypus import Spacer, Table, TableStyle

    if signatory is None:
        rows = [
            [_seal(look)],
            [paragraph(_("Digitally signed and sealed"), styles["sign_name"])],
            [paragraph(credential.issuer.name, styles["sign_role"])],
            [paragraph(_("Signed with the issuer's key: the QR code opens the check."), styles["sign_body"])],
        ]
        table = Table(rows, colWidths=[200])
        table.setStyle(
            TableStyle(
                [
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return table
    picture = (
        _picture(bytes(signatory.signature), max_width=150, max_height=42) if signatory.has_signature else Spacer(1, 42)
    )
    rows = [
        [picture],
        [paragraph(signatory.name, styles["sign_name"])],
        [paragraph(signatory.title, styles["sign_role"])],
        [paragraph(credential.issuer.name, styles["sign_body"])],
    ]
    table = Table(rows, colWidths=[180], rowHeights=[46, None, None, None])
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
                ("LINEABOVE", (0, 1), (0, 1), 0.6, look.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _bottom(credential: IssuedCredential, styles: dict, look: _Look, width: float, url: str) -> list:
    """Page 1's last row: the signatories (or the seal) and the QR code."""
    from reportlab.platypus import Table, TableStyle

    # Those in office on the day it was awarded, not today's: printed after a handover, it names who awarded it.
    signatories = signatories_shown(credential.issuer, on=credential.awarded_on) or [None]
    cells = [_signatory_cell(s, credential, styles, look) for s in signatories]
    qr = Table(
        [
            [qr_code(url, 76)],
            [paragraph(_("Scan to verify"), styles["scan"])],
            [paragraph(short_url(url), styles["url"])],
        ],
        colWidths=[QR_COLUMN - 10],
    )
    qr.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    signing_width = width - QR_COLUMN
    row = Table(
        [[*cells, qr]],
        colWidths=[signing_width / len(cells)] * len(cells) + [QR_COLUMN],
    )
    row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return [row]


def _details(credential: IssuedCredential, styles: dict, look: _Look, width: float, url: str) -> list:
    """Page 2 and after: every Annex 1 element, the outcomes and skills, the technical data, how to verify."""
    from reportlab.platypus import Table, TableStyle

    def table(rows):
        cells = [[paragraph(label, styles["bold"]), paragraph(value, styles["body"])] for label, value in rows]
        made = Table(cells, colWidths=[width * 0.26, width * 0.74], splitInRow=1)  # a long text goes on
        made.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, look.rule)])
        )
        return made

    story = [
        paragraph(credential.title, styles["h1"]),
        paragraph(
            _("Awarded to %(name)s by %(issuer)s.")
            % {"name": credential.learner_name, "issuer": credential.issuer.name},
            styles["body"],
        ),
        paragraph(_("What this micro-credential certifies"), styles["h2"]),
        table(annex1_rows(credential)),
    ]
    if credential.learning_outcomes:
        story.append(paragraph(_("Learning outcomes and ESCO skills"), styles["h2"]))
    for number, outcome in enumerate(credential.learning_outcomes, start=1):
        skills = ", ".join(s.label for s in outcome.esco_skills)
        story.append(paragraph(f"{number}. {outcome.text}", styles["body"]))
        if skills:
            story.append(paragraph(_("ESCO skills: %(skills)s") % {"skills": skills}, styles["skills"]))
    story += [
        paragraph(_("Technical data"), styles["h2"]),
        table(technical_rows(credential)),
        paragraph(_("How to verify"), styles["h2"]),
        paragraph(
            _(
                "Verify this certificate: scan the QR code or open %(url)s. The credential is signed by "
                "its issuer (Open Badges 3.0, W3C Verifiable Credentials); the verification page shows "
                "whether it is valid today."
            )
            % {"url": url},
            styles["body"],
        ),
        paragraph(
            _(
                "This printout is not the proof: the signed credential is. Its holder can also share the signed "
                "credential (JSON) or the badge image, which any Open Badges 3.0 verifier checks."
            ),
            styles["body"],
        ),
        paragraph(_("This service uses the ESCO classification of the European Commission."), styles["small"]),
    ]
    return story


def _raised(flowable):
    """``flowable`` placed a little above the middle of the room it is given (page 1's front), not at its top."""
    from reportlab.platypus import Flowable

    class Raised(Flowable):
        def wrap(self, available_width, available_height):
            width, height = flowable.wrapOn(self.canv, available_width, available_height)
            self.height_used = height
            self.top = max(0.0, (available_height - height) / 2.5)
            return width, height + self.top

        def draw(self):
            flowable.drawOn(self.canv, 0, 0)

    return Raised()


def _frame_drawer(look: _Look, *, front: bool, footer: str, across: str = ""):
    """The page's frame (a band in the main colour, a fine line in the accent), after page 1 its footer, and
    ``across`` (REVOKED, EXPIRED) written large and faint across the page, under its content."""

    def draw(canvas, doc):
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setViewerPreference("DisplayDocTitle", "true")
        if across:
            canvas.saveState()
            canvas.setFillColor(badges.WARNING)
            canvas.setFillAlpha(0.13)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(28)
            size = min(110.0, 0.95 * width / max(1.0, canvas.stringWidth(across, BOLD, 1)))
            canvas.setFont(BOLD, size)
            canvas.drawCentredString(0, -size / 3, across)
            canvas.restoreState()
        if front:
            canvas.setStrokeColor(look.primary)
            canvas.setLineWidth(OUTER_WIDTH)
            canvas.rect(OUTER_INSET, OUTER_INSET, width - 2 * OUTER_INSET, height - 2 * OUTER_INSET)
            canvas.setStrokeColor(look.accent)
            canvas.setLineWidth(INNER_LINE)
            canvas.rect(INNER_INSET, INNER_INSET, width - 2 * INNER_INSET, height - 2 * INNER_INSET)
            # corner marks in the main colour
            canvas.setFillColor(look.primary)
            for x, y in (
                (INNER_INSET, INNER_INSET),
                (width - INNER_INSET, INNER_INSET),
                (INNER_INSET, height - INNER_INSET),
                (width - INNER_INSET, height - INNER_INSET),
            ):
                canvas.circle(x, y, 3.2, stroke=0, fill=1)
        else:
            canvas.setStrokeColor(look.primary)
            canvas.setLineWidth(2)
            canvas.line(MARGIN, height - MARGIN + 14, width - MARGIN, height - MARGIN + 14)
            canvas.setFont(FONT, 7)
            canvas.setFillColor(look.grey)
            canvas.drawString(MARGIN, MARGIN - 22, footer)
            canvas.drawRightString(width - MARGIN, MARGIN - 22, _("Page %(n)s") % {"n": number_format(doc.page)})
        canvas.restoreState()

    return draw


def first_page(credential: IssuedCredential, look: _Look | None = None, styles: dict | None = None, url: str = ""):
    """Page 1 as two blocks, (front, signing row), each fitted into its part of the page: whatever the length of
    a name or a title, the text wraps inside its column, then the block shrinks to fit, never spilling over."""
    from reportlab.platypus import KeepInFrame

    look = look or _Look(credential)
    styles = styles or _styles(look)
    url = url or verification_url(credential)
    front = KeepInFrame(CONTENT_WIDTH, FRONT_HEIGHT, _front(credential, styles, look, CONTENT_WIDTH), mode="shrink")
    signing = KeepInFrame(
        CONTENT_WIDTH,
        SIGNING_HEIGHT,
        _bottom(credential, styles, look, CONTENT_WIDTH, url),
        mode="shrink",
        vAlign="BOTTOM",
    )
    return front, signing


def certificate_pdf(credential: IssuedCredential) -> bytes:
    """The PDF certificate: page 1 a certificate, then every Annex 1 element and the technical data."""
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        FrameBreak,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
    )

    look = _Look(credential)
    styles = _styles(look)
    url = verification_url(credential)
    width = PAGE_WIDTH - 2 * MARGIN
    main = Frame(MARGIN, MARGIN + BOTTOM_ROW, width, PAGE_HEIGHT - 2 * MARGIN - BOTTOM_ROW, id="main")
    bottom = Frame(MARGIN, MARGIN, width, BOTTOM_ROW, id="bottom")
    details = Frame(MARGIN, MARGIN, width, PAGE_HEIGHT - 2 * MARGIN, id="details")
    footer = one_line(drawable(f"{credential.issuer.name} · {credential.credential_id}"))
    standing = standing_words(credential)
    across = one_line(drawable(standing[0])) if standing else ""
    title = f"{heading(credential)}: {credential.title} — {credential.learner_name}"
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        initialFontName=FONT,
        title=one_line(drawable(f"{across}: {title}" if across else title)),
        author=one_line(drawable(credential.issuer.name)),
        subject=one_line(drawable(statement(credential))),
        keywords=[_("micro-credential"), "Open Badges 3.0", "European Learning Model"],
        creator="microcred",
        lang=get_language() or settings.LANGUAGE_CODE,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="certificate",
                frames=[main, bottom],
                onPage=_frame_drawer(look, front=True, footer=footer, across=across),
            ),
            PageTemplate(
                id="details", frames=[details], onPage=_frame_drawer(look, front=False, footer=footer, across=across)
            ),
        ]
    )
    front, signing = first_page(credential, look, styles, url)
    story = [
        _raised(front),
        FrameBreak(),
        signing,
        NextPageTemplate("details"),
        PageBreak(),
        *_details(credential, styles, look, CONTENT_WIDTH, url),
    ]
    doc.build(story)
    return buffer.getvalue()
