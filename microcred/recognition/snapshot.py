"""The Annex 1 elements of the credential a request is about, kept with the request (policy Appendix 1): title,
issuer, ECTS, EQF level, learning outcomes, type of assessment and date.

For one of ours they come from the approved record of the micro-credential version it was issued for
(`catalogue.annex.AnnexOne`); for another issuer's credential, from its signed data as our verifier read it (the
verification report's content), since nothing else about it can be trusted.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from microcred.proposals.choices import AssessmentType

_EQF_URL = re.compile(r"/eqf/(\d)\b")
_EQF_NAME = re.compile(r"\bEQF\b\D*(\d)\b", re.IGNORECASE)


def _ects(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def of_ours(credential) -> dict:
    """The snapshot of one of our credentials."""
    version = credential.micro_credential_version
    snapshot = {
        "title": version.title if version else "",
        "issuer": credential.issuer.name,
        "ects": None,
        "eqf_level": None,
        "learning_outcomes": [],
        "assessment_types": [],
        "assessment": [],
        "awarded_on": credential.awarded_on.isoformat() if credential.awarded_on else "",
        "credential_id": credential.credential_id,
        "ours": True,
    }
    if version is not None:
        annex = version.annex
        snapshot.update(
            ects=_ects(annex.workload.ects),
            eqf_level=version.eqf_level or annex.eqf_level,
            learning_outcomes=list(annex.outcome_texts),
            assessment_types=list(annex.assessment_types),
        )
    return snapshot


def _eqf_level(alignments: list[dict]) -> int | None:
    for alignment in alignments:
        if "eqf" not in (alignment.get("framework", "") + alignment.get("url", "")).lower():
            continue
        for pattern, text in ((_EQF_URL, alignment.get("url", "")), (_EQF_NAME, alignment.get("name", ""))):
            match = pattern.search(text or "")
            if match and 1 <= int(match.group(1)) <= 8:
                return int(match.group(1))
    return None


def _outcomes(criteria: str, description: str) -> list[str]:
    """The learning outcomes a credential states in its criteria ("Learning outcomes:" and a list), if any."""
    text = criteria or ""
    marker = text.lower().find("learning outcomes")
    if marker >= 0:
        lines = text[marker:].splitlines()[1:]
        found = [line.strip()[2:].strip() for line in lines if line.strip().startswith(("- ", "* "))]
        if found:
            return found[:50]
    return []


def of_report(report, *, ours=None) -> dict:
    """The snapshot of a verified credential: one of ours from its micro-credential version's approved record; another
    issuer's (or one of ours awarded for something else, such as a pathway) from its signed data."""
    if ours is not None and ours.micro_credential_version_id:
        return of_ours(ours)
    content = report.content or {}
    alignments = content.get("alignments") or []
    return {
        "title": content.get("title") or report.title,
        "issuer": content.get("issuer") or report.issuer_name,
        "issuer_id": report.issuer_id,
        "ects": _ects(content.get("credits")),
        "eqf_level": _eqf_level(alignments),
        "learning_outcomes": _outcomes(content.get("criteria", ""), content.get("description", "")),
        "assessment_types": [],
        "assessment": [],
        "description": (content.get("description") or "")[:2000],
        "criteria": (content.get("criteria") or "")[:2000],
        "awarded_on": (content.get("valid_from") or "")[:10],
        "credential_id": report.credential_id,
        "ours": ours is not None,
    }


def rows(snapshot: dict) -> list[tuple[str, str, list[str]]]:
    """(label, text, items) of each element, in the reader's language: a list (the outcomes) is in items."""
    labels = dict(AssessmentType.choices)
    assessment = [str(labels.get(code, code)) for code in snapshot.get("assessment_types") or []]
    assessment += list(snapshot.get("assessment") or [])
    ects = snapshot.get("ects")
    eqf = snapshot.get("eqf_level")
    outcomes = [str(o) for o in snapshot.get("learning_outcomes") or []]
    return [
        (_("Title"), snapshot.get("title") or "—", []),
        (_("Issuer"), snapshot.get("issuer") or "—", []),
        (_("Notional workload"), _("%(ects)s ECTS credits") % {"ects": ects} if ects else _("No ECTS stated"), []),
        (_("Level"), _("EQF level %(n)s") % {"n": eqf} if eqf else _("No EQF level stated"), []),
        (_("Learning outcomes"), "" if outcomes else _("Not stated in the credential"), outcomes),
        (_("Type of assessment"), ", ".join(assessment) or _("Not stated in the credential"), []),
        (_("Date of issue"), snapshot.get("awarded_on") or "—", []),
        (_("Credential"), snapshot.get("credential_id") or "—", []),
    ]
