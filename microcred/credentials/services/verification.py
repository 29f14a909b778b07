"""Verifying a credential document, offline: every check reported separately (BRIEF §8).

Checks, in order: ``format`` (a JSON OpenBadgeCredential), ``schema`` (1EdTech OB 3.0 JSON Schema),
``signature`` (Data Integrity eddsa-rdfc-2022; keys of our own issuers from the database, did:key from the
identifier itself, nothing from the network), ``issuer`` (a member of the alliance?), ``status`` (revoked?,
from our own status lists), ``validity`` (validFrom / validUntil).

Each check passes (True), fails (False) or could not be made (None). The result is ``invalid`` when any
check fails, ``could_not_check`` when none fails but one could not be made, and ``valid`` otherwise.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred import vc
from microcred.credentials.models import IssuedCredential, StatusList
from microcred.credentials.services.issuers import issuer_for_did, resolve_verification_method
from microcred.credentials.services.schemas import ob_schema_errors
from microcred.credentials.services.status import bits_of
from microcred.reference.models import Institution
from microcred.vc.data_integrity import is_datetime_stamp

VALID = "valid"
INVALID = "invalid"
COULD_NOT_CHECK = "could_not_check"
EXIT_CODES = {VALID: 0, INVALID: 1, COULD_NOT_CHECK: 2}
MAX_DOCUMENT_BYTES = 1024 * 1024
CHECK_NAMES = ("format", "schema", "signature", "issuer", "status", "validity")
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


CHECK_LABELS = {
    "format": gettext_lazy("Format"),
    "schema": gettext_lazy("Schema"),
    "signature": gettext_lazy("Signature"),
    "issuer": gettext_lazy("Issuer"),
    "status": gettext_lazy("Status"),
    "validity": gettext_lazy("Validity"),
}


# What went wrong in the signing core, in the reader's language. The core's own messages are English and
# may name the exact term or key; they follow in parentheses when they say more than the class does.
VC_MESSAGES = {
    vc.ContextNotAllowed: gettext_lazy("The credential uses a JSON-LD context that is not on our allow-list."),
    vc.UndefinedTerm: gettext_lazy("The credential contains a term that none of its JSON-LD contexts defines."),
    vc.RelativeIRI: gettext_lazy("The credential contains a relative identifier; identifiers must be absolute."),
    vc.UnsafeInput: gettext_lazy("The credential contains values that cannot be checked safely."),
    vc.UnsupportedJsonLd: gettext_lazy("The credential uses a JSON-LD feature that is not supported."),
    vc.InvalidJsonLd: gettext_lazy("The credential is not valid JSON-LD."),
    vc.CanonicalizationTooComplex: gettext_lazy(
        "The credential's structure is too complex to check safely (possible dataset poisoning); it was refused."
    ),
    vc.CanonicalizationError: gettext_lazy("The credential could not be put in canonical form."),
    vc.InvalidKey: gettext_lazy("The key is malformed or not an Ed25519 key."),
    vc.MissingProof: gettext_lazy("The credential is not signed (no proof)."),
    vc.MalformedProof: gettext_lazy("The proof is malformed."),
    vc.UnsupportedCryptosuite: gettext_lazy("The proof uses a proof type or cryptosuite this verifier does not know."),
    vc.KeyResolutionError: gettext_lazy("The signing key could not be found."),
    vc.InvalidProof: gettext_lazy(
        "The signature does not match: the credential has been altered or was not signed by this key."
    ),
    vc.ProofError: gettext_lazy("The proof is not valid."),
    vc.StatusListError: gettext_lazy("The status list is malformed."),
    vc.BakingError: gettext_lazy("No credential could be read from the image."),
    vc.VCError: gettext_lazy("The credential could not be processed."),
}


def vc_message(error: vc.VCError) -> str:
    """`error` for people, in the active language, with the core's detail when it adds something."""
    for cls in type(error).__mro__:
        if cls in VC_MESSAGES:
            text = str(VC_MESSAGES[cls])
            detail = error.message
            if detail and detail != getattr(cls, "default_message", None) and detail != text:
                text = f"{text} ({detail})"
            return text
    return error.message


