"""The award as a European Learning Model (ELM 3.2) credential: an unsigned ``EuropeanDigitalCredential``.

The same award as the signed Open Badges credential, in the Europass / EDC data model (the EDC application
profile of ELM 3.2), for learners who want to load it into Europass. It is **unsigned**: a Europass credential is
sealed with the issuer's eIDAS e-seal (JAdES), which microcred.seals adds (a test seal until the university
installs its own).

* Terms are ELM 3.2 (the ``edc-ap`` JSON-LD context). Both contexts are pinned in ``documents/elm/`` and are
  never fetched: :func:`elm_nquads` turns an export into RDF offline.
* It conforms to the ELM 3.2 SHACL shapes ``EDC-generic-no-cv.ttl`` (tested with pySHACL, see
  ``documents/elm/SOURCE.md``).
* Controlled-vocabulary values are the EU concept URIs listed in ``documents/elm/edc_controlled_vocabularies.json``
  (a pinned copy of the reference data file). Where that file gives no EU concept for one of our values,
  a concept of our own vocabulary (``https://w3id.org/microcred/vocab#…``) is used instead, as the
  Commission's own Annex I sample does with a local concept; see ``LOCAL_CONCEPTS``.
* Every node has a stable IRI (the credential's or organisation's UUID-5 names), so repeated nodes merge
  and the same credential always exports to the same document.

Annex I → ELM (where each element is):

================================  ===========================================================================
learner                           ``credentialSubject`` (Person): ``fullName``, ``contactPoint.emailAddress``,
                                  ``id`` = the learner's DID when known
title                             ``hasClaim.title``, ``hasClaim.specifiedBy.title``, ``displayParameter.title``
awarding body(ies) + country      ``hasClaim.awardedBy.awardingBody[]`` (Organisation, ``location.address.countryCode``)
issuer + country                  ``issuer`` (Organisation, ``eIDASIdentifier``, ``location.address.countryCode``)
date of issuing                   ``issued`` / ``issuanceDate`` / ``validFrom``; ``hasClaim.awardedBy.awardingDate``
learning outcomes                 ``hasClaim.specifiedBy.learningOutcome[]`` (``title``, ``relatedESCOSkill[]``)
workload                          ``specifiedBy.creditPoint`` (ECTS concept + ``point``), ``hasClaim.creditReceived``,
                                  ``specifiedBy.volumeOfLearning`` (hours, ISO 8601)
level                             ``specifiedBy.eqfLevel`` (``http://data.europa.eu/snb/eqf/N``)
type of assessment                ``specifiedBy.provenBy`` (LearningAssessmentSpecification) ``.hasPart[].dcType``
form of participation             ``specifiedBy.mode[]`` (learning-assessment scheme), ``specifiedBy.learningSetting``
quality assurance                 ``specifiedBy.additionalNote[]`` with ``subject`` = quality assurance
grade                             ``hasClaim.provenBy.grade`` (Note)
supervision / identity check      ``hasClaim.provenBy.idVerification`` (supervision-verification scheme)
prerequisites                     ``specifiedBy.entryRequirement`` (Note)
stackability                      ``specifiedBy.additionalNote[]`` with ``subject`` = stackability
languages                         ``specifiedBy.language[]`` (EU language NAL)
revocation                        ``credentialStatus``: the Open Badges credential's Bitstring Status List entry
================================  ===========================================================================

Revocation: the export carries the same status entry as the signed Open Badges credential (same list, same
index), so revoking the award revokes its ELM credential too. ELM 3.2 gives ``cred:credentialStatus`` the class
``elm:CredentialStatus`` and no properties; the entry is also a ``BitstringStatusListEntry`` (Bitstring Status
List 1.0 §2.1), whose terms the two ELM contexts lack, so the entry carries them in an inline context (the
definitions of the VC 2.0 context). The sealed ELM credential (microcred.seals) seals this document.
"""

from __future__ import annotations

import base64
import io
import json
import textwrap
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from microcred import vc
from microcred.catalogue import kinds
from microcred.catalogue.annex import AnnexOne
from microcred.core.pdf import FONTS
from microcred.credentials.services.composition import achievement_id
from microcred.credentials.vocabulary import EXTENSION_VOCAB

