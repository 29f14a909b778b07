"""Composing the unsigned OpenBadgeCredential of a completion (docs/interoperability.md; Annex 1 → OB 3.0 in README)."""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from microcred import vc
from microcred.catalogue import badges, kinds
from microcred.catalogue.annex import AnnexOne
from microcred.credentials.models import Issuer
from microcred.credentials.services.issuers import issuer_profile
from microcred.credentials.vocabulary import (
    CREDENTIAL_CONTEXTS,
    EXTENSION_SCHEMA_URL,
    OB_SCHEMA_URL,
    SCHEMA_VALIDATOR_TYPE,
)
from microcred.proposals.choices import AssessmentType, FormOfParticipation, Kind
from microcred.reference.models import EqfLevel, Institution

ESCO_FRAMEWORK = "ESCO"
EQF_FRAMEWORK = "European Qualifications Framework (EQF)"


# Where the achievement and the issuer's profile go in a credential (composed and cleaned apart: once per batch).
_ACHIEVEMENT = object()
_ISSUER = object()
# The parts of a credential that are the same for every learner of a batch (composing_a_batch), by key.
_batch_parts: ContextVar[dict | None] = ContextVar("composition_batch_parts", default=None)


@contextmanager
def composing_a_batch() -> Iterator[None]:
    """Within the block, what does not change per learner (a version's Annex 1 record and achievement, the
    issuer's profile) is read and composed once, for every credential composed in it. The block must not
    outlive the batch: a version or an issuer edited meanwhile would not be seen."""
    if _batch_parts.get() is not None:  # already in a batch
        yield
        return
    token = _batch_parts.set({})
    try:
        yield
    finally:
        _batch_parts.reset(token)


def _once_per_batch(key: tuple, make: Callable):
    """``make()``, computed once per batch for ``key`` (every time outside a batch). The value is shared by
    the batch's credentials: it is only read (each credential gets its own copy)."""
    parts = _batch_parts.get()
    if parts is None or key[-1] is None:  # not in a batch, or an unsaved object (no stable key)
        return make()
    if key not in parts:
        parts[key] = make()
    return parts[key]


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex(SHA-256(UTF-8(value + salt)))."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def json_number(value):
    """ECTS and hours as JSON numbers: integral values as int (Python and JavaScript agree on those)."""
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def datetime_stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return vc.format_datetime(value)
    return f"{value.isoformat()}T00:00:00Z"


def _label(choices, code: str) -> str:
    try:
        with translation.override("en"):
            return str(choices(code).label)
    except ValueError:
        return str(code)


_EMPTY = (None, "", [], {})


def without_empty(value):
    """Drop None, empty strings and empty lists/dicts (OB serialization: omit nulls and empty arrays); strip
    strings. (One pass, with the plain scalars of a credential handled in line: it runs for every credential.)"""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            kind = type(item)
            if kind is str:
                item = item.strip()
                if item:
                    cleaned[key] = item
            elif kind is int or kind is float or kind is bool:
                cleaned[key] = item
            elif item is not None:
                item = without_empty(item)
                if item not in _EMPTY:
                    cleaned[key] = item
        return cleaned
    if isinstance(value, list):
        cleaned = []
        for item in value:
            kind = type(item)
            if kind is str:
                item = item.strip()
                if item:
                    cleaned.append(item)
            elif kind is int or kind is float or kind is bool:
                cleaned.append(item)
            elif item is not None:
                item = without_empty(item)
                if item not in _EMPTY:
                    cleaned.append(item)
        return cleaned
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


def achievement_image(version, title: str) -> dict:
    """The version's badge as the achievement's image (OB 3.0 §B.1.1 Achievement.image, an Image: its PNG's absolute
    address and a caption). Served by the catalogue (catalogue.badges), the same for every credential of the version."""
    try:
        url = badges.version_badge_url(version, "png")
    except NoReverseMatch:
        slug, number = version.micro_credential.slug, version.number
        url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/catalogue/{slug}/v{number}/badge.png"
    return {"id": url, "type": "Image", "caption": title}


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
    return without_empty(profile)


def _esco_alignments(version, annex: AnnexOne) -> list[dict]:
    skills = dict(annex.skills)
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