@dataclass
class Check:
    check: str
    passed: bool | None
    message: str

    @property
    def label(self) -> str:
        """The check's name for people, in their language (`check` is the stable machine name)."""
        return str(CHECK_LABELS.get(self.check, self.check))


@dataclass
class VerificationReport:
    result: str
    reason: str
    checks: list[Check] = field(default_factory=list)
    credential_id: str = ""
    issuer_id: str = ""
    issuer_name: str = ""
    title: str = ""

    @property
    def is_valid(self) -> bool:
        return self.result == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.result]

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.check == name)

    def as_dict(self) -> dict:
        return asdict(self)


class UnreadableCredential(Exception):
    """The input is not a credential this verifier can read (message for people)."""


def load_credential(data: bytes | str | dict):
    """A credential from JSON text, a JSON object, or a baked PNG/SVG image (returns a dict or a JWS string)."""
    if data is None or isinstance(data, dict | list | int | float):
        return data  # already parsed JSON: the format check says whether it is a credential
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        raise UnreadableCredential(_("The input is not JSON, PNG or SVG."))
    if len(data) > 32 * MAX_DOCUMENT_BYTES:
        raise UnreadableCredential(_("The file is too large."))
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return vc.unbake_png(bytes(data))
        head = data.lstrip()[:512].lower()
        if head.startswith(b"<") and (b"<svg" in data[:4096].lower()):
            return vc.unbake_svg(data.decode("utf-8"))
    except vc.BakingError as exc:
        raise UnreadableCredential(vc_message(exc)) from exc
    except UnicodeDecodeError as exc:
        raise UnreadableCredential(_("The SVG image is not UTF-8 text.")) from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableCredential(_("The credential is larger than 1 MB."))
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableCredential(_("The credential is not valid JSON: %(why)s") % {"why": exc}) from exc


def _parse_datetime(value) -> datetime | None:
    if not is_datetime_stamp(value):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _issuer_id_and_name(doc: dict) -> tuple[str, str]:
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer, ""
    if isinstance(issuer, dict):
        return str(issuer.get("id") or ""), str(issuer.get("name") or "")
    return "", ""


def _format_check(doc) -> Check:
    if isinstance(doc, str):
        return Check(
            "format", False, _("This is a VC-JWT (compact JWS); only Data Integrity credentials are supported.")
        )
    if not isinstance(doc, dict):
        return Check("format", False, _("A credential must be a JSON object."))
    types = doc.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if "VerifiableCredential" not in types or not CREDENTIAL_TYPES & set(types):
        return Check("format", False, _("This is not an Open Badges 3.0 credential (type OpenBadgeCredential)."))
    if not isinstance(doc.get("@context"), list):
        return Check("format", False, _("The credential has no @context list."))
    return Check("format", True, _("A JSON Open Badges 3.0 credential."))


def _schema_check(doc: dict) -> Check:
    errors = ob_schema_errors(doc)
    if errors:
        more = _(" (and %(n)d more)") % {"n": len(errors) - 3} if len(errors) > 3 else ""
        return Check(
            "schema",
            False,
            _("Does not conform to the OB 3.0 JSON Schema: %(errors)s") % {"errors": "; ".join(errors[:3]) + more},
        )
    return Check("schema", True, _("Conforms to the Open Badges 3.0 JSON Schema."))