ELM_DOCUMENTS = Path(__file__).resolve().parent / "documents" / "elm"

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
EDC_AP_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
ELM_CONTEXTS = [VC_V1_CONTEXT, EDC_AP_CONTEXT]
CONTEXT_FILES = {VC_V1_CONTEXT: "credentials-v1.jsonld", EDC_AP_CONTEXT: "edc-ap-context.jsonld"}
SHAPES_FILE = "EDC-generic-no-cv.ttl"
VOCABULARIES_FILE = "edc_controlled_vocabularies.json"

EDC_SCHEMA = "http://data.europa.eu/snb/model/ap/edc-generic-full"

SNB = "http://data.europa.eu/snb/"
NAL = "http://publications.europa.eu/resource/authority/"
COUNTRY_SCHEME = NAL + "country"
LANGUAGE_SCHEME = NAL + "language"
FILE_TYPE_SCHEME = NAL + "file-type"
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
ENCODING_BASE64 = (SNB + "encoding/6146cde7dd", SNB + "encoding/25831c2", "base64")
LOCAL_SCHEME = EXTENSION_VOCAB + "elmConcepts"

# Our codes → concept ids of the EDC schemes (the id is the last path segment of the concept URI).
ASSESSMENT_TYPES = {  # microcred.proposals.choices.AssessmentType → snb/assessment
    "oral": "d30284d7df",  # oral examination
    "written": "6e6cb2cc78",  # written examination
    "portfolio": "4f03b91c0e",  # portfolio
    "report": "2939dae15f",  # marked assignment
    "professional_product": "de4d165a6c",  # artefact assessment
    # "behavioural", "personalised", "reflection": no EDC concept → LOCAL_CONCEPTS
}
FORMS_OF_PARTICIPATION = {  # FormOfParticipation → snb/learning-assessment (mode of learning and assessment)
    "blended": "e92d221e4d",  # Blended
    "on_site": "9191af2ed9",  # Presential
    "online": "920fbb3cbe",  # Online
    "work_experience": "729f3bed4b",  # Workbased
}
LEARNING_SETTINGS = {"formal": "6fd4685715", "non_formal": "e207a81fc7"}  # Kind → snb/learning-setting
CREDENTIAL_PROFILE_GENERIC = "e34929035b"  # snb/credential "Generic"
ECTS = "6fcec5c5af"  # snb/education-credit "European Credit Transfer System"
# (supervised, identity verified) → snb/supervision-verification. Only one concept of that scheme is
# identified in the vocabularies file; the other Annex I combinations use LOCAL_CONCEPTS.
SUPERVISION = {(False, False): "c598449d64"}  # Unsupervised without ID Verification

LOCAL_CONCEPTS = {
    "assessment-behavioural": "Behavioural assessment",
    "assessment-personalised": "Personalised type of assessment",
    "assessment-reflection": "Development report / reflection report",
    "supervision-supervised-id-verified": "Supervised, with identity verification (online or on site)",
    "supervision-supervised-no-id": "Supervised, without identity verification",
    "supervision-unsupervised-id-verified": "Unsupervised, with identity verification",
    "note-quality-assurance": "Type of quality assurance",
    "note-stackability": "Integration / stackability options",
    "note-further-information": "Further information",
}
ASSESSMENT_LABELS = {  # the English labels of microcred.proposals.choices.AssessmentType
    "oral": "Presentation / oral exam",
    "written": "Written exam",
    "behavioural": "Behavioural assessment",
    "personalised": "Personalised type of assessment",
    "portfolio": "Portfolio / portfolio assessment",
    "report": "Report / paper",
    "reflection": "Development report / reflection report",
    "professional_product": "Professional product",
}

