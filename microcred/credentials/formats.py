"""Every format a learner gets for one issued credential (docs/product-rules.md): JSON, baked PNG and SVG, PDF.

The JSON is the signed credential itself; the PNG and SVG carry it baked in (Open Badges 3.0 §5.3), so anyone
can verify the image; the PDF says every Annex 1 element in plain language, lists the ESCO skills
and has a QR code to the credential's public verification page.
"""

from __future__ import annotations

import io
import json

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.core.dates import public_date
from microcred.core.pdf import paragraph, register_fonts
from microcred.core.text import drawable, one_line
from microcred.credentials import badge_images
from microcred.credentials.models import IssuedCredential
from microcred.proposals.choices import AssessmentType, CredentialType, FormOfParticipation, Kind, Language


def verification_url(credential: IssuedCredential) -> str:
    return settings.PUBLIC_BASE_URL + reverse("credentials:public", args=[credential.uuid])


def credential_json(credential: IssuedCredential) -> bytes:
    return json.dumps(credential.document, ensure_ascii=False, indent=2).encode("utf-8")


def badge_png(credential: IssuedCredential) -> bytes:
    """The credential's badge (the catalogue's design, with the learner's name), the signed credential baked in."""
    return badge_images.baked_png(credential)


def badge_svg(credential: IssuedCredential) -> str:
    """The badge as SVG, built as an XML tree (so every value is escaped by the serialiser, attributes
    included), with the signed credential baked in."""
    return badge_images.baked_svg(credential)


def _plain(values, choices) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or []) or "—"


def _yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def annex1_rows(credential: IssuedCredential) -> list[tuple[str, str]]:
    """Every Annex 1 element of the award, in plain language (also used by the pages)."""
    version = credential.micro_credential_version
    if version is None:
        return _achievement_rows(credential)
    annex = version.annex
    bodies = "; ".join(f"{b.name} ({b.country})" for b in annex.awarding_bodies)
    ects = annex.workload.ects
    rows = [
        (_("Learner"), credential.learner_name),
        (_("Title"), version.title),
        (_("Awarding body or bodies, and country"), bodies),
        (_("Issued by"), f"{credential.issuer.name} ({credential.issuer.did})"),
        (_("Date of issue"), public_date(credential.awarded_on)),
        (_("Kind"), str(dict(Kind.choices).get(annex.kind, ""))),
        (_("Credential type"), str(dict(CredentialType.choices).get(annex.credential_type, ""))),
        (
            _("Notional workload"),
            _("%(ects)s ECTS credits") % {"ects": floatformat(ects, -1)} if ects else _("No ECTS (non-formal)"),
        ),
        (_("Level"), _("EQF level %(n)s") % {"n": annex.eqf_level} if annex.eqf_level else "—"),
        (_("Type of assessment"), _plain(annex.assessment_types, AssessmentType)),
        (_("Form of participation"), _plain(annex.forms_of_participation, FormOfParticipation)),
        (_("Type of quality assurance"), annex.quality_assurance or "—"),
        (_("Languages"), _plain(annex.languages, Language)),
        (_("Grade"), credential.grade or "—"),
        (_("Supervision of assessment"), _yes_no(annex.supervised_assessment)),
        (_("Identity verification"), _yes_no(annex.identity_verified)),
        (_("Prerequisites"), annex.prerequisites or "—"),
        (_("Stackability"), annex.stackability or "—"),
    ]
    if annex.completion_criteria:
        rows.append((_("Completion criteria"), annex.completion_criteria))
    return rows


def _achievement_rows(credential: IssuedCredential) -> list[tuple[str, str]]:
    """What a credential for something other than a micro-credential (a completed pathway) certifies, read from
    its signed document: its achievement, credits, criteria and the credentials it is made of (its evidence)."""
    subject = credential.document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    credits = subject.get("creditsEarned")
    parts = "; ".join(str(e.get("name") or e.get("id")) for e in credential.document.get("evidence") or [])
    return [
        (_("Learner"), credential.learner_name),
        (_("Title"), credential.title),
        (_("Description"), str(achievement.get("description") or "—")),
        (_("Issued by"), f"{credential.issuer.name} ({credential.issuer.did})"),
        (_("Date of issue"), public_date(credential.awarded_on)),
        (_("Notional workload"), _("%(ects)s ECTS credits") % {"ects": floatformat(credits, -1)} if credits else "—"),
        (_("Completion criteria"), str((achievement.get("criteria") or {}).get("narrative") or "—")),
        (_("Made up of"), parts or "—"),
    ]


