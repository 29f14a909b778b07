"""The award as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) for EU Digital Identity Wallets, its type metadata,
and the Token Status Lists (draft-ietf-oauth-status-list) its status is read from.

The SD-JWT VC is made from the signed Open Badges 3.0 credential of the award (``IssuedCredential.document``),
so it says exactly what the OB credential says: the learner's name and grade as selectively disclosable claims
(with decoy digests), the achievement and its Annex 1 elements as plain claims, ``iat`` now, ``nbf`` its
``validFrom``, ``exp`` when the OB credential has a ``validUntil``, ``cnf.jwk`` the wallet's key, and ``status`` pointing at a Token Status List.

Issuer identifier: ``iss`` is the issuer's did:web and the JWT's ``kid`` the DID URL of its active key
(``did:web:…#key-N``). SD-JWT VC leaves the issuer-key resolution open (§3.5: JWT VC Issuer Metadata for
https ``iss``, ``x5c``, or other mechanisms such as DIDs); we use the DID because it is already the issuer's
identifier in every OB credential, its DID document already publishes every key with its retirement date
(rotation works unchanged), and a verifier then sees one issuer with one set of keys across both formats. An
https ``iss`` with ``/.well-known/jwt-vc-issuer`` metadata would publish the same keys a second way.

Status: the SD-JWT VC carries ``status.status_list`` = the *OB credential's own entry* (its ``status_index``
on the Token Status List made from its Bitstring list: ``<Bitstring list URL>/token``). So revoking the award
(``status.revoke_credential``, which sets that bit and re-signs the list) revokes the SD-JWT VC at the same
moment, with nothing more to keep in step, and every SD-JWT VC of one award shares that entry. The price: the
index links the SD-JWT VC and the OB credential of one award for a verifier that sees both (the content
links them anyway: same learner, same achievement, same issuer); a holder-bound copy's entry would instead
need a row per SD-JWT VC, and its own revocation path.

The Token Status List of a Bitstring list is signed with the key that signed the list, with ``iat`` = when the
list last changed, ``ttl`` = the list's cache lifetime, so it is re-made only when the list is re-signed and is
byte-identical in every process (Ed25519 signatures are deterministic), which lets a CDN keep one copy.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from microcred import vc
from microcred.credentials.exceptions import NotDeliverable
from microcred.credentials.models import IssuedCredential, IssuerKey, StatusList
from microcred.credentials.services.issuers import active_key, public_base_url
from microcred.credentials.services.published import (
    PublishedDocument,
    remembered,
    status_list_max_age,
    status_list_memory,
    strong_etag,
)
from microcred.credentials.services.status import STATUS_LIST_TTL_MS, bits_of
from microcred.credentials.signers import signer_for
from microcred.vc import sd_jwt, token_status_list
from microcred.vc.sd_jwt import Disclosable

VCT_PATH = "/vct/micro-credential/v1"
DECOYS = 2  # decoy digests per _sd array (RFC 9901 §4.2.5): the number of hidden claims is not told
STATUS_JWT_SUFFIX = "/token"


def vct() -> str:
    """The credential type (``vct``): a URL we serve its type metadata at (SD-JWT VC §6)."""
    return public_base_url() + VCT_PATH


def token_status_list_url(status_list: StatusList) -> str:
    """Where the Token Status List of a Bitstring list is served: the list's own URL + ``/token``."""
    return status_list.url + STATUS_JWT_SUFFIX


# --- composition -------------------------------------------------------------------------------------


def _learner_name(subject: dict) -> str:
    for identifier in subject.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("identityType") == "name" and not identifier.get("hashed"):
            return str(identifier.get("identityHash") or "")
    return ""


def _grade(subject: dict) -> str:
    for result in subject.get("result") or []:
        if isinstance(result, dict) and result.get("value"):
            return str(result["value"])
    return ""


def _body(profile) -> dict | None:
    if not isinstance(profile, dict):
        return None
    address = profile.get("address") or {}
    body = {
        "id": profile.get("id"),
        "name": profile.get("name"),
        "url": profile.get("url"),
        "country": address.get("addressCountry"),
        "country_code": address.get("addressCountryCode"),
    }
    return {k: v for k, v in body.items() if v not in (None, "")}


def _epoch(stamp: str | None) -> int | None:
    if not stamp:
        return None
    try:
        return int(vc.parse_datetime_stamp(stamp).timestamp())
    except (ValueError, vc.VCError, AttributeError):
        return None


