"""Reading and verifying a credential another issuer gave the learner, before she adds it to her wallet (issue #18,
receiving). No writes here: wallet.services adds, re-checks and removes.

Each format is a *kind* (KINDS): how to tell it from what was pasted or uploaded, how our verifier checks it, and
what its verified data say about whom it was issued to. Open Badges 3.0 (credentials.services.verification, other
issuers' did:web documents and status lists fetched only from listed hosts, services/remote.py) and SD-JWT VC
(credentials.services.sd_jwt_verification) and the sealed European Learning Model credential (a JAdES seal,
microcred.seals.services.verify_sealed_elm) are the kinds; a further one is registered with :func:`register_kind`.

Which credentials may be added (the rule the page explains):

* our verifier accepts it: every check that decides passes (signature, status, validity, format), except that its
  issuer may be outside the alliance ("could not be checked": who it is, is its DID, whose key came from a host the
  operator listed). Revoked, expired, altered, or an issuer whose key or status list cannot be reached: refused with
  the verifier's message. A sealed ELM whose seal certificate the platform cannot vouch for (the seals app reads no
  EU Trusted List: its "trust" check could not be made) is refused too, since anyone can make a certificate that
  names an issuer.
* it is not one of ours (those are already in the wallet of the person they were issued to);
* it was issued to her. When the verified data name an e-mail address (OB 3.0 ``identifier`` of type
  ``emailAddress``, hashed with its salt or plain, or a ``mailto:`` subject; SD-JWT VC a disclosed ``email``), it
  must be her account's; otherwise, when they name a person (OB 3.0 an unhashed ``name`` identity or the subject's
  name; SD-JWT VC a disclosed ``name``, or ``given_name`` and ``family_name``), it must be her account's name
  (case, accents, spacing and word order aside), unless the subject is the DID she gave in her account; when they
  name neither (another DID only, or nothing disclosed), she confirms that it was issued to her, and that is
  recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred import vc
from microcred.core.exceptions import ValidationFailed
from microcred.credentials.services.sd_jwt_verification import sd_jwt_text, verify_sd_jwt_vc
from microcred.credentials.services.verification import (
    Check,
    UnreadableCredential,
    VerificationReport,
    _verdict,
    accepted_from_any_issuer,
    document_sha256,
    load_credential,
    verify_credential_document,
)
from microcred.credentials.services.verification_cache import own_issuer
from microcred.credentials.uploads import MAX_UPLOAD_BYTES, PDF_MAGIC, recognise_upload
from microcred.seals.reports import describe_sealed_elm, lang_text, looks_sealed, sealed_elm_report, sealed_payload

OB3 = "ob3"
SD_JWT_VC = "sd_jwt_vc"
SEALED_ELM = "sealed_elm"
#: How a recognition request keeps a received credential that is not Open Badges JSON (an SD-JWT VC, a sealed ELM):
#: ``{RECEIVED_KEY: {"format": kind, "credential": text}}`` (an Open Badges credential is kept as itself).
RECEIVED_KEY = "received_credential"


class NotReceivable(ValidationFailed):
    """What was given cannot be added (message for people); nothing was stored. ``report``: the verifier's, if any."""

    code = "not_receivable"

    def __init__(self, message: str, report: VerificationReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Holder:
    """Whom the credential says it was issued to, from its verified data."""

    emails: tuple[str, ...] = ()  # plain addresses
    email_hashes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (sha256$hex, the salts the document gives)
    names: tuple[str, ...] = ()
    dids: tuple[str, ...] = ()  # the subject's DID (OB 3.0 credentialSubject.id)


@dataclass(frozen=True)
class Reading:
    """A credential as read and verified: what is kept if the learner adds it."""

    kind: str
    document: str  # as given (text): kept, and verified again on a re-check
    digest: str
    report: VerificationReport
    holder: Holder = field(default_factory=Holder)
    issued_on: date | None = None

    @property
    def accepted(self) -> bool:
        return accepted(self.report)


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    #: (the text as given) -> VerificationReport
    verify: Callable[[str], VerificationReport]
    #: (the text as given, the report) -> Holder, from the verified data
    holder: Callable[[str, VerificationReport], Holder]
    #: (the report) -> the date of issue, or None
    issued_on: Callable[[VerificationReport], date | None]
    #: (the text as given) -> the digest that makes one credential one row
    digest: Callable[[str], str]
    #: (the report) -> what it says in the plain words of verification.describe_credential (same keys), or None
    content: Callable[[VerificationReport], dict | None] = lambda report: report.content


def accepted(report: VerificationReport) -> bool:
    """Every check that decides passes; the issuer may be outside the alliance when the signature holds."""
    return accepted_from_any_issuer(report)


# --- Open Badges 3.0 ----------------------------------------------------------------------------------------


def _parsed(text: str):
    return load_credential(text.encode("utf-8", "surrogatepass"))


def _ob3_verify(text: str) -> VerificationReport:
    try:
        document = _parsed(text)
    except UnreadableCredential:
        document = text  # the verifier reports why it cannot read it
    return verify_credential_document(document)


def _salts(document) -> tuple[str, ...]:
    """The salts the document's subject gives with its identifiers (JSON spelling: a salt need not be signed, since
    only a hash that is signed and equals SHA-256(her address + salt) is taken as hers)."""
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    found = []
    for s in subject if isinstance(subject, list) else [subject]:
        identifiers = s.get("identifier") if isinstance(s, dict) else None
        for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(identifier, dict) and isinstance(identifier.get("salt"), str):
                found.append(identifier["salt"])
    return tuple(dict.fromkeys([*found, ""]))


def _ob3_holder(text: str, report: VerificationReport) -> Holder:
    if not report.content_signed:
        return Holder()
    try:
        document = _parsed(text)
        facts = vc.read_credential(vc.document_to_quads(vc.unsecured(document)))  # the data the signature covers
    except (UnreadableCredential, vc.VCError, TypeError, ValueError, KeyError, RecursionError):
        return Holder()
    emails, hashes, names, dids = [], [], [], []
    salts = _salts(document)
    for subject in facts.subjects:
        if subject.id.startswith("did:"):
            dids.append(subject.id)
        if subject.id.lower().startswith("mailto:"):
            emails.append(subject.id[7:])
        for identity in subject.identities:
            if identity.identity_type != ("emailAddress",):
                continue
            for value in identity.identity_hash:
                if identity.hashed == ("true",) or value.startswith(("sha256$", "md5$")):
                    hashes.append((value, salts))
                else:
                    emails.append(value)
        names.extend(subject.plain_names)
    return Holder(emails=tuple(emails), email_hashes=tuple(hashes), names=tuple(names), dids=tuple(dids))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _ob3_issued_on(report: VerificationReport) -> date | None:
    if report.facts.valid_from is not None:
        return report.facts.valid_from.date()
    return None


def _ob3_digest(text: str) -> str:
    """The parsed credential's SHA-256 (credentials' document_sha256): its JSON file and a badge image carrying it
    are one credential."""
    try:
        return document_sha256(_parsed(text))
    except UnreadableCredential:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --- SD-JWT VC ----------------------------------------------------------------------------------------------


def _sd_jwt_verify(text: str) -> VerificationReport:
    return verify_sd_jwt_vc(text.strip())


def _claims(report: VerificationReport) -> dict:
    claims = (report.content or {}).get("claims") if report.content_signed else None
    return claims if isinstance(claims, dict) else {}


def _sd_jwt_holder(text: str, report: VerificationReport) -> Holder:
    claims = _claims(report)
    emails = (claims["email"],) if isinstance(claims.get("email"), str) else ()
    names = []
    if isinstance(claims.get("name"), str):
        names.append(claims["name"])
    elif isinstance(claims.get("given_name"), str) and isinstance(claims.get("family_name"), str):
        names.append(f"{claims['given_name']} {claims['family_name']}")
    return Holder(emails=emails, names=tuple(names))


def _sd_jwt_issued_on(report: VerificationReport) -> date | None:
    claims = _claims(report)
    if isinstance(claims.get("awarded_on"), str):
        return _date(claims["awarded_on"])
    iat = claims.get("iat")
    if isinstance(iat, int | float) and not isinstance(iat, bool):
        return datetime.fromtimestamp(iat, UTC).date()
    return None


def _text(value) -> str:
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _sd_jwt_content(report: VerificationReport) -> dict | None:
    """The disclosed claims (our SD-JWT VC's names: credentials.services.sd_jwt_vc) in describe_credential's words."""
    claims = _claims(report)
    if not claims:
        return None
    achievement = claims.get("achievement") if isinstance(claims.get("achievement"), dict) else {}
    outcomes = achievement.get("learning_outcomes") if isinstance(achievement.get("learning_outcomes"), list) else []
    criteria = _text(achievement.get("completion_criteria"))
    if outcomes:  # as recognition's snapshot reads them from an Open Badges credential's criteria
        criteria = "\n".join([criteria, "Learning outcomes:", *(f"- {_text(o)}" for o in outcomes if _text(o))])
    eqf = _text(achievement.get("eqf_level"))
    return {
        "title": _text(achievement.get("title")) or report.title,
        "description": _text(achievement.get("description")),
        "criteria": criteria.strip(),
        "learner": _text(claims.get("name")),
        "issuer": _text(claims.get("issuer_name")) or report.issuer_name,
        "valid_from": _text(claims.get("awarded_on")),
        "valid_until": report.facts.valid_until.date().isoformat() if report.facts.valid_until else "",
        "credits": _text(achievement.get("ects_credits")) or None,
        "alignments": [{"name": f"EQF level {eqf}", "url": "", "framework": "EQF"}] if eqf else [],
        "results": [_text(claims["grade"])] if _text(claims.get("grade")) else [],
    }


def _sd_jwt_digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("ascii", "replace")).hexdigest()


