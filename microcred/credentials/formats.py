"""Every format a learner gets for one issued credential (docs/product-rules.md): JSON, baked PNG and SVG, PDF.

The JSON is the signed credential itself; the PNG and SVG carry it baked in (Open Badges 3.0 §5.3), so anyone
can verify the image; the PDF says every Annex 1 element in plain language, lists the ESCO skills
and has a QR code to the credential's public verification page.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.core.dates import public_date
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


def annex1_rows(credential: IssuedCredential, *, with_identifiers: bool = True) -> list[tuple[str, str]]:
    """Every Annex 1 element of the award, in plain language (also used by the pages). ``with_identifiers``
    False: the issuer by name only (the pages keep its DID in their technical details)."""
    version = credential.micro_credential_version
    issued_by = f"{credential.issuer.name} ({credential.issuer.did})" if with_identifiers else credential.issuer.name
    if version is None:
        return _achievement_rows(credential, issued_by)
    annex = version.annex
    bodies = "; ".join(f"{b.name} ({b.country})" for b in annex.awarding_bodies)
    ects = annex.workload.ects
    rows = [
        (_("Learner"), credential.learner_name),
        (_("Title"), version.title),
        (_("Awarding body or bodies, and country"), bodies),
        (_("Issued by"), issued_by),
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


def _achievement_rows(credential: IssuedCredential, issued_by: str) -> list[tuple[str, str]]:
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
        (_("Issued by"), issued_by),
        (_("Date of issue"), public_date(credential.awarded_on)),
        (_("Notional workload"), _("%(ects)s ECTS credits") % {"ects": floatformat(credits, -1)} if credits else "—"),
        (_("Completion criteria"), str((achievement.get("criteria") or {}).get("narrative") or "—")),
        (_("Made up of"), parts or "—"),
    ]


def certificate_pdf(credential: IssuedCredential) -> bytes:
    """The PDF certificate: A4 landscape, page 1 designed as a certificate (logos, the issuer's colours and
    signatories, a plain-language statement, the key Annex 1 elements, the QR code of the verification page),
    then every Annex 1 element, the ESCO skills and the technical data (credentials/certificate.py)."""
    from microcred.credentials.certificate import certificate_pdf as designed

    return designed(credential)