def _signature_check(doc: dict, issuer_id: str) -> Check:
    try:
        result = vc.verify(doc, resolve_verification_method)
    except vc.VCError as exc:  # defensive: verify reports errors, but never let one escape
        return Check("signature", False, vc_message(exc))
    except (TypeError, ValueError, KeyError, RecursionError):
        return Check("signature", False, _("The credential could not be processed as JSON-LD."))
    if not result.verified:
        error = result.error
        if isinstance(error, vc.KeyResolutionError):
            return Check("signature", None, vc_message(error))
        if isinstance(error, vc.ContextNotAllowed | vc.CanonicalizationTooComplex):
            return Check(
                "signature", None, _("The signature could not be checked: %(why)s") % {"why": vc_message(error)}
            )
        if isinstance(error, vc.MissingProof):
            return Check("signature", False, _("The credential is not signed (no proof)."))
        if isinstance(error, vc.InvalidProof):
            return Check(
                "signature",
                False,
                _("The signature does not match: the credential has been altered or was not signed by this key."),
            )
        return Check("signature", False, vc_message(error) if error else _("The signature is not valid."))
    controller = result.verification_method.partition("#")[0]
    if controller != issuer_id:
        return Check(
            "signature",
            False,
            _("The signing key belongs to %(who)s, not to the issuer %(issuer)s.")
            % {"who": controller, "issuer": issuer_id or "?"},
        )
    return Check(
        "signature",
        True,
        _("Signed by the issuer's key %(vm)s (%(suite)s).")
        % {"vm": result.verification_method, "suite": result.proof.get("cryptosuite")},
    )


def _issuer_check(issuer_id: str, issuer_name: str) -> Check:
    issuer = issuer_for_did(issuer_id) if issuer_id else None
    if issuer is not None:
        if issuer.institution.is_alliance:
            return Check("issuer", True, _("Issued by %(name)s, the alliance.") % {"name": issuer.name})
        return Check("issuer", True, _("Issued by %(name)s, a member of the alliance.") % {"name": issuer.name})
    if issuer_name and Institution.objects.filter(name__iexact=issuer_name.strip()).exists():
        return Check(
            "issuer",
            False,
            _("The issuer calls itself %(name)s, but %(id)s is not that member's identifier.")
            % {"name": issuer_name, "id": issuer_id or "?"},
        )
    return Check(
        "issuer",
        None,
        _("The issuer %(id)s is not a member of the alliance; who it is could not be checked.")
        % {"id": issuer_id or "?"},
    )


def _status_check(doc: dict, issuer_id: str) -> Check:
    entry = doc.get("credentialStatus")
    if entry is None:
        return Check("status", True, _("The credential has no revocation status (it cannot be revoked)."))
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return Check("status", None, _("The credential's status entry is of a kind this verifier cannot check."))
    url = entry.get("statusListCredential")
    status_list = StatusList.objects.select_related("issuer").filter(url=url).first() if url else None
    if status_list is None:
        return Check(
            "status",
            None,
            _("The status list %(url)s is not one of ours and is not fetched (offline).") % {"url": url or "?"},
        )
    if status_list.issuer.did != issuer_id:
        return Check("status", False, _("The status list belongs to another issuer."))
    if entry.get("statusPurpose") != status_list.purpose:
        return Check("status", False, _("The status purpose does not match the status list."))
    try:
        index = int(entry.get("statusListIndex"))
        revoked = bool(bits_of(status_list).get(index))
    except (TypeError, ValueError, vc.StatusListError):
        return Check("status", False, _("The status list index is not valid."))
    if revoked:
        issued = IssuedCredential.objects.filter(status_list=status_list, status_index=index).first()
        when = issued.revoked_at if issued and issued.revoked_at else status_list.updated_at
        return Check("status", False, _("Revoked on %(date)s.") % {"date": when.date().isoformat()})
    return Check(
        "status",
        True,
        _("Not revoked (status list checked %(when)s).") % {"when": vc.format_datetime(datetime.now(UTC))},
    )