# --- Sealed European Learning Model credential (microcred.seals) -------------------------------------------


def _sealed_holder(text: str, report: VerificationReport) -> Holder:
    subject = sealed_payload(report).get("credentialSubject")
    if not isinstance(subject, dict):
        return Holder()
    contact = subject.get("contactPoint") if isinstance(subject.get("contactPoint"), dict) else {}
    mailbox = contact.get("emailAddress") if isinstance(contact.get("emailAddress"), dict) else {}
    address = str(mailbox.get("id") or "")
    name = lang_text(subject.get("fullName"))
    subject_id = str(subject.get("id") or "")
    return Holder(
        emails=(address[7:],) if address.lower().startswith("mailto:") else (),
        names=(name,) if name else (),
        dids=(subject_id,) if subject_id.startswith("did:") else (),
    )


def _sealed_issued_on(report: VerificationReport) -> date | None:
    payload = sealed_payload(report)
    return _date(str(payload.get("issuanceDate") or payload.get("issued") or payload.get("validFrom") or ""))


def _sealed_verify(text: str) -> VerificationReport:
    # The seal signs the payload's bytes, so the file is verified as written.
    return sealed_elm_report(text.encode("utf-8"))


def _sealed_digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


KINDS: dict[str, Kind] = {
    OB3: Kind(OB3, gettext_lazy("Open Badges 3.0"), _ob3_verify, _ob3_holder, _ob3_issued_on, _ob3_digest),
    SD_JWT_VC: Kind(
        SD_JWT_VC,
        gettext_lazy("SD-JWT VC"),
        _sd_jwt_verify,
        _sd_jwt_holder,
        _sd_jwt_issued_on,
        _sd_jwt_digest,
        _sd_jwt_content,
    ),
    SEALED_ELM: Kind(
        SEALED_ELM,
        gettext_lazy("Sealed European Learning Model credential"),
        _sealed_verify,
        _sealed_holder,
        _sealed_issued_on,
        _sealed_digest,
        describe_sealed_elm,
    ),
}