# ISO 3166-1 alpha-2 (Institution.country_code) → EU "country" authority table code (alpha-3).
COUNTRIES = {
    "AT": "AUT",
    "BE": "BEL",
    "BG": "BGR",
    "HR": "HRV",
    "CY": "CYP",
    "CZ": "CZE",
    "DK": "DNK",
    "EE": "EST",
    "FI": "FIN",
    "FR": "FRA",
    "DE": "DEU",
    "GR": "GRC",
    "EL": "GRC",
    "HU": "HUN",
    "IE": "IRL",
    "IT": "ITA",
    "LV": "LVA",
    "LT": "LTU",
    "LU": "LUX",
    "MT": "MLT",
    "NL": "NLD",
    "PL": "POL",
    "PT": "PRT",
    "RO": "ROU",
    "SK": "SVK",
    "SI": "SVN",
    "ES": "ESP",
    "SE": "SWE",
    "IS": "ISL",
    "LI": "LIE",
    "NO": "NOR",
    "CH": "CHE",
    "GB": "GBR",
    "UK": "GBR",
    "AL": "ALB",
    "BA": "BIH",
    "ME": "MNE",
    "MK": "MKD",
    "RS": "SRB",
    "TR": "TUR",
    "UA": "UKR",
    "MD": "MDA",
    "GE": "GEO",
    "AD": "AND",
    "MC": "MCO",
    "SM": "SMR",
    "VA": "VAT",
}
# ISO 639-1 (annex1 "languages") → EU "language" authority table code, with its English label.
LANGUAGES = {
    "en": ("ENG", "English"),
    "es": ("SPA", "Spanish"),
    "ca": ("CAT", "Catalan"),
    "fr": ("FRA", "French"),
    "nl": ("NLD", "Dutch"),
    "hu": ("HUN", "Hungarian"),
    "de": ("DEU", "German"),
    "sv": ("SWE", "Swedish"),
    "fi": ("FIN", "Finnish"),
    "no": ("NOR", "Norwegian"),
    "nb": ("NOB", "Norwegian Bokmål"),
    "nn": ("NNO", "Norwegian Nynorsk"),
    "ga": ("GLE", "Irish"),
    "it": ("ITA", "Italian"),
    "pt": ("POR", "Portuguese"),
    "pl": ("POL", "Polish"),
    "da": ("DAN", "Danish"),
    "el": ("ELL", "Greek"),
}


class ElmExportError(ValueError):
    """The award cannot be expressed in ELM (e.g. a country code with no EU authority-table entry)."""


# --- pinned documents -------------------------------------------------------------------------------


def _read_json(filename: str) -> dict:
    return json.loads((ELM_DOCUMENTS / filename).read_text(encoding="utf-8"))


@cache
def vocabularies() -> dict:
    """The pinned copy of the EDC controlled-vocabularies file (identical to reference/data/vocabularies/)."""
    return _read_json(VOCABULARIES_FILE)


@cache
def elm_context_registry() -> vc.ContextRegistry:
    """A context registry holding only the two pinned ELM contexts (nothing is ever fetched)."""
    registry = vc.ContextRegistry(include_pinned=False)
    for url, filename in CONTEXT_FILES.items():
        registry.register(url, _read_json(filename))
    return registry


def elm_document_loader(url: str, options: dict | None = None) -> dict:
    """PyLD document loader over the pinned ELM contexts; any other URL raises ``ContextNotAllowed``."""
    return elm_context_registry().document_loader(url, options)


def elm_nquads(document: dict) -> str:
    """The export as N-Quads, offline and strictly (an undefined term raises instead of being dropped)."""
    from microcred.vc.rdf import to_nquads

    return to_nquads(vc.document_to_quads(document, elm_context_registry()))


def shapes_path() -> Path:
    """The pinned ELM 3.2 SHACL shapes (structure and cardinality, no controlled-vocabulary checks)."""
    return ELM_DOCUMENTS / SHAPES_FILE


# --- small builders --------------------------------------------------------------------------------


def _lang() -> str:
    return (settings.LANGUAGE_CODE or "en").split("-")[0].lower()


def _text(value) -> dict | None:
    text = "" if value is None else str(value).strip()
    return {_lang(): text} if text else None


def _clean(value):
    """Drop None, empty strings, lists and objects (ELM has no nulls)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        cleaned = [_clean(v) for v in value]
        return [v for v in cleaned if v not in (None, "", [], {})]
    return value


def _urn(namespace: uuid.UUID, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(namespace, name)}"


def _stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return vc.format_datetime(value)
    return f"{value.isoformat()}T00:00:00Z"


def _concept(uri: str, scheme: str, label: str = "", notation: str = "") -> dict:
    return _clean(
        {
            "id": uri,
            "type": "Concept",
            "inScheme": {"id": scheme, "type": "ConceptScheme"},
            "notation": notation,
            "prefLabel": _text(label),
        }
    )


def _scheme_concept(scheme_key: str, concept_id: str) -> dict:
    """A concept of one of the vocabularies file's schemes, with its English label from that file."""
    block = vocabularies()["schemes"][scheme_key]
    for concept in block.get("concepts", []):
        if concept["uri"].rstrip("/").rsplit("/", 1)[-1] == concept_id:
            return _concept(concept["uri"], block["concept_scheme"], concept.get("label_en", ""))
    raise ElmExportError(f"{concept_id} is not a concept of the {scheme_key} scheme in {VOCABULARIES_FILE}.")


