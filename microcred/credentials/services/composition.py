"""Composing the unsigned OpenBadgeCredential of a completion (docs/interoperability.md; Annex 1 → OB 3.0 in README)."""

from __future__ import annotations

import copy
import hashlib
import secrets
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from microcred import vc
from microcred.credentials.models import Issuer
from microcred.credentials.vocabulary import (
    CREDENTIAL_CONTEXTS,
    EXTENSION_SCHEMA_URL,
    OB_SCHEMA_URL,
    SCHEMA_VALIDATOR_TYPE,
)
from microcred.proposals.choices import AssessmentType, CredentialType, FormOfParticipation, Kind
from microcred.reference.models import EqfLevel, Institution, IscedField

ESCO_FRAMEWORK = "ESCO"
EQF_FRAMEWORK = "European Qualifications Framework (EQF)"
ISCED_FRAMEWORK = "ISCED-F 2013"


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex(SHA-256(UTF-8(value + salt)))."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _number(value):
    """ECTS and hours as JSON numbers: integral values as int (Python and JavaScript agree on those)."""
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _datetime_stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return vc.format_datetime(value)
    return f"{value.isoformat()}T00:00:00Z"


def _label(choices, code: str) -> str:
    try:
        with translation.override("en"):
            return str(choices(code).label)
    except ValueError:
        return str(code)


def _clean(value):
    """Drop None, empty strings and empty lists/dicts (OB serialization: omit nulls and empty arrays)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        cleaned = [_clean(v) for v in value]
        return [v for v in cleaned if v not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    return value


def _unique(values) -> list:
    seen, out = set(), []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


def achievement_id(version) -> str:
    """Stable URL of the approved micro-credential version the credential points to."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    slug, number = version.micro_credential.slug, version.number
    try:
        path = reverse("catalogue:version", kwargs={"slug": slug, "number": number})
    except NoReverseMatch:
        path = f"/catalogue/{slug}/v{number}/"
    return base + path


def institution_profile(institution: Institution | None, *, name: str = "", country: str = "", country_code: str = ""):
    """A Profile for a (co-)awarding institution: its issuer DID if it has one, else its web site."""
    profile: dict = {"type": ["Profile"], "name": institution.name if institution else name}
    issuer = getattr(institution, "issuer", None) if institution else None
    if issuer is not None:
        profile["id"] = issuer.did
    elif institution is not None and institution.domain:
        profile["id"] = f"https://{institution.domain}"
    if institution is not None and institution.domain:
        profile["url"] = f"https://{institution.domain}"
    country = institution.country if institution else country
    country_code = institution.country_code if institution else country_code
    address = {"type": ["Address"], "addressCountry": country, "addressCountryCode": (country_code or "").upper()}
    profile["address"] = address
    return _clean(profile)


def _esco_alignments(version, annex1: dict) -> list[dict]:
    skills: dict[str, str] = {}
    for outcome in annex1.get("learning_outcomes") or []:
        for skill in outcome.get("esco_skills") or []:
            if skill.get("uri"):
                skills.setdefault(skill["uri"], skill.get("label") or skill["uri"])
    if version.pk:
        for skill in version.skills.all():
            skills.setdefault(skill.uri, skill.preferred_label)
    return [
        {
            "type": ["Alignment"],
            "targetName": label,
            "targetUrl": uri,
            "targetFramework": ESCO_FRAMEWORK,
            "targetCode": uri.rstrip("/").rsplit("/", 1)[-1],
        }
        for uri, label in skills.items()
    ]


def _eqf_alignment(level: int | None) -> list[dict]:
    if not level:
        return []
    row = EqfLevel.objects.filter(level=level).first()
    return [
        {
            "type": ["Alignment"],
            "targetName": f"EQF level {level}",
            "targetUrl": row.uri if row else f"http://data.europa.eu/snb/eqf/{level}",
            "targetFramework": EQF_FRAMEWORK,
            "targetCode": str(level),
        }
    ]


def _isced_alignments(annex1: dict) -> tuple[list[dict], str]:
    codes = []
    for item in annex1.get("isced_fields") or ([annex1["isced_field"]] if annex1.get("isced_field") else []):
        codes.append(item.get("code") if isinstance(item, dict) else str(item))
    rows = {row.code: row for row in IscedField.objects.filter(code__in=[c for c in codes if c])}
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": rows[code].label,
            "targetUrl": rows[code].uri,
            "targetFramework": ISCED_FRAMEWORK,
            "targetCode": code,
        }
        for code in codes
        if code in rows
    ]
    field_of_study = rows[codes[0]].label if codes and codes[0] in rows else ""
    return alignments, field_of_study


def _criteria_narrative(annex1: dict, outcomes: list[str]) -> str:
    parts = []
    if annex1.get("completion_criteria"):
        parts.append(str(annex1["completion_criteria"]).strip())
    if outcomes:
        parts.append("Learning outcomes:\n\n" + "\n".join(f"- {text}" for text in outcomes))
    return "\n\n".join(parts)


