"""Verifying an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.5, RFC 9901 §7): the same verdicts and checks as for
an Open Badges credential (services/verification.py), so the API, the command and the page can show either.

* format: a compact SD-JWT with ``typ: dc+sd-jwt``, a ``vct``, an ``iss`` and a ``kid``;
* signature: the Issuer-signed JWT's EdDSA signature with the key the ``kid`` names in the DID document of
  ``iss`` (the kid's DID must be ``iss``; our issuers' keys from memory, others' from listed hosts only, as for
  OB credentials); a key retired before ``iat`` is refused; then the disclosures (each digest found exactly
  once), and the key-binding JWT when there is one (or when an audience or nonce is expected): signed with
  ``cnf.jwk``, for the expected ``aud`` and ``nonce``, fresh, ``sd_hash`` of what was presented;
* issuer: whether ``iss`` is one of our issuers;
* status: ``status.status_list`` read from the Token Status List. Our own lists are read from the database
  (the same bits as the Bitstring list, so a revoked award is revoked here too); another issuer's list is
  fetched from an allowed host (STATUS_LIST_ALLOWED_HOSTS) and checked: signed by the credential's issuer, for
  the URI the credential names, not expired; when it cannot be fetched the check says so (could not check)
  rather than guess;
* validity: ``exp`` and ``nbf``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from microcred import vc
from microcred.credentials.services.remote_status import RemoteStatusError, remote_token_status_list
from microcred.credentials.services.sd_jwt_vc import STATUS_JWT_SUFFIX
from microcred.credentials.services.trust_registry import registry_finding
from microcred.credentials.services.verification import (
    Check,
    ReportFacts,
    VerificationReport,
    _issuer_check,
    _verdict,
)
from microcred.credentials.services.verification_cache import key_retirement, own_issuer, own_status_list, resolve_key
from microcred.vc import sd_jwt
from microcred.vc.sd_jwt import SdJwtError

CHECKS = ("format", "signature", "issuer", "status", "validity")


def looks_like_sd_jwt(value) -> bool:
    return isinstance(value, str) and "~" in value and value.count(".") >= 2


def sd_jwt_text(raw: bytes) -> str | None:
    """The compact SD-JWT VC in a pasted text or a file, or None when it is something else (JSON, an image, a
    PDF). The compact form is base64url segments, dots and "~" only (RFC 9901 §4), so whitespace around it is
    dropped and anything else means it is not one."""
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return text if looks_like_sd_jwt(text) and not text.startswith(("{", "[", "<")) else None


def _issuer_key(header: dict, claims: dict):
    kid, iss = header.get("kid"), claims.get("iss")
    if not isinstance(iss, str) or not iss.startswith("did:"):
        raise SdJwtError(_("The SD-JWT VC's iss must be the issuer's DID."), code="signature")
    if not isinstance(kid, str) or kid.partition("#")[0] != iss:
        raise SdJwtError(_("The SD-JWT VC's kid must be a key of its issuer (a DID URL of iss)."), code="signature")
    try:
        key = resolve_key(kid)
        retired = key_retirement(kid)
    except vc.VCError as exc:
        raise SdJwtError(_("The signing key %(kid)s could not be found.") % {"kid": kid}, code="unresolved") from exc
    issued_at = claims.get("iat")
    if retired is not None and (not isinstance(issued_at, int | float) or issued_at >= retired.timestamp()):
        raise SdJwtError(
            _("The SD-JWT VC was signed after its key was retired (%(date)s).") % {"date": retired.date().isoformat()},
            code="signature",
        )
    return key


def _status_check(claims: dict) -> tuple[Check, str]:
    status = claims.get("status")
    if status is None:
        return Check("status", True, _("The SD-JWT VC names no status list: it cannot be revoked.")), "none"
    entry = status.get("status_list") if isinstance(status, dict) else None
    idx, uri = (entry.get("idx"), entry.get("uri")) if isinstance(entry, dict) else (None, None)
    if not isinstance(idx, int) or isinstance(idx, bool) or idx < 0 or not isinstance(uri, str):
        return Check("status", False, _("The status claim is malformed (status_list needs idx and uri).")), "problem"
    own = own_status_list(uri.removesuffix(STATUS_JWT_SUFFIX)) if uri.endswith(STATUS_JWT_SUFFIX) else None
    if own is None:
        return _remote_status_check(uri, idx, claims.get("iss"))
    if own.issuer_did != claims.get("iss"):
        return Check("status", False, _("The status list belongs to another issuer.")), "problem"
    if own.bits is None or idx >= own.bits.length:
        return Check("status", False, _("The status index is outside the status list.")), "problem"
    if own.bits.get(idx):
        return Check("status", False, _("This credential has been revoked.")), "revoked"
    return Check("status", True, _("Not revoked (Token Status List).")), "active"


# Token Status List §7.1: the status types a list may carry (0x03 and beyond are application-specific).
VALID, INVALID, SUSPENDED = 0, 1, 2


def _remote_status_check(uri: str, idx: int, iss) -> tuple[Check, str]:
    """Another issuer's Status List Token, fetched from an allowed host and checked (never guessed)."""
    try:
        listed = remote_token_status_list(uri, issuer_id=str(iss))
        value = listed.get(idx)
    except RemoteStatusError as exc:
        if exc.definite:
            return Check("status", False, str(exc)), "problem"
        return Check("status", None, str(exc)), "unreachable" if exc.temporary else "unknown"
    except SdJwtError as exc:  # the index is outside the list
        return Check("status", False, exc.message), "problem"
    if value == VALID:
        return Check("status", True, _("Not revoked (the issuer's status list %(url)s).") % {"url": uri}), "active"
    if value == INVALID:
        return Check("status", False, _("Revoked by its issuer (status list %(url)s).") % {"url": uri}), "revoked"
    if value == SUSPENDED:
        return Check("status", False, _("Suspended by its issuer (status list %(url)s).") % {"url": uri}), "problem"
    return (
        Check(
            "status",
            None,
            _("The issuer's status list gives a status this verifier does not know (%(value)s).") % {"value": value},
        ),
        "unknown",
    )