def _pdf_styles() -> dict:
    """The certificate's paragraph styles (DejaVu, which draws every script the platform's languages use)."""
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontName="DejaVuSans", fontSize=9.5, leading=12.5)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    return {
        "body": body,
        "bold": bold,
        "title": ParagraphStyle(
            "title", parent=body, fontName="DejaVuSans-Bold", fontSize=20, leading=25, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", parent=bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
        "skills": ParagraphStyle("skills", parent=body, leftIndent=12, textColor="#4a5360"),
        "small": ParagraphStyle("small", parent=body, fontSize=8, textColor="#4a5360"),
    }


def _pdf_header(credential: IssuedCredential, styles: dict, url: str):
    """What is certified, to whom and by whom, beside the QR code of the verification page."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import cm
    from reportlab.platypus import Table, TableStyle

    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 3.6 * cm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    header = Table(
        [
            [
                [
                    paragraph(_("Certificate of a micro-credential"), styles["bold"]),
                    paragraph(credential.title, styles["title"]),
                    paragraph(_("awarded to %(name)s") % {"name": credential.learner_name}, styles["h2"]),
                    paragraph(_("by %(issuer)s") % {"issuer": credential.issuer.name}, styles["body"]),
                ],
                drawing,
            ]
        ],
        colWidths=[13 * cm, 4 * cm],
        splitInRow=1,
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return header


def _pdf_elements(credential: IssuedCredential, styles: dict) -> list:
    """Every Annex 1 element in plain language, then the learning outcomes with their ESCO skills."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Table, TableStyle

    rows = [
        [paragraph(label, styles["bold"]), paragraph(value, styles["body"])] for label, value in annex1_rows(credential)
    ]
    table = Table(rows, colWidths=[5 * cm, 12 * cm], splitInRow=1)  # a long text may go on the next page
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d1dc"))]
        )
    )
    story = [paragraph(_("What this micro-credential certifies"), styles["h2"]), table]
    if credential.learning_outcomes:
        story.append(paragraph(_("Learning outcomes and ESCO skills"), styles["h2"]))
    for number, outcome in enumerate(credential.learning_outcomes, start=1):
        skills = ", ".join(s.label for s in outcome.esco_skills)
        story.append(paragraph(f"{number}. {outcome.text}", styles["body"]))
        if skills:
            story.append(paragraph(_("ESCO skills: %(skills)s") % {"skills": skills}, styles["skills"]))
    return story


def _pdf_footer(credential: IssuedCredential, styles: dict, url: str) -> list:
    """How to verify it, the credential's identifier, and the ESCO notice."""
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer

    return [
        Spacer(1, 0.4 * cm),
        paragraph(
            _(
                "Verify this certificate: scan the QR code or open %(url)s. The credential is signed by "
                "its issuer (Open Badges 3.0, W3C Verifiable Credentials); the verification page shows "
                "whether it is valid today."
            )
            % {"url": url},
            styles["body"],
        ),
        paragraph(_("Credential identifier: %(id)s") % {"id": credential.document.get("id", "")}, styles["body"]),
        paragraph(_("This service uses the ESCO classification of the European Commission."), styles["small"]),
    ]


def certificate_pdf(credential: IssuedCredential) -> bytes:
    """The PDF certificate: every Annex 1 element in plain language and a QR code to the verification page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=one_line(drawable(f"{credential.title} — {credential.learner_name}")),  # metadata: one line of text
        author=one_line(drawable(credential.issuer.name)),
        subject=_("Micro-credential certificate"),
        lang=settings.LANGUAGE_CODE,
    )
    url = verification_url(credential)
    story = [_pdf_header(credential, styles, url), Spacer(1, 0.3 * cm)]
    story += _pdf_elements(credential, styles)
    story += _pdf_footer(credential, styles, url)
    doc.build(story)
    return buffer.getvalue()
