"""Randomized credentials of every shape the platform issues, built without Django.

Mirrors ``microcred/credentials/services/composition.py`` (OpenBadgeCredential with the Annex 1 extension
terms), ``microcred/credentials/services/issuers.py`` (issuer Profile), ``vc.status_list_entry`` /
``vc.status_list_credential`` (Bitstring Status List) and the Data Integrity proof configuration, with
random content: names in many scripts (accents, Greek, Cyrillic, Arabic and Hebrew RTL, CJK, emoji,
combining marks, bidi controls), 0–10 learning outcomes, ESCO/EQF alignments, grades, optional
learner DIDs, optional fields absent or present, integral and fractional credits.

microcred/credentials/tests/test_credential_shapes_drift.py compares this copy with credentials composed by
the real service, key for key: change both together.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import string
from pathlib import Path

from microcred import vc
from microcred.vc.contexts import ContextRegistry

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
EXTENSION_CONTEXT_URL = "https://w3id.org/microcred/v1"
CREDENTIAL_CONTEXTS = [VC_V2, OB_CONTEXT, OB_EXTENSIONS, EXTENSION_CONTEXT_URL]
EXTENSION_CONTEXT_FILE = (
    Path(__file__).resolve().parents[2] / "credentials" / "documents" / "microcred-context-v1.jsonld"
)
OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
EXTENSION_SCHEMA_URL = "https://w3id.org/microcred/schema/v1.json"
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

ASSESSMENT_LABELS = [
    "Presentation / oral exam", "Written exam", "Behavioural assessment", "Personalised type of assessment",
    "Portfolio / portfolio assessment", "Report / paper", "Development report / reflection report",
    "Professional product",
]  # fmt: skip
PARTICIPATION_LABELS = ["Blended", "On-site", "Online", "Work experience"]
LANGUAGES = ["en", "es", "fr", "de", "nl", "it", "pt", "pl", "el", "bg", "ar", "he", "zh", "ja"]
COUNTRIES = [
    ("Spain", "ES"), ("Netherlands", "NL"), ("Belgium", "BE"), ("Greece", "GR"), ("Bulgaria", "BG"),
    ("Portugal", "PT"), ("Poland", "PL"), ("Türkiye", "TR"), ("Ελλάδα", "GR"), ("Česko", "CZ"),
]  # fmt: skip

# Text fragments in many scripts, including the awkward ones (RTL, combining marks, ZWJ emoji, bidi
# controls, NBSP, quotes, backslashes, TAB/LF/CR and DEL, which must be escaped in N-Quads).
WORDS = [
    "data", "analysis", "energy", "Ana", "García", "Müller", "Øresund", "Łódź", "Ærø", "naïve", "São Paulo",
    "Ελληνικά", "Σωκράτης", "Кирилл", "Болгария", "محمد", "العربية", "עברית", "שלום", "中文", "学习成果",
    "日本語", "한국어", "ไทย", "हिन्दी", "e\u0301", "Zoë", "\u200fRTL\u200f", "\u202bembedded\u202c",
    "non\u00a0breaking", "quote\"d", "back\\slash", "tab\there", "line\nbreak", "cr\rlf", "del\x7f",
    "🎓", "👩🏽‍🔬", "🇪🇺", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠜎", "ﬁ", "Ⅻ", "½", "\ufeffbom", "\uffff", "\uff21",
    "O'Brien", "d'Ávila", "<b>html</b>", "a & b", "100%", "#hash", "?query", "{braces}",
]  # fmt: skip
GRADES = ["8.5", "10", "A", "B+", "Pass", "Très bien", "17/20", "Sehr gut (1,3)", "优秀", "ممتاز", "9,5", "🎉 A"]


def extension_context() -> dict:
    return json.loads(EXTENSION_CONTEXT_FILE.read_text(encoding="utf-8"))


def registry() -> ContextRegistry:
    """The pinned contexts plus our extension context, as the credentials app registers it."""
    reg = ContextRegistry()
    reg.register(EXTENSION_CONTEXT_URL, extension_context())
    return reg


def _text(rng: random.Random, low: int = 1, high: int = 6) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.45 else _ascii_word(rng) for _ in range(rng.randint(low, high))]
    return " ".join(words)


def _ascii_word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(2, 10)))


def _slug(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits + "-") for _ in range(rng.randint(3, 16)))


def _maybe(rng: random.Random, value, p: float = 0.5):
    return value if rng.random() < p else None


def _number(rng: random.Random):
    """ECTS-like numbers as the composition code emits them (integral → int, else float)."""
    choice = rng.random()
    if choice < 0.5:
        return rng.randint(1, 60)
    if choice < 0.9:
        return rng.choice([0.5, 1.5, 2.5, 3.75, 4.5, 7.5, 12.25, 0.25, 2.0]) if rng.random() < 0.9 else 5.0
    return round(rng.uniform(0.1, 90), rng.randint(1, 3))


def _clean(value):
    """As composition.without_empty: drop None, empty strings and empty lists/dicts; strip strings."""
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


def _did_web(rng: random.Random) -> str:
    return f"did:web:mc.example.eu:issuers:{_slug(rng)}"


def _profile(rng: random.Random, *, with_id: bool) -> dict:
    country, code = rng.choice(COUNTRIES)
    domain = f"{_slug(rng)}.example.{rng.choice(['edu', 'eu', 'es', 'nl'])}"
    profile: dict = {"type": ["Profile"], "name": _text(rng, 1, 5)}
    if with_id:
        profile["id"] = rng.choice([_did_web(rng), f"https://{domain}"])
    if rng.random() < 0.8:
        profile["url"] = f"https://{domain}"
    address = {"type": ["Address"]}
    if rng.random() < 0.9:
        address["addressCountry"] = country
    if rng.random() < 0.9:
        address["addressCountryCode"] = code
    if len(address) > 1 or rng.random() < 0.2:
        profile["address"] = address
    return _clean(profile)


def _alignments(rng: random.Random, outcomes: int) -> list[dict]:
    alignments = []
    for _ in range(rng.randint(0, 2 * outcomes + 1)):
        code = f"{rng.getrandbits(64):016x}-{rng.randint(0, 9999):04d}"
        uri = f"http://data.europa.eu/esco/skill/{code}"
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": _text(rng, 1, 5),
                "targetUrl": uri,
                "targetFramework": "ESCO",
                "targetCode": code,
            }
        )
    level = rng.choice([None, 3, 4, 5, 6, 7, 8])
    if level:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": f"EQF level {level}",
                "targetUrl": f"http://data.europa.eu/snb/eqf/{level}",
                "targetFramework": "European Qualifications Framework (EQF)",
                "targetCode": str(level),
            }
        )
    return alignments


def open_badge_credential(rng: random.Random) -> dict:
    """An unsigned OpenBadgeCredential shaped like compose_open_badge_credential's output."""
    slug, number = _slug(rng), rng.randint(1, 9)
    achievement_url = f"https://mc.example.eu/catalogue/{slug}/v{number}/"
    outcomes = _unique(_text(rng, 2, 12) for _ in range(rng.randint(0, 10)))
    alignments = _alignments(rng, len(outcomes))
    languages = _unique(rng.sample(LANGUAGES, rng.randint(0, 3)))
    grade = _maybe(rng, rng.choice(GRADES), 0.6)
    ects = _maybe(rng, _number(rng), 0.85)
    title = _text(rng, 1, 8)
    criteria_parts = []
    if rng.random() < 0.7:
        criteria_parts.append(_text(rng, 3, 15))
    if outcomes:
        criteria_parts.append("Learning outcomes:\n\n" + "\n".join(f"- {o}" for o in outcomes))
    achievement = {
        "id": achievement_url,
        "type": ["Achievement"],
        "achievementType": rng.choice(["MicroCredential", "Badge"]),
        "name": title,
        "description": _maybe(rng, _text(rng, 3, 30), 0.8) or title,
        "criteria": {"narrative": "\n\n".join(criteria_parts)},
        "image": {
            "id": f"https://mc.example.eu/catalogue/{slug}/v{number}/badge.png",
            "type": "Image",
            "caption": title,
        },
        "creator": _profile(rng, with_id=rng.random() < 0.8),
        "version": str(number),
        "inLanguage": languages[0] if languages else None,
        "creditsAvailable": ects,
        "alignment": alignments,
        "learningSetting": rng.choice(["formal", "non-formal"]),
        "learningOutcome": outcomes,
        "ectsCredits": ects,
        "workloadHours": _maybe(rng, rng.randint(1, 600), 0.8),
        "eqfLevel": _maybe(rng, rng.randint(1, 8), 0.8),
        "assessmentType": _unique(rng.sample(ASSESSMENT_LABELS, rng.randint(0, 4))),
        "participationForm": _unique(rng.sample(PARTICIPATION_LABELS, rng.randint(0, 3))),
        "qualityAssurance": _maybe(rng, _text(rng, 2, 12)),
        "supervisedAssessment": _maybe(rng, rng.random() < 0.5, 0.7),
        "identityVerified": _maybe(rng, rng.random() < 0.5, 0.7),
        "prerequisites": _maybe(rng, _text(rng, 1, 10)),
        "stackability": _maybe(rng, _text(rng, 1, 10)),
        "instructionLanguage": languages,
        "coLeadInstitution": [_profile(rng, with_id=rng.random() < 0.7) for _ in range(rng.choice([0, 0, 1, 2, 3]))],
        "furtherInformation": _maybe(rng, _text(rng, 1, 10), 0.3),
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
    salt = f"{rng.getrandbits(128):032x}"
    email = f"{_slug(rng)}@example.org"
    learner_name = _text(rng, 1, 4)
    subject = {
        "id": _maybe(rng, rng.choice([f"did:key:z6Mk{_slug(rng)}", _did_web(rng), f"did:example:{_slug(rng)}"]), 0.3),
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {"type": "IdentityObject", "identityHash": learner_name.strip(), "identityType": "name", "hashed": False},
        ],
        "achievement": achievement,
        "creditsEarned": ects,
    }
    if grade:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement_url}#grade",
                "value": grade.strip(),
                "status": "Completed",
            }
        ]
    issuer = _profile(rng, with_id=False)
    issuer = {"id": _did_web(rng), **issuer}
    day = f"20{rng.randint(24, 30)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    status = None
    if rng.random() < 0.85:
        status = vc.status_list_entry(
            f"https://mc.example.eu/status/{_slug(rng)}/{rng.randint(1, 5)}",
            rng.randint(0, 131071),
            rng.choice(["revocation", "suspension"]),
        )
    credential = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": f"urn:uuid:{rng.getrandbits(128):032x}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "description": _maybe(rng, _text(rng, 3, 30), 0.8),
        "issuer": issuer,
        "validFrom": f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
        "awardedDate": f"{day}T00:00:00Z",
        "credentialSubject": subject,
        "credentialSchema": [
            {"id": OB_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
            {"id": EXTENSION_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
        ],
        "credentialStatus": status,
    }
    return _clean(credential)


def status_list_credential(rng: random.Random) -> dict:
    bits = vc.BitstringStatusList()
    for _ in range(rng.randint(0, 20)):
        bits.set(rng.randrange(bits.length), True)
    url = f"https://mc.example.eu/status/{_slug(rng)}/{rng.randint(1, 5)}"
    return vc.status_list_credential(
        url,
        _did_web(rng),
        bits,
        rng.choice(["revocation", "suspension"]),
        valid_from=f"20{rng.randint(24, 30)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T12:00:00Z",
        ttl_ms=_maybe(rng, 300000, 0.7),
    )


def proof_config(rng: random.Random, document: dict) -> dict:
    """What eddsa-rdfc-2022 canonicalizes besides the document: the proof options with its @context."""
    created = f"20{rng.randint(24, 30)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
    config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": _did_web(rng) + f"#key-{rng.randint(1, 3)}",
        "proofPurpose": "assertionMethod",
    }
    if rng.random() < 0.1:
        config["expires"] = created.replace("T10", "T23")
    config["@context"] = document["@context"]
    return config