def verify_sd_jwt_vc(
    compact: str,
    *,
    audience: str | None = None,
    nonce: str | None = None,
    require_key_binding: bool = False,
    now: float | None = None,
) -> VerificationReport:
    """Verify an SD-JWT VC (with or without a key-binding JWT) and report every check."""
    now = time.time() if now is None else now
    not_checked = [Check(name, None, _("Not checked.")) for name in CHECKS[1:]]
    try:
        parts = sd_jwt.split(compact)
        jws = sd_jwt.parse_jws(parts.jwt, "issuer-signed JWT")
    except SdJwtError as exc:
        checks = [Check("format", False, exc.message), *not_checked]
        return VerificationReport(*_verdict(checks), checks=checks)
    claims = jws.claims
    missing = [name for name in ("iss", "vct") if not isinstance(claims.get(name), str)]
    if jws.header.get("typ") != sd_jwt.SD_JWT_VC_TYP or missing:
        message = _("Not an SD-JWT VC: it needs typ dc+sd-jwt, and iss and vct claims.")
        checks = [Check("format", False, message), *not_checked]
        return VerificationReport(*_verdict(checks), checks=checks)
    format_check = Check("format", True, _("An SD-JWT VC of type %(vct)s.") % {"vct": claims["vct"]})
    try:
        result = sd_jwt.verify(
            compact,
            issuer_key=_issuer_key,
            require_key_binding=require_key_binding or audience is not None or nonce is not None,
            audience=audience,
            nonce=nonce,
            now=now,
        )
    except SdJwtError as exc:
        if exc.code in ("expired", "not_yet_valid") and not exc.message.startswith("The key-binding"):
            # The signature and disclosures held; only the dates are wrong: say so under validity.
            result = sd_jwt.verify(compact, issuer_key=_issuer_key, now=_inside(claims, now))
            signature = Check("signature", True, _("The issuer's signature and the disclosures are valid."))
            validity = Check("validity", False, exc.message)
            status, state = _status_check(claims)
            return _report(format_check, signature, status, validity, jws, result.claims, state, exc.code)
        passed = None if exc.code == "unresolved" else False
        checks = [format_check, Check("signature", passed, exc.message), *not_checked[1:]]
        return VerificationReport(
            *_verdict(checks),
            checks=checks,
            issuer_id=claims.get("iss", ""),
            facts=ReportFacts(altered=passed is False),
        )
    message = _("The issuer's signature and the disclosures are valid.")
    if result.key_binding is not None:
        message += " " + _("The holder's key-binding JWT is valid for this audience and nonce.")
    signature = Check("signature", True, message)
    status, state = _status_check(claims)
    validity = Check("validity", True, _("Within its validity period."))
    return _report(format_check, signature, status, validity, jws, result.claims, state, "current")