def _achievement(version, annex1: dict, grade: str | None) -> dict:
    outcomes = _unique(str(o.get("text", "")).strip() for o in annex1.get("learning_outcomes") or [])
    workload = annex1.get("workload") or {}
    ects = version.ects if version.ects is not None else workload.get("ects")
    eqf_level = version.eqf_level or annex1.get("eqf_level")
    isced, field_of_study = _isced_alignments(annex1)
    kind = annex1.get("kind") or version.kind
    credential_type = annex1.get("credential_type") or version.credential_type
    languages = _unique(str(code).strip().lower() for code in annex1.get("languages") or [])
    bodies = annex1.get("awarding_bodies") or []
    co_leads = []
    for body in bodies:
        if body.get("role") != "co-lead":
            continue
        institution = Institution.objects.filter(name=body.get("name")).select_related("issuer").first()
        co_leads.append(
            institution_profile(
                institution,
                name=body.get("name", ""),
                country=body.get("country", ""),
                country_code=body.get("country_code", ""),
            )
        )
    awarding = version.awarding_institution

    achievement_url = achievement_id(version)
    achievement = {
        "id": achievement_url,
        "type": ["Achievement"],
        "achievementType": "Badge" if credential_type == CredentialType.PARTICIPATION_BADGE else "MicroCredential",
        "name": annex1.get("title") or version.title,
        "description": annex1.get("description") or annex1.get("title") or version.title,
        "criteria": {"narrative": _criteria_narrative(annex1, outcomes)},
        "creator": institution_profile(awarding),
        "version": str(version.number),
        "inLanguage": languages[0] if languages else None,
        "fieldOfStudy": field_of_study,
        "creditsAvailable": _number(ects),
        "alignment": _esco_alignments(version, annex1) + _eqf_alignment(eqf_level) + isced,
        # Extension (https://w3id.org/microcred/v1): the Annex 1 elements OB 3.0 has no property for.
        "learningSetting": "formal" if kind == Kind.FORMAL else "non-formal",
        "learningOutcome": outcomes,
        "ectsCredits": _number(ects),
        "workloadHours": _number(workload.get("hours")),
        "eqfLevel": int(eqf_level) if eqf_level else None,
        "assessmentType": _unique(_label(AssessmentType, c) for c in annex1.get("assessment_types") or []),
        "participationForm": _unique(
            _label(FormOfParticipation, c) for c in annex1.get("forms_of_participation") or []
        ),
        "qualityAssurance": annex1.get("quality_assurance"),
        "supervisedAssessment": annex1.get("supervised_assessment"),
        "identityVerified": annex1.get("identity_verified"),
        "prerequisites": annex1.get("prerequisites"),
        "stackability": annex1.get("stackability"),
        "instructionLanguage": languages,
        "coLeadInstitution": co_leads,
        "furtherInformation": annex1.get("further_information") or annex1.get("target_groups"),
    }
    if grade:
        achievement["resultDescription"] = [
            {
                "id": f"{achievement_url}#grade",
                "type": ["ResultDescription"],
                "name": "Final grade",
                "resultType": "Result",
            }
        ]
    return achievement


def compose_open_badge_credential(
    *,
    credential_id: str,
    issuer: Issuer,
    micro_credential_version,
    learner_name: str,
    learner_email: str,
    learner_did: str | None = None,
    grade: str | None = None,
    awarded_on: date | datetime,
    valid_from: datetime,
    status_entry: dict | None = None,
    salt: str | None = None,
) -> dict:
    """The unsigned OpenBadgeCredential (context order, types, schemas and status: docs/interoperability.md).

    The learner is identified by a salted SHA-256 hash of the e-mail address and by name (an OB 3.0
    ``IdentityObject`` of type ``name``), plus their DID as ``credentialSubject.id`` when given.
    """
    from microcred.credentials.services.issuers import issuer_profile

    version = micro_credential_version
    annex1 = dict(version.annex1 or {})
    salt = salt or secrets.token_hex(16)
    email = normalise_email(learner_email)
    ects = version.ects if version.ects is not None else (annex1.get("workload") or {}).get("ects")
    subject = {
        "id": learner_did or None,
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {"type": "IdentityObject", "identityHash": learner_name.strip(), "identityType": "name", "hashed": False},
        ],
        "achievement": _achievement(version, annex1, grade),
        "creditsEarned": _number(ects),
    }
    if grade:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement_id(version)}#grade",
                "value": str(grade).strip(),
                "status": "Completed",
            }
        ]
    credential = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": annex1.get("title") or version.title,
        "description": annex1.get("description") or None,
        "issuer": issuer_profile(issuer),
        "validFrom": vc.format_datetime(valid_from),
        "awardedDate": _datetime_stamp(awarded_on),
        "credentialSubject": subject,
        "credentialSchema": [
            {"id": OB_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
            {"id": EXTENSION_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
        ],
        "credentialStatus": status_entry,
    }
    return _clean(credential)


def compose_holder_bound_copy(original: dict, *, credential_id: str, holder_did: str, status_entry: dict) -> dict:
    """The unsigned copy of a signed credential, bound to the holder's DID (OpenID4VCI 1.0 §8.1).

    The award stays exactly as the issuer signed it: achievement, results, dates (``validFrom``,
    ``awardedDate``), issuer, the learner's identifiers and anything else. Only what makes it a document of
    its own changes: its ``id``, its ``credentialStatus`` (its own Bitstring Status List entry) and
    ``credentialSubject.id``, the DID of the key the wallet proved it holds (VC 2.0 §4.8). The original's
    proof is dropped; the copy is signed afresh.
    """
    document = copy.deepcopy(original)
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise vc.VCError("The credential has no credentialSubject object to bind.")
    document.pop("proof", None)
    document["id"] = credential_id
    document["credentialSubject"] = {"id": holder_did, **{k: v for k, v in subject.items() if k != "id"}}
    document["credentialStatus"] = status_entry
    return document