def with_embedded_proof(rng: random.Random, document: dict) -> dict:
    """A signed-looking document (its ``proof`` is a ``@graph`` container in JSON-LD)."""
    proof = {k: v for k, v in proof_config(rng, document).items() if k != "@context"}
    proof["proofValue"] = "z" + "".join(
        rng.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") for _ in range(86)
    )
    return {**document, "proof": [proof] if rng.random() < 0.7 else proof}


def documents(credentials: int, seed: int = 20261123) -> list[tuple[str, dict]]:
    """``credentials`` OpenBadgeCredentials plus, in between, status list credentials (1 in 12), proof
    configurations (1 in 4) and documents with an embedded proof (1 in 10), as ``(kind, document)``."""
    rng = random.Random(seed)
    out: list[tuple[str, dict]] = []
    made = 0
    while made < credentials:
        if rng.random() < 1 / 12:
            kind, doc = "status-list", status_list_credential(rng)
        else:
            kind, doc = "open-badge", open_badge_credential(rng)
            if rng.random() < 0.5:
                # as composed when the awarding institution issues: its profile twice, as issuer and as creator
                # (the same literals twice, which JSON-LD's node map merges)
                doc["credentialSubject"]["achievement"]["creator"] = copy.deepcopy(doc["issuer"])
            previous = next((d for k, d in reversed(out) if k.startswith("open-badge")), None)
            if previous is not None and rng.random() < 0.3:
                # another learner of the same micro-credential: the same achievement and issuer (as composed
                # for each learner; what the fast path's identified-node memo replays)
                doc["issuer"] = copy.deepcopy(previous["issuer"])
                doc["credentialSubject"]["achievement"] = copy.deepcopy(previous["credentialSubject"]["achievement"])
            made += 1
        if rng.random() < 0.1:
            kind, doc = kind + "+proof", with_embedded_proof(rng, doc)
        out.append((kind, doc))
        if rng.random() < 0.25:
            out.append(("proof-config", proof_config(rng, doc)))
    return out