def register_kind(kind: Kind) -> None:
    """A further format (the sealed European Learning Model credential, from microcred.seals)."""
    KINDS[kind.name] = kind


# --- Telling what was given ---------------------------------------------------------------------------------


def _is_elm(raw: bytes) -> bool:
    if raw.lstrip()[:1] != b"{":
        return False
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    types = document.get("type") if isinstance(document, dict) else None
    return "EuropeanDigitalCredential" in (types if isinstance(types, list) else [types])


def _kind_and_text(raw: bytes) -> tuple[str, str]:
    """(kind, the text kept) for what was pasted or uploaded; NotReceivable when it is none of the formats."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise NotReceivable(_("The file is larger than 2 MB; a credential is much smaller."))
    if raw[:1024].lstrip().startswith(PDF_MAGIC):
        raise NotReceivable(
            _(
                "This is a PDF: a printout, not signed data, so it cannot be verified. Add the signed credential "
                "instead (JSON, a badge image with the credential in it, or an SD-JWT VC)."
            )
        )
    compact = sd_jwt_text(raw)
    if compact is not None:
        return SD_JWT_VC, compact
    if looks_sealed(raw):
        try:
            return SEALED_ELM, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotReceivable(_("The sealed credential is not UTF-8 text.")) from None
    if _is_elm(raw):
        recognised = recognise_upload(raw)
        if recognised is not None and recognised.credential is not None:
            raise NotReceivable(
                _("This is the European Learning Model export of a credential issued here: it is not another issuer's.")
            )
        raise NotReceivable(
            _(
                "This is a European Learning Model (Europass) credential without a seal: nothing in it can be "
                "verified, so it cannot be added. Add the sealed file the issuer gave you, or its Open Badges 3.0 "
                "credential."
            )
        )
    try:
        document = load_credential(raw)  # JSON, or the credential baked in a PNG or SVG badge
    except UnreadableCredential as exc:
        raise NotReceivable(str(exc)) from None
    if document is None:
        raise NotReceivable(_("This image does not carry a credential."))
    if raw.lstrip()[:1] in (b"{", b"["):
        return OB3, raw.decode("utf-8", "surrogatepass")
    return OB3, json.dumps(document, ensure_ascii=False)  # from a badge image: the credential in it


def read(raw: bytes) -> Reading:
    """What was pasted or uploaded, told apart and verified (no writes). NotReceivable when it is no credential."""
    kind_name, text = _kind_and_text(raw)
    return verify_text(kind_name, text)


def verify_text(kind_name: str, text: str) -> Reading:
    """Verify a credential of a known kind (kept text: a re-check verifies it the same way)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise NotReceivable(_("Credentials of this format cannot be checked here yet."))
    report = kind.verify(text)
    return Reading(
        kind=kind_name,
        document=text,
        digest=kind.digest(text),
        report=report,
        holder=kind.holder(text, report),
        issued_on=kind.issued_on(report),
    )