def _inside(claims: dict, now: float) -> float:
    """A moment inside the validity period (to check the rest of an expired SD-JWT VC)."""
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if isinstance(exp, int | float) and now > exp:
        return float(exp)
    if isinstance(nbf, int | float) and now < nbf:
        return float(nbf)
    return now


def _report(format_check, signature, status, validity, jws, disclosed, state, validity_state) -> VerificationReport:
    claims = jws.claims
    iss = claims["iss"]
    ours = own_issuer(iss)
    # What the registries we trust say of the issuer and the key that signed (services/trust_registry.py), at
    # the time it says it signed (iat), as for OB credentials at the proof's created.
    issued_at = claims.get("iat")
    registry = registry_finding(
        iss,
        str(jws.header.get("kid") or ""),
        datetime.fromtimestamp(issued_at, UTC) if isinstance(issued_at, int | float) else None,
    )
    # As for OB credentials: a member, the alliance, a member of a registry we trust, or someone claiming a
    # member's name with another DID.
    issuer = _issuer_check((iss,), (str(disclosed.get("issuer_name") or ""),), registry)
    checks = [format_check, signature, issuer, status, validity]
    achievement = disclosed.get("achievement") or {}
    exp = claims.get("exp")
    return VerificationReport(
        *_verdict(checks),
        checks=checks,
        issuer_id=iss,
        issuer_name=ours.name if ours else str(disclosed.get("issuer_name") or ""),
        title=str(achievement.get("title") or ""),
        content={"claims": disclosed},
        content_signed=True,
        registry=registry,
        facts=ReportFacts(
            validity=validity_state,  # "current", "expired" or "not_yet_valid", as for OB credentials
            valid_until=datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None,
            status=state,
        ),
    )


def describe_sd_jwt_vc(report: VerificationReport) -> dict | None:
    """What a verified SD-JWT VC discloses, in the plain words of :func:`describe_credential` (the same keys),
    for the verification page; None when nothing was disclosed (the signature did not hold)."""
    claims = (report.content or {}).get("claims")
    if not isinstance(claims, dict):
        return None
    achievement = claims.get("achievement") if isinstance(claims.get("achievement"), dict) else {}

    def text(value) -> str:
        return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""

    skills = achievement.get("skills") if isinstance(achievement.get("skills"), list) else []
    return {
        "title": text(achievement.get("title")),
        "description": text(achievement.get("description")),
        "criteria": text(achievement.get("completion_criteria")),
        # A name the holder chose not to disclose is simply absent (RFC 9901 §4.2: selective disclosure).
        "learner": text(claims.get("name")),
        "issuer": text(claims.get("issuer_name")),
        "valid_from": text(claims.get("awarded_on")),
        "valid_until": report.facts.valid_until.date().isoformat() if report.facts.valid_until else "",
        "credits": text(achievement.get("ects_credits")) or None,
        "alignments": [
            {"name": text(skill.get("label")), "url": text(skill.get("uri")), "framework": "ESCO"}
            for skill in skills
            if isinstance(skill, dict) and text(skill.get("label"))
        ],
        "results": [text(claims["grade"])] if text(claims.get("grade")) else [],
    }