def _validity_check(doc: dict, now: datetime) -> Check:
    valid_from = _parse_datetime(doc.get("validFrom"))
    if valid_from is None:
        return Check("validity", False, _("The credential has no valid validFrom date."))
    if valid_from > now:
        return Check("validity", False, _("Not valid before %(date)s.") % {"date": doc["validFrom"]})
    if "validUntil" in doc:
        valid_until = _parse_datetime(doc.get("validUntil"))
        if valid_until is None:
            return Check("validity", False, _("The validUntil date is not valid."))
        if valid_until < now:
            return Check("validity", False, _("Expired on %(date)s.") % {"date": doc["validUntil"]})
        return Check(
            "validity",
            True,
            _("Valid from %(start)s until %(end)s.") % {"start": doc["validFrom"], "end": doc["validUntil"]},
        )
    return Check("validity", True, _("Valid from %(start)s; it does not expire.") % {"start": doc["validFrom"]})


def verify_credential_document(doc, *, now: datetime | None = None) -> VerificationReport:
    """Verify a credential (a dict, JSON text or bytes, or a baked PNG/SVG) and report every check."""
    now = now or datetime.now(UTC)
    try:
        doc = load_credential(doc)
    except UnreadableCredential as exc:
        checks = [Check("format", False, str(exc))]
    else:
        checks = [_format_check(doc)]
    if checks[0].passed:
        issuer_id, issuer_name = _issuer_id_and_name(doc)
        checks += [
            _schema_check(doc),
            _signature_check(doc, issuer_id),
            _issuer_check(issuer_id, issuer_name),
            _status_check(doc, issuer_id),
            _validity_check(doc, now),
        ]
    else:
        doc, issuer_id, issuer_name = None, "", ""
        checks += [Check(name, None, _("Not checked.")) for name in CHECK_NAMES[1:]]
    failed = [c for c in checks if c.passed is False]
    unknown = [c for c in checks if c.passed is None]
    if failed:
        result, reason = INVALID, " ".join(c.message for c in failed)
    elif unknown:
        result, reason = COULD_NOT_CHECK, " ".join(c.message for c in unknown)
    else:
        result, reason = VALID, _("Every check passed.")
    title = ""
    if isinstance(doc, dict):
        subject = doc.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        title = str(achievement.get("name", "")) if isinstance(achievement, dict) else str(doc.get("name", ""))
    return VerificationReport(
        result=result,
        reason=reason,
        checks=checks,
        credential_id=str(doc.get("id", "")) if isinstance(doc, dict) else "",
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        title=title,
    )


def describe_document(doc: dict) -> dict:
    """The content of any OB 3.0 credential in plain words, for the verification page (never trusted data:
    the template escapes every value)."""

    def text(value) -> str:
        return value if isinstance(value, str) else ""

    subject = doc.get("credentialSubject") if isinstance(doc.get("credentialSubject"), dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    identifiers = subject.get("identifier") if isinstance(subject.get("identifier"), list) else []
    names = [
        text(i.get("identityHash"))
        for i in identifiers
        if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
    ]
    alignments = achievement.get("alignment") if isinstance(achievement.get("alignment"), list) else []
    results = subject.get("result") if isinstance(subject.get("result"), list) else []
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}
    return {
        "title": text(achievement.get("name")) or text(doc.get("name")),
        "description": text(achievement.get("description")),
        "criteria": text(criteria.get("narrative")),
        "learner": names[0] if names else text(subject.get("name")),
        "issuer": _issuer_id_and_name(doc)[1],
        "valid_from": text(doc.get("validFrom")),
        "valid_until": text(doc.get("validUntil")),
        "credits": achievement.get("creditsAvailable")
        if isinstance(achievement.get("creditsAvailable"), int | float)
        else None,
        "alignments": [
            {
                "name": text(a.get("targetName")),
                "url": text(a.get("targetUrl")),
                "framework": text(a.get("targetFramework")),
            }
            for a in alignments
            if isinstance(a, dict)
        ],
        "results": [text(r.get("value")) for r in results if isinstance(r, dict) and r.get("value")],
    }