def verify_kept(kind_name: str, text: str) -> VerificationReport:
    """The verifier's report now, for a credential kept as text of a known kind (a received credential attached to
    a recognition request): "could not check" when the format cannot be checked here any more."""
    try:
        return verify_text(kind_name, text).report
    except NotReceivable as exc:
        checks = [Check("format", None, exc.message)]
        return VerificationReport(*_verdict(checks), checks=checks)


def described(kind_name: str, report: VerificationReport) -> VerificationReport:
    """The report with its content in describe_credential's words whatever the format (recognition's snapshot of
    the Annex 1 elements reads them)."""
    kind = KINDS.get(kind_name)
    if kind is None or kind.content is None:
        return report
    return replace(report, content=kind.content(report))


def kept_for_recognition(kind_name: str, text: str):
    """How a recognition request keeps the credential: an Open Badges credential as its JSON object (as an upload
    is kept), any other format as ``{RECEIVED_KEY: {"format", "credential"}}``."""
    if kind_name == OB3:
        try:
            return _parsed(text)
        except UnreadableCredential:
            pass
    return {RECEIVED_KEY: {"format": kind_name, "credential": text}}


def is_ours(report: VerificationReport) -> bool:
    return bool(report.issuer_id) and own_issuer(report.issuer_id) is not None


# --- Whose it is --------------------------------------------------------------------------------------------


def _name_key(name: str) -> tuple[str, ...]:
    """A name as compared: accents, case, punctuation, spacing and word order aside ("Weber, Kätrin" = "katrin
    weber")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return tuple(sorted(re.findall(r"\w+", plain.casefold())))


def _email_matches(hashed: str, salts: tuple[str, ...], email: str) -> bool:
    algorithm, _sep, digest = hashed.partition("$")
    if algorithm not in ("sha256", "md5") or not digest:
        return False
    for salt in salts:
        for candidate in {email, email.lower()}:
            value = hashlib.new(algorithm, (candidate + salt).encode("utf-8")).hexdigest()
            if value == digest.lower():
                return True
    return False


@dataclass(frozen=True)
class Match:
    basis: str  # "email", "did", "name", or "confirmation" (she must confirm: the data name none of them)
    refused: str = ""  # a message when the data name someone else


def holder_match(holder: Holder, user) -> Match:
    """Is the credential hers? By e-mail address when the credential names one, else by name, else by her
    confirmation (see the module's rule)."""
    email = (getattr(user, "email", "") or "").strip()
    if holder.emails or holder.email_hashes:
        plain = any(e.strip().lower() == email.lower() for e in holder.emails)
        hashed = any(_email_matches(h, salts, email) for h, salts in holder.email_hashes)
        if email and (plain or hashed):
            return Match("email")
        return Match(
            "email",
            _(
                "This credential was issued to another e-mail address than your account's (%(email)s): only a "
                "credential issued to you can be added to your wallet."
            )
            % {"email": email},
        )
    did = (getattr(user, "did", "") or "").strip()
    if did and did in holder.dids:
        return Match("did")
    if holder.names:
        mine = _name_key(getattr(user, "full_name", "") or "")
        if mine and any(_name_key(n) == mine for n in holder.names):
            return Match("name")
        return Match(
            "name",
            _(
                "This credential names %(names)s, not %(mine)s (the name in your account): only a credential issued "
                "to you can be added to your wallet. If it is your name as written elsewhere, correct the name in "
                "your account first."
            )
            % {"names": ", ".join(holder.names), "mine": getattr(user, "full_name", "") or "—"},
        )
    return Match("confirmation")