def achievement_claims(document: dict) -> dict:
    """The achievement and its Annex 1 elements, from the signed OB credential, as SD-JWT VC claims."""
    achievement = (document.get("credentialSubject") or {}).get("achievement") or {}
    alignments = achievement.get("alignment") or []
    skills = [
        {"uri": a.get("targetUrl"), "label": a.get("targetName")}
        for a in alignments
        if isinstance(a, dict) and a.get("targetFramework") == "ESCO"
    ]
    claims = {
        "id": achievement.get("id"),
        "type": achievement.get("achievementType"),
        "title": achievement.get("name"),
        "description": achievement.get("description"),
        "version": achievement.get("version"),
        "learning_setting": achievement.get("learningSetting"),
        "ects_credits": achievement.get("ectsCredits", achievement.get("creditsAvailable")),
        "workload_hours": achievement.get("workloadHours"),
        "eqf_level": achievement.get("eqfLevel"),
        "awarding_body": _body(achievement.get("creator")),
        "co_awarding_bodies": [b for b in map(_body, achievement.get("coLeadInstitution") or []) if b],
        "learning_outcomes": list(achievement.get("learningOutcome") or []),
        "assessment": list(achievement.get("assessmentType") or []),
        "supervised_assessment": achievement.get("supervisedAssessment"),
        "identity_verified": achievement.get("identityVerified"),
        "participation_form": list(achievement.get("participationForm") or []),
        "quality_assurance": achievement.get("qualityAssurance"),
        "prerequisites": achievement.get("prerequisites"),
        "stackability": achievement.get("stackability"),
        "languages": list(achievement.get("instructionLanguage") or []),
        "skills": skills,
        "further_information": achievement.get("furtherInformation"),
        "completion_criteria": (achievement.get("criteria") or {}).get("narrative"),
    }
    return {k: v for k, v in claims.items() if v not in (None, "", [], {})}


def compose_payload(credential: IssuedCredential, *, issued_at: int | None = None) -> dict:
    """The SD-JWT VC payload of an issued credential (Disclosable marks what the holder may withhold)."""
    document = credential.document
    subject = document.get("credentialSubject") or {}
    payload: dict = {
        "iss": credential.issuer.did,
        "vct": vct(),
        "iat": int(time.time()) if issued_at is None else issued_at,
    }
    nbf, exp = _epoch(document.get("validFrom")), _epoch(document.get("validUntil"))
    if nbf is not None:  # OB validFrom and JWT nbf say the same: not to be accepted before then
        payload["nbf"] = nbf
    if exp is not None:
        payload["exp"] = exp
    payload["status"] = {
        "status_list": {"idx": credential.status_index, "uri": token_status_list_url(credential.status_list)}
    }
    name, grade = _learner_name(subject), _grade(subject)
    if name:
        payload["name"] = Disclosable(name)
    if grade:
        payload["grade"] = Disclosable(grade)
    payload["awarded_on"] = str(document.get("awardedDate") or "")[:10] or None
    payload["issuer_name"] = (document.get("issuer") or {}).get("name")
    payload["achievement"] = achievement_claims(document)
    return {k: v for k, v in payload.items() if v not in (None, "")}


def issue_sd_jwt_vc(credential: IssuedCredential, *, holder_jwk: dict) -> str:
    """The award as an SD-JWT VC bound to ``holder_jwk`` (``cnf.jwk``), signed with the issuer's active key;
    ``<JWT>~<disclosures>~``. A revoked or erased credential is not delivered (NotDeliverable)."""
    if credential.is_revoked or credential.document.get("erased"):
        raise NotDeliverable(_("This credential is revoked or erased, so it cannot be sent to a wallet."))
    key = active_key(credential.issuer)
    issued = sd_jwt.issue(
        compose_payload(credential),
        signer=signer_for(key),
        kid=key.verification_method_id,
        holder_jwk=holder_jwk,
        decoys=DECOYS,
    )
    return issued.compact


# --- type metadata (SD-JWT VC §6) ----------------------------------------------------------------------