def _local_concept(key: str) -> dict:
    return _concept(f"{EXTENSION_VOCAB}{key}", LOCAL_SCHEME, LOCAL_CONCEPTS[key])


def _country(code: str, label: str = "") -> dict:
    alpha3 = COUNTRIES.get((code or "").strip().upper())
    if alpha3 is None:
        raise ElmExportError(f"Country code {code!r} has no entry in the EU country authority table mapping.")
    return _concept(f"{COUNTRY_SCHEME}/{alpha3}", COUNTRY_SCHEME, label)


def _language(code: str) -> dict | None:
    entry = LANGUAGES.get((code or "").strip().lower().split("-")[0])
    if entry is None:
        return None
    return _concept(f"{LANGUAGE_SCHEME}/{entry[0]}", LANGUAGE_SCHEME, entry[1])


def _note(node_id: str, text, subject: dict | None = None) -> dict | None:
    literal = _text(text)
    if literal is None:
        return None
    return _clean({"id": node_id, "type": "Note", "noteLiteral": literal, "subject": subject})


def _ects_point(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if number <= 0:
        return None
    return str(number.quantize(Decimal(1))) if number == number.to_integral_value() else format(number.normalize(), "f")


def _duration(hours) -> str | None:
    """Hours as an xsd:duration (fractions of an hour as minutes, which xsd:duration requires)."""
    if hours in (None, ""):
        return None
    try:
        minutes = int((Decimal(str(hours)) * 60).to_integral_value())
    except InvalidOperation:
        return None
    if minutes <= 0:
        return None
    whole, rest = divmod(minutes, 60)
    return f"PT{whole}H{rest}M" if rest else f"PT{whole}H"


def _unique(values) -> list:
    seen, out = set(), []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


# --- organisations ---------------------------------------------------------------------------------


def _organisation_id(institution) -> str:
    issuer = getattr(institution, "issuer", None)
    if issuer is not None:
        return issuer.did
    if institution.domain:
        return f"https://{institution.domain}"
    return _urn(uuid.NAMESPACE_URL, f"microcred:organisation:{institution.name}")


def _organisation(institution, *, legal_identifier: dict | None = None) -> dict:
    """An ELM Organisation (legal name, country, home page); ids of its parts derive from its own id."""
    org_id = _organisation_id(institution)
    ns = uuid.uuid5(uuid.NAMESPACE_URL, org_id)
    domain = institution.domain
    return _clean(
        {
            "id": org_id,
            "type": "Organisation",
            "legalName": _text(institution.name),
            "altLabel": _text(institution.short_name),
            "eIDASIdentifier": legal_identifier,
            "location": {
                "id": _urn(ns, "location"),
                "type": "Location",
                "address": {
                    "id": _urn(ns, "address"),
                    "type": "Address",
                    "countryCode": _country(institution.country_code or "", institution.country or ""),
                },
            },
            "homepage": {"id": _urn(ns, "homepage"), "type": "WebResource", "contentURL": f"https://{domain}"}
            if domain
            else None,
        }
    )


# Bitstring Status List 1.0 terms, as the VC 2.0 context defines them (type-scoped under BitstringStatusListEntry).
STATUS_VOCAB = "https://www.w3.org/ns/credentials/status#"
STATUS_ENTRY_CONTEXT = {
    "BitstringStatusListEntry": STATUS_VOCAB + "BitstringStatusListEntry",
    "statusPurpose": STATUS_VOCAB + "statusPurpose",
    "statusListIndex": STATUS_VOCAB + "statusListIndex",
    "statusListCredential": {"@id": STATUS_VOCAB + "statusListCredential", "@type": "@id"},
}


def _credential_status(credential) -> dict | None:
    """The OB credential's status entry (same list and index), typed ``CredentialStatus`` for ELM."""
    status_list = getattr(credential, "status_list", None)
    if status_list is None or credential.status_index is None:
        return None
    entry = vc.status_list_entry(status_list.url, credential.status_index, status_list.purpose)
    return {"@context": dict(STATUS_ENTRY_CONTEXT), **entry, "type": ["CredentialStatus", entry["type"]]}


def _legal_identifier(issuer) -> dict:
    """The issuer's legal identifier (ELM requires exactly one on the issuer).

    A real Europass credential carries the organisation identifier of the e-seal certificate here. The
    platform does not record one yet: ``settings.ELM_LEGAL_IDENTIFIERS`` ({institution slug: identifier})
    supplies it; without it, the issuer's DID is given, named as such in ``schemeName``.
    """
    institution = issuer.institution
    configured = (getattr(settings, "ELM_LEGAL_IDENTIFIERS", None) or {}).get(institution.slug)
    notation, scheme = (
        (configured, "National registration number")
        if configured
        else (issuer.did, "Decentralized identifier (did:web) of the issuer; no national registration number on record")
    )
    return {
        "id": _urn(uuid.uuid5(uuid.NAMESPACE_URL, issuer.did), "legal-identifier"),
        "type": "LegalIdentifier",
        "notation": str(notation),
        "schemeName": scheme,
        "spatial": _country(institution.country_code, institution.country),
    }


def _awarding_bodies(version) -> list[dict]:
    """The awarding university, then the co-leading ones (the version's own list, imported versions included)."""
    bodies = [_organisation(version.awarding_institution)]
    bodies += [_organisation(i) for i in version.co_lead_institutions.select_related("issuer")]
    unique: dict[str, dict] = {}
    for body in bodies:
        unique.setdefault(body["id"], body)
    return list(unique.values())


# --- the display image -----------------------------------------------------------------------------


def display_image_png(*, title: str, learner: str, awarding: str, awarded_on: date) -> bytes:
    """A plain one-page rendering of the credential (ELM requires an image for its display)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1200, 850
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width - 20, height - 20), outline=(0, 61, 122), width=8)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 46)
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 30)
    small = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 24)
    y = 130
    draw.text((width / 2, y), "Micro-credential", font=regular, fill=(0, 61, 122), anchor="mm")
    y += 90
    for line in textwrap.wrap(title, width=40)[:3]:
        draw.text((width / 2, y), line, font=bold, fill="black", anchor="mm")
        y += 62
    y += 50
    draw.text((width / 2, y), "awarded to", font=small, fill=(80, 80, 80), anchor="mm")
    y += 60
    draw.text((width / 2, y), learner[:60], font=bold, fill="black", anchor="mm")
    y += 100
    draw.text((width / 2, y), awarding[:70], font=regular, fill="black", anchor="mm")
    y += 50
    draw.text((width / 2, y), awarded_on.isoformat(), font=small, fill=(80, 80, 80), anchor="mm")
    buffer = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- the credential --------------------------------------------------------------------------------


def _assessment_parts(codes: list[str], ns: uuid.UUID) -> list[dict]:
    parts = []
    for code in codes:
        concept_id = ASSESSMENT_TYPES.get(code)
        if concept_id:
            concept = _scheme_concept("assessment_type", concept_id)
        elif f"assessment-{code}" in LOCAL_CONCEPTS:
            concept = _local_concept(f"assessment-{code}")
        else:
            continue
        parts.append(
            {
                "id": _urn(ns, f"assessment-specification:{code}"),
                "type": "LearningAssessmentSpecification",
                "title": _text(ASSESSMENT_LABELS.get(code, code)),
                "dcType": concept,
            }
        )
    return parts


def _supervision(supervised, identity) -> dict | None:
    if supervised is None and identity is None:
        return None
    key = (bool(supervised), bool(identity))
    if key in SUPERVISION:
        return _scheme_concept("supervision_verification", SUPERVISION[key])
    local = {
        (True, True): "supervision-supervised-id-verified",
        (True, False): "supervision-supervised-no-id",
        (False, True): "supervision-unsupervised-id-verified",
    }[key]
    return _local_concept(local)


def _learning_outcomes(annex: AnnexOne, ns: uuid.UUID) -> list[dict]:
    outcomes = []
    for i, outcome in enumerate(annex.learning_outcomes, 1):
        text = outcome.text.strip()
        if not text:
            continue
        skills = [_concept(skill.uri, ESCO_SKILLS_SCHEME, skill.label) for skill in outcome.esco_skills if skill.uri]
        outcomes.append(
            _clean(
                {
                    "id": _urn(ns, f"learning-outcome:{i}"),
                    "type": "LearningOutcome",
                    "title": _text(text),
                    "relatedESCOSkill": skills,
                }
            )
        )
    return outcomes


def _credit_point(ects: str | None, ns: uuid.UUID) -> dict | None:
    if not ects:
        return None
    return {
        "id": _urn(ns, "credit-point"),
        "type": "CreditPoint",
        "framework": _scheme_concept("education_credit", ECTS),
        "point": ects,
    }


def _assessment_specification(annex: AnnexOne, ns: uuid.UUID, title: str, languages: list[dict]) -> dict:
    """How the learning is assessed: completion criteria as the grading scheme, one part per type of assessment."""
    return _clean(
        {
            "id": _urn(ns, "assessment-specification"),
            "type": "LearningAssessmentSpecification",
            "title": _text(f"Assessment: {title}"),
            "language": languages,
            "gradingScheme": {
                "id": _urn(ns, "grading-scheme"),
                "type": "GradingScheme",
                "title": _text("Completion criteria"),
                "description": _text(annex.completion_criteria),
            }
            if annex.completion_criteria
            else None,
            "hasPart": _assessment_parts(_unique(annex.assessment_types), ns),
        }
    )


def _additional_notes(annex: AnnexOne, ns: uuid.UUID) -> list[dict]:
    """Quality assurance, stackability and further information, each a Note with its subject."""
    notes = [
        _note(
            _urn(ns, "note:quality-assurance"),
            annex.quality_assurance,
            _local_concept("note-quality-assurance"),
        ),
        _note(_urn(ns, "note:stackability"), annex.stackability, _local_concept("note-stackability")),
        _note(
            _urn(ns, "note:further-information"),
            annex.further_information_or_target_groups,
            _local_concept("note-further-information"),
        ),
    ]
    return [n for n in notes if n]


def _specification(version, annex: AnnexOne, ns: uuid.UUID, *, title: str, languages, credit_point) -> dict:
    """The achievement's specification: a Qualification, or for a participation badge a learning achievement
    specification (an EQF level belongs to a Qualification only)."""
    kind = annex.kind or version.kind
    is_badge = kinds.is_participation_badge(annex.credential_type or version.credential_type)
    specification = {
        "id": achievement_id(version),
        "type": "LearningAchievementSpecification" if is_badge else "Qualification",
        "title": _text(title),
        "description": _text(annex.description),
        "language": languages,
        "learningOutcome": _learning_outcomes(annex, ns),
        "creditPoint": credit_point,
        "volumeOfLearning": _duration(annex.workload.hours),
        "mode": [
            _scheme_concept("mode_of_learning_and_assessment", FORMS_OF_PARTICIPATION[code])
            for code in _unique(annex.forms_of_participation)
            if code in FORMS_OF_PARTICIPATION
        ],
        "learningSetting": _scheme_concept("learning_setting", LEARNING_SETTINGS[kind])
        if kind in LEARNING_SETTINGS
        else None,
        "entryRequirement": _note(_urn(ns, "note:entry-requirement"), annex.prerequisites),
        "additionalNote": _additional_notes(annex, ns),
        "provenBy": _assessment_specification(annex, ns, title, languages),
        "homepage": {
            "id": _urn(ns, "specification-homepage"),
            "type": "WebResource",
            "contentURL": achievement_id(version),
        },
    }
    eqf_level = version.eqf_level or annex.eqf_level
    if eqf_level and not is_badge:
        level = int(eqf_level)
        specification["eqfLevel"] = _concept(
            f"{SNB}eqf/{level}", vocabularies()["schemes"]["eqf"]["concept_scheme"], f"Level {level}"
        )
    return specification


def _claim(credential, annex: AnnexOne, ns: uuid.UUID, *, title: str, awarding_bodies, specification) -> dict:
    """The learning achievement: awarded by the awarding bodies, proven by an assessment, specified as above."""
    awarding_process = {
        "id": _urn(ns, "awarding-process"),
        "type": "AwardingProcess",
        "awardingBody": awarding_bodies,
        "awardingDate": _stamp(credential.awarded_on),
    }
    assessment = {
        "id": _urn(ns, "assessment"),
        "type": "LearningAssessment",
        "title": _text(f"Assessment: {title}"),
        # ELM requires a grade on every assessment; without a recorded grade the award itself is the result.
        "grade": _note(_urn(ns, "grade"), credential.grade or "Completed"),
        "idVerification": _supervision(annex.supervised_assessment, annex.identity_verified),
        "awardedBy": {"id": awarding_process["id"]},
        "assessedBy": {"id": awarding_bodies[0]["id"]},
        "specifiedBy": {"id": specification["provenBy"]["id"]},
    }
    credit_point = specification["creditPoint"]
    return {
        "id": _urn(ns, "achievement"),
        "type": "LearningAchievement",
        "title": _text(title),
        "description": _text(annex.description),
        "awardedBy": awarding_process,
        "creditReceived": {"id": credit_point["id"]} if credit_point else None,
        "provenBy": assessment,
        "specifiedBy": specification,
    }


def _learner(credential, ns: uuid.UUID, claim: dict) -> dict:
    return {
        "id": credential.learner_did or _urn(ns, "learner"),
        "type": "Person",
        "fullName": _text(credential.learner_name),
        "contactPoint": {
            "id": _urn(ns, "learner-contact"),
            "type": "ContactPoint",
            "emailAddress": {"id": f"mailto:{credential.learner_email}", "type": "Mailbox"},
        }
        if credential.learner_email
        else None,
        "hasClaim": claim,
    }


def _display(ns: uuid.UUID, *, title: str, description: str, image: bytes) -> dict:
    """The display parameters: one English page, the rendered image."""
    english = _language("en")
    return {
        "id": _urn(ns, "display"),
        "type": "DisplayParameter",
        "title": _text(title),
        "description": _text(description),
        "language": [english],
        "primaryLanguage": english,
        "individualDisplay": [
            {
                "id": _urn(ns, "display:en"),
                "type": "IndividualDisplay",
                "language": english,
                "displayDetail": [
                    {
                        "id": _urn(ns, "display:en:1"),
                        "type": "DisplayDetail",
                        "page": 1,
                        "image": {
                            "id": _urn(ns, "display:en:1:image"),
                            "type": "MediaObject",
                            "content": base64.b64encode(image).decode("ascii"),
                            "contentEncoding": _concept(*ENCODING_BASE64),
                            "contentType": _concept(f"{FILE_TYPE_SCHEME}/PNG", FILE_TYPE_SCHEME, "PNG"),
                        },
                    }
                ],
            }
        ],
    }


def _micro_credential_claim(credential) -> tuple[dict, str, str, list[dict]]:
    """The learning achievement of a micro-credential's credential → (claim, title, description, awarding bodies)."""
    version = credential.micro_credential_version
    annex = version.annex
    ns = _namespace(credential)
    title = (annex.title or version.title or "").strip()
    languages = [c for c in (_language(code) for code in _unique(annex.languages)) if c]
    credit_point = _credit_point(_ects_point(version.ects if version.ects is not None else annex.workload.ects), ns)
    specification = _specification(version, annex, ns, title=title, languages=languages, credit_point=credit_point)
    awarding_bodies = _awarding_bodies(version)
    claim = _claim(credential, annex, ns, title=title, awarding_bodies=awarding_bodies, specification=specification)
    return claim, title, annex.description, awarding_bodies


def _namespace(credential) -> uuid.UUID:
    return credential.uuid if isinstance(credential.uuid, uuid.UUID) else uuid.UUID(str(credential.uuid))


def _parts(credential) -> list[dict]:
    """The learning achievements the award is made of: our micro-credentials' credentials its evidence names
    (a pathway credential names its components so), each as in its own export (ELM ``hasPart``)."""
    from microcred.credentials.models import IssuedCredential

    parts = []
    for evidence in (credential.document or {}).get("evidence") or []:
        evidence_id = str(evidence.get("id") or "") if isinstance(evidence, dict) else ""
        if not evidence_id.startswith("urn:uuid:"):
            continue
        try:
            part = (
                IssuedCredential.objects.select_related("micro_credential_version", "issuer__institution")
                .filter(uuid=evidence_id.removeprefix("urn:uuid:"))
                .first()
            )
        except (ValueError, ValidationError):
            continue
        if part is not None and part.micro_credential_version is not None:
            parts.append(_micro_credential_claim(part)[0])
    return parts


def _composite_claim(credential) -> tuple[dict, str, str, list[dict]]:
    """The learning achievement of a credential for something made of micro-credentials (a completed pathway),
    read from its signed document: title, description, credits, criteria, and its parts (``hasPart``)."""
    ns = _namespace(credential)
    subject = (credential.document or {}).get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    title = str(achievement.get("name") or credential.title or "").strip()
    description = str(achievement.get("description") or "").strip()
    awarding_bodies = [_organisation(credential.issuer.institution)]
    credit_point = _credit_point(_ects_point(subject.get("creditsEarned")), ns)
    homepage = str(achievement.get("id") or "")
    criteria = str((achievement.get("criteria") or {}).get("narrative") or "").strip()
    specification = {
        "id": homepage or _urn(ns, "specification"),
        "type": "LearningAchievementSpecification",
        "title": _text(title),
        "description": _text(description),
        "creditPoint": credit_point,
        "additionalNote": [n for n in [_note(_urn(ns, "note:criteria"), criteria)] if n],
        "homepage": {"id": _urn(ns, "specification-homepage"), "type": "WebResource", "contentURL": homepage}
        if homepage.startswith("http")
        else None,
    }
    awarding_process = {
        "id": _urn(ns, "awarding-process"),
        "type": "AwardingProcess",
        "awardingBody": awarding_bodies,
        "awardingDate": _stamp(credential.awarded_on),
    }
    claim = {
        "id": _urn(ns, "achievement"),
        "type": "LearningAchievement",
        "title": _text(title),
        "description": _text(description),
        "awardedBy": awarding_process,
        "creditReceived": {"id": credit_point["id"]} if credit_point else None,
        "specifiedBy": specification,
        "hasPart": _parts(credential),
    }
    return claim, title, description, awarding_bodies


def elm_credential(issued_credential) -> dict:
    """The award as an unsigned ELM 3.2 ``EuropeanDigitalCredential`` (JSON-LD, compact form). A credential for
    something other than a micro-credential (a pathway) is a learning achievement made of the micro-credentials
    its evidence names (``hasPart``)."""
    credential = issued_credential
    ns = _namespace(credential)
    if credential.micro_credential_version is not None:
        claim, title, description, awarding_bodies = _micro_credential_claim(credential)
    else:
        claim, title, description, awarding_bodies = _composite_claim(credential)
    image = display_image_png(
        title=title,
        learner=credential.learner_name,
        awarding=awarding_bodies[0]["legalName"][_lang()],
        awarded_on=credential.awarded_on,
    )
    valid_from = (credential.document or {}).get("validFrom") or _stamp(credential.issued_at)
    document = {
        "@context": list(ELM_CONTEXTS),
        "id": _urn(ns, "europass-credential"),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "identifier": {
            "id": _urn(ns, "open-badge-identifier"),
            "type": "Identifier",
            "notation": credential.credential_id,
            "schemeName": "Open Badges 3.0 credential of the same award",
        },
        "credentialProfiles": [_scheme_concept("credential_type", CREDENTIAL_PROFILE_GENERIC)],
        "credentialSchema": [{"id": EDC_SCHEMA, "type": "ShaclValidator2017"}],
        "displayParameter": _display(ns, title=title, description=description, image=image),
        "issuer": _organisation(credential.issuer.institution, legal_identifier=_legal_identifier(credential.issuer)),
        "issued": _stamp(credential.issued_at),
        "issuanceDate": valid_from,
        "validFrom": valid_from,
        "credentialSubject": _learner(credential, ns, claim),
        "credentialStatus": _credential_status(credential),
    }
    return _clean(document)


def elm_json_bytes(issued_credential) -> bytes:
    return json.dumps(elm_credential(issued_credential), ensure_ascii=False, indent=2).encode("utf-8")
