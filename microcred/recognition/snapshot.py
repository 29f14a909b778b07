"""The Annex 1 elements of the credential a request is about, kept with the request (policy Appendix 1): title,
issuer, ECTS, EQF level, learning outcomes, type of assessment and date.

For one of ours they come from the approved record of the micro-credential version it was issued for
(`catalogue.annex.AnnexOne`); for another issuer's credential, from its signed data as our verifier read it (the
verification report's content), since nothing else about it can be trusted.
"""

from __future__ import annotations

import re

from django.core.exceptions import ObjectDoesNotExist
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


def _pathway_components(credential) -> list[dict]:
    """For one of our pathway credentials: the snapshots of the component credentials that completed the pathway
    (in the order the award names them), or [] for any other credential."""
    try:
        award = credential.pathway_award
    except (AttributeError, ObjectDoesNotExist):
        return []
    pks = [pk for pk in award.evidence or [] if isinstance(pk, int)]
    held = {
        c.pk: c
        for c in type(credential)
        .objects.filter(pk__in=pks)
        .select_related("issuer", "micro_credential_version__awarding_institution")
    }
    return [of_ours(held[pk]) for pk in pks if pk in held and held[pk].micro_credential_version_id]


def of_report(report, *, ours=None) -> dict:
    """The snapshot of a verified credential: one of ours from its micro-credential version's approved record; another
    issuer's (or one of ours awarded for something else, such as a pathway) from its signed data. For one of our
    pathway credentials, the learning outcomes and types of assessment are those of its component credentials, which
    are listed too (title, ECTS, EQF level, issuer): the officer sees what the pathway is made of."""
    if ours is not None and ours.micro_credential_version_id:
        return of_ours(ours)
    snapshot = _from_signed_data(report, ours=ours)
    components = _pathway_components(ours) if ours is not None else []
    if components:
        snapshot["components"] = [
            {k: c[k] for k in ("title", "issuer", "ects", "eqf_level", "awarded_on", "credential_id")}
            for c in components
        ]
        snapshot["learning_outcomes"] = [o for c in components for o in c["learning_outcomes"]][:50]
        snapshot["assessment_types"] = list(dict.fromkeys(t for c in components for t in c["assessment_types"]))
        levels = {c["eqf_level"] for c in components}
        if snapshot["eqf_level"] is None and len(levels) == 1 and None not in levels:
            snapshot["eqf_level"] = levels.pop()  # every component at the same level: the pathway is at it too
    return snapshot


def _from_signed_data(report, *, ours=None) -> dict:
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
    parts = [_component_line(c) for c in snapshot.get("components") or []]
    return [
        (_("Title"), snapshot.get("title") or "—", []),
        (_("Issuer"), snapshot.get("issuer") or "—", []),
        (_("Notional workload"), _("%(ects)s ECTS credits") % {"ects": ects} if ects else _("No ECTS stated"), []),
        (_("Level"), _("EQF level %(n)s") % {"n": eqf} if eqf else _("No EQF level stated"), []),
        (_("Learning outcomes"), "" if outcomes else _("Not stated in the credential"), outcomes),
        (_("Type of assessment"), ", ".join(assessment) or _("Not stated in the credential"), []),
        # A pathway credential of ours: what it is made of.
        *([(_("Made of (component credentials)"), "", parts)] if parts else []),
        (_("Date of issue"), snapshot.get("awarded_on") or "—", []),
        (_("Credential"), snapshot.get("credential_id") or "—", []),
    ]


def _component_line(component: dict) -> str:
    facts = [component.get("issuer") or ""]
    if component.get("ects"):
        facts.append(_("%(ects)s ECTS credits") % {"ects": component["ects"]})
    if component.get("eqf_level"):
        facts.append(_("EQF level %(n)s") % {"n": component["eqf_level"]})
    if component.get("awarded_on"):
        facts.append(component["awarded_on"])
    return f"{component.get('title') or '—'} ({', '.join(f for f in facts if f)})"