def _criteria_narrative(annex: AnnexOne, outcomes: list[str]) -> str:
    parts = []
    if annex.completion_criteria.strip():
        parts.append(annex.completion_criteria.strip())
    if outcomes:
        parts.append("Learning outcomes:\n\n" + "\n".join(f"- {text}" for text in outcomes))
    return "\n\n".join(parts)


def _co_lead_profiles(version) -> list[dict]:
    """The co-leading universities (the version's own list, imported versions included), as Profiles."""
    if not version.pk:
        return []
    return [institution_profile(i) for i in version.co_lead_institutions.select_related("issuer")]


def _achievement(version, annex: AnnexOne, grade: str | None) -> dict:
    outcomes = _unique(text.strip() for text in annex.outcome_texts)
    ects = version.ects if version.ects is not None else annex.workload.ects
    eqf_level = version.eqf_level or annex.eqf_level
    kind = annex.kind or version.kind
    credential_type = annex.credential_type or version.credential_type
    languages = _unique(code.strip().lower() for code in annex.languages)
    awarding = version.awarding_institution

    achievement_url = achievement_id(version)
    achievement = {
        "id": achievement_url,
        "type": ["Achievement"],
        "achievementType": "Badge" if kinds.is_participation_badge(credential_type) else "MicroCredential",
        "name": annex.title or version.title,
        "description": annex.description or annex.title or version.title,
        "criteria": {"narrative": _criteria_narrative(annex, outcomes)},
        "image": achievement_image(version, annex.title or version.title),
        "creator": institution_profile(awarding),
        "version": str(version.number),
        "inLanguage": languages[0] if languages else None,
        "creditsAvailable": json_number(ects),
        "alignment": _esco_alignments(version, annex) + _eqf_alignment(eqf_level),
        # Extension (https://w3id.org/microcred/v1): the Annex 1 elements OB 3.0 has no property for.
        "learningSetting": "formal" if kind == Kind.FORMAL else "non-formal",
        "learningOutcome": outcomes,
        "ectsCredits": json_number(ects),
        "workloadHours": json_number(annex.workload.hours),
        "eqfLevel": int(eqf_level) if eqf_level else None,
        "assessmentType": _unique(_label(AssessmentType, c) for c in annex.assessment_types),
        "participationForm": _unique(_label(FormOfParticipation, c) for c in annex.forms_of_participation),
        "qualityAssurance": annex.quality_assurance,
        "supervisedAssessment": annex.supervised_assessment,
        "identityVerified": annex.identity_verified,
        "prerequisites": annex.prerequisites,
        "stackability": annex.stackability,
        "instructionLanguage": languages,
        "coLeadInstitution": _co_lead_profiles(version),
        "furtherInformation": annex.further_information_or_target_groups,
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
    version = micro_credential_version
    annex = _once_per_batch(("annex", version.pk), lambda: version.annex)
    achievement = _once_per_batch(  # JSON values only (lists, not tuples; no lazy translations)
        ("achievement", bool(grade), version.pk),
        lambda: json.loads(json.dumps(without_empty(_achievement(version, annex, grade)))),
    )
    profile = _once_per_batch(
        ("issuer", issuer.pk), lambda: json.loads(json.dumps(without_empty(issuer_profile(issuer))))
    )
    salt = salt or secrets.token_hex(16)
    email = normalise_email(learner_email)
    ects = version.ects if version.ects is not None else annex.workload.ects
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
        "achievement": _ACHIEVEMENT,  # put in below, cleaned once per batch
        "creditsEarned": json_number(ects),
    }
    if grade:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{_once_per_batch(('url', version.pk), lambda: achievement_id(version))}#grade",
                "value": str(grade).strip(),
                "status": "Completed",
            }
        ]
    credential = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": annex.title or version.title,
        "description": annex.description or None,
        "issuer": _ISSUER,  # put in below, cleaned once per batch
        "validFrom": vc.format_datetime(valid_from),
        "awardedDate": datetime_stamp(awarded_on),
        "credentialSubject": subject,
        "credentialSchema": [
            {"id": OB_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
            {"id": EXTENSION_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
        ],
        "credentialStatus": status_entry,
    }
    credential = without_empty(credential)
    # In their places, the credential's own copies (a batch's credentials share nothing).
    credential["issuer"] = vc.copy_json(profile)
    credential["credentialSubject"]["achievement"] = vc.copy_json(achievement)
    return credential


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