def _claim_labels() -> list[tuple[list, str, str]]:
    """(path, label, sd) for every claim a wallet shows; labels in the active language."""
    return [
        (["name"], _("Name of the learner"), "always"),
        (["grade"], _("Grade"), "always"),
        (["awarded_on"], _("Awarded on"), "never"),
        (["issuer_name"], _("Issued by"), "never"),
        (["achievement", "title"], _("Micro-credential"), "never"),
        (["achievement", "description"], _("Description"), "never"),
        (["achievement", "ects_credits"], _("ECTS credits"), "never"),
        (["achievement", "workload_hours"], _("Workload (hours)"), "never"),
        (["achievement", "eqf_level"], _("EQF level"), "never"),
        (["achievement", "learning_setting"], _("Learning setting"), "never"),
        (["achievement", "awarding_body", "name"], _("Awarding body"), "never"),
        (["achievement", "learning_outcomes"], _("Learning outcomes"), "never"),
        (["achievement", "assessment"], _("Assessment"), "never"),
        (["achievement", "participation_form"], _("Form of participation"), "never"),
        (["achievement", "quality_assurance"], _("Quality assurance"), "never"),
        (["achievement", "prerequisites"], _("Prerequisites"), "never"),
        (["achievement", "stackability"], _("Stackability"), "never"),
        (["achievement", "languages"], _("Languages of instruction"), "never"),
    ]


def _display() -> dict:
    return {
        "name": _("Micro-credential (EU Digital Identity Wallet)"),
        "description": _("A micro-credential of the alliance, signed by the awarding university."),
        "rendering": {"simple": {"background_color": "#1d3557", "text_color": "#ffffff"}},
    }


def _languages() -> list[str]:
    """English, and each other language of the site once its translation of the type's name exists."""
    with translation.override("en"):
        english = _display()["name"]
    codes = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if code == "en" or _display()["name"] != english:
                codes.append(code)
    return codes


def type_metadata() -> dict:
    """The SD-JWT VC Type Metadata document (SD-JWT VC §6) served at the ``vct`` URL."""
    languages = _languages()
    display, labels = [], {}
    for code in languages:
        with translation.override(code):
            display.append({"locale": code, **_display()})
            for path, label, _sd in _claim_labels():
                labels.setdefault(tuple(path), []).append({"locale": code, "label": label})
    with translation.override("en"):
        english = _display()
    claims = [{"path": path, "display": labels[tuple(path)], "sd": sd} for path, _label, sd in _claim_labels()]
    return {
        "vct": vct(),
        "name": english["name"],
        "description": english["description"],
        "display": display,
        "claims": claims,
    }


# --- Token Status Lists ----------------------------------------------------------------------------------


def _signing_key(status_list: StatusList) -> IssuerKey:
    """The key that signed the Bitstring list (it is re-signed with the active key after a rotation)."""
    proof = (status_list.credential or {}).get("proof") or {}
    if isinstance(proof, list):
        proof = proof[0] if proof else {}
    method = proof.get("verificationMethod", "")
    for key in status_list.issuer.keys.all():
        if key.verification_method_id == method:
            return key
    return active_key(status_list.issuer)


def status_list_token(status_list: StatusList) -> str:
    """The signed Token Status List of ``status_list``: the same bits, ``sub`` its token URL."""
    key = _signing_key(status_list)
    ttl = status_list_max_age(status_list.credential or {}) or STATUS_LIST_TTL_MS // 1000
    return token_status_list.status_list_token(
        token_status_list_url(status_list),
        bits_of(status_list),
        signer=signer_for(key),
        kid=key.verification_method_id,
        iat=int(status_list.updated_at.timestamp()),
        ttl=ttl,
    )


def published_status_list_token(slug: str, number: int) -> PublishedDocument | None:
    """The Token Status List of issuer ``slug``'s list ``number`` as served (None when there is no such list),
    made again only when the list is re-signed (its stored ETag changes)."""
    key = ("published-token", slug, number, getattr(settings, "STATUS_LIST_MAX_AGE", None))
    return status_list_memory.get(key, lambda: _published_status_list_token(slug, number))


def _published_status_list_token(slug: str, number: int) -> PublishedDocument | None:
    status_list = (
        StatusList.objects.select_related("issuer")
        .filter(issuer__slug=slug, number=number, purpose=StatusList.Purpose.REVOCATION)
        .first()
    )
    if status_list is None or not status_list.encoded_list:
        return None

    def make() -> PublishedDocument:
        body = status_list_token(status_list).encode("ascii")
        return PublishedDocument(body, strong_etag(body), status_list_max_age(status_list.credential or {}))

    if not status_list.etag:  # never signed (no stored ETag to key the memo by): made, not remembered
        return make()
    return remembered(
        ("status-token", status_list.pk, status_list.etag, getattr(settings, "STATUS_LIST_MAX_AGE", None)), make
    )
