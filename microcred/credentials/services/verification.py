"""Verifying a credential document (Open Badges 3.0 §9.1), offline by default: every check reported separately.

Checks, in order: ``format`` (an Open Badges 3.0 credential), ``schema`` (the 1EdTech OB 3.0 JSON Schema;
advisory, see below), ``signature`` (Data Integrity eddsa-rdfc-2022 or eddsa-jcs-2022, as the proof says;
keys of our own issuers from the database (kept in process memory until a key or issuer changes:
services/verification_cache.py), did:key from the identifier itself, other did:web issuers only from
DID_WEB_ALLOWED_HOSTS),
``issuer`` (a member of the alliance?), ``status`` (revoked or suspended? asked of the status-list resolvers,
services/status_resolvers.py), ``validity`` (validFrom / validUntil). ``verify_and_record`` also keeps what
was found (a VerificationRecord) for whoever must cite it.

**Every fact checked or shown comes from the data the signature covers.** The proof signs the document's
RDF dataset, not its JSON spelling: a member renamed to its full IRI or to an alias from an inline context
gives the same dataset and the same valid signature. So the issuer, subject, achievement, results, dates
and status entries are read from the verified dataset (:func:`microcred.vc.read_credential`), never from
JSON keys; a renamed ``credentialStatus`` is still found, and still revoked.

Each check passes (True), fails (False) or could not be made (None). The result is ``invalid`` when any
check fails, ``could_not_check`` when none fails but one could not be made, and ``valid`` otherwise.
Schema conformance is *advisory*: it is reported, but a credential that VC 2.0 allows and the OB 3.0 JSON
Schema does not (a single ``proof`` object, for example) is not called invalid for it.

A construct the signing core does not handle (an unsupported JSON-LD feature, a context we do not pin, a
graph too complex to canonicalize safely, an unknown cryptosuite) is reported as "could not check", never
as tampering: only a signature that does not match the signed data is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.dates import public_datetime
from microcred.core.metrics import observe_verification
from microcred.credentials.models import VerificationRecord
from microcred.credentials.services.schemas import ob_schema_errors
from microcred.credentials.services.status_resolvers import StatusAnswer, StatusQuery, resolve_status
from microcred.credentials.services.trust_registry import RegistryFinding, not_checked_finding, registry_finding
from microcred.credentials.services.verification_cache import key_retirement, own_issuer, resolve_key
from microcred.reference.models import Institution
from microcred.vc.credential_data import XSD

VALID = "valid"
INVALID = "invalid"
COULD_NOT_CHECK = "could_not_check"
EXIT_CODES = {VALID: 0, INVALID: 1, COULD_NOT_CHECK: 2}
MAX_DOCUMENT_BYTES = 1024 * 1024
CHECK_NAMES = ("format", "schema", "signature", "issuer", "status", "validity")
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
DATETIME_TYPES = {XSD + "dateTime", XSD + "dateTimeStamp"}
DC_CREATED = "<http://purl.org/dc/terms/created>"

# Errors of the signing core that mean "this verifier cannot check it", not "it was altered".
UNSUPPORTED_ERRORS = (
    vc.ContextNotAllowed,
    vc.CanonicalizationTooComplex,
    vc.UnsupportedJsonLd,
    vc.UnsafeInput,
    vc.UnsupportedCryptosuite,
    vc.KeyResolutionError,
)
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
    vc.InvalidLanguageTag: gettext_lazy(
        "The credential has an ill-formed language tag (BCP 47); it is not valid JSON-LD, and no verifier accepts it."
    ),
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
    #: An advisory check is reported but does not decide the result (schema conformance).
    advisory: bool = False

    @property
    def label(self) -> str:
        """The check's name for people, in their language (`check` is the stable machine name)."""
        return str(CHECK_LABELS.get(self.check, self.check))


@dataclass(frozen=True)
class ReportFacts:
    """What the plain-language verdict (credentials/verdict.py) needs besides the checks, read from the same
    signed data and the same answers the checks were made from. Not part of the report's JSON (``as_dict``,
    the command's ``--json``) nor of the API's answer, which stay as they were.

    ``validity``: "current", "not_yet_valid", "expired", "malformed" (a date that is not one, or several), or
    "" (not read). ``status``: "active" (checked: not revoked or suspended), "none" (no status entry: it cannot
    be revoked), "revoked", "suspended", "unreachable" (the list could not be fetched now), "unknown" (cannot be
    checked here), "problem" (an entry or list that cannot be right), or "" (not read).
    """

    valid_from: datetime | None = None
    valid_until: datetime | None = None
    validity: str = ""
    status: str = ""
    #: When it was revoked or suspended, when the status list's keeper knows (our own lists).
    status_since: datetime | None = None
    #: The status lists the credential names (their URLs).
    status_lists: tuple[str, ...] = ()
    #: The signature does not match the signed data: changed after signing, or signed with another key.
    altered: bool = False
    #: The proof as verified: its verification method, cryptosuite and ``created`` (None when unsigned).
    verification_method: str = ""
    cryptosuite: str = ""
    proof_created: datetime | None = None


@dataclass
class VerificationReport:
    result: str
    reason: str
    checks: list[Check] = field(default_factory=list)
    credential_id: str = ""
    issuer_id: str = ""
    issuer_name: str = ""
    title: str = ""
    #: What the credential says (see :func:`describe_credential`), read from its signed data; None when
    #: there is nothing trustworthy to show (unreadable, unsigned, or altered).
    content: dict | None = None
    #: False when the content could be read but its signature could not be checked (unknown key).
    content_signed: bool = False
    #: Facts for the plain-language verdict; left out of as_dict.
    facts: ReportFacts = field(default_factory=ReportFacts)
    #: What the issuer registries we trust say of the issuer (services/trust_registry.py): ours, then those the
    #: admin configured; None when nothing was signed data to look up (unreadable input).
    registry: RegistryFinding | None = None

    @property
    def is_valid(self) -> bool:
        return self.result == VALID

    @property
    def signature_failed(self) -> bool:
        return any(c.check == "signature" and c.passed is False for c in self.checks)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.result]

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.check == name)

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["facts"]  # for pages (credentials/verdict.py), not the report's JSON
        data["registry"] = self.registry.as_dict() if self.registry is not None else None
        return data


class UnreadableCredential(Exception):
    """The input is not a credential this verifier can read (message for people)."""


MAX_JSON_DEPTH = 64  # the signing core refuses deeper documents anyway; a JSON parser must not recurse further
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _check_json_text(text: str) -> None:
    """Refuse JSON text nested deeper than MAX_JSON_DEPTH before parsing it (the parser would recurse)."""
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if m.group(0) in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise UnreadableCredential(
                _("The credential nests deeper than %(n)d levels; a real credential never does.")
                % {"n": MAX_JSON_DEPTH}
            )


def _check_parsed(value) -> None:
    """Refuse parsed JSON with lone UTF-16 surrogates (``"\\ud800"``): they are not Unicode text."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableCredential(
            _("The credential contains a lone UTF-16 surrogate (such as \\ud800), which is not valid text.")
        ) from None
    except (RecursionError, ValueError):
        raise UnreadableCredential(
            _("The credential nests deeper than %(n)d levels; a real credential never does.") % {"n": MAX_JSON_DEPTH}
        ) from None


def parse_json_document(data: bytes | str):
    """JSON text (UTF-8) to a Python value, safely: depth-limited, no lone surrogates (UnreadableCredential)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    except UnicodeDecodeError as exc:  # a binary file (a PDF, a photo, a zip): no decoder detail for people
        raise UnreadableCredential(
            _("This file is not text, so not a credential: upload the credential (JSON) or its badge (PNG or SVG).")
        ) from exc
    _check_json_text(text)
    try:
        value = json.loads(text)
    except RecursionError:
        raise UnreadableCredential(
            _("The credential nests deeper than %(n)d levels; a real credential never does.") % {"n": MAX_JSON_DEPTH}
        ) from None
    except ValueError as exc:
        raise UnreadableCredential(_("The credential is not valid JSON: %(why)s") % {"why": exc}) from exc
    _check_parsed(value)
    return value


def load_credential(data: bytes | str | dict):
    """A credential from JSON text, a JSON object, or a baked PNG/SVG image (returns a dict or a JWS string)."""
    if data is None or isinstance(data, dict | list | int | float):
        if data is not None:
            _check_parsed(data)
        return data  # already parsed JSON: the format check says whether it is a credential
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        raise UnreadableCredential(_("The input is not JSON, PNG or SVG."))
    if len(data) > 32 * MAX_DOCUMENT_BYTES:
        raise UnreadableCredential(_("The file is too large."))
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            baked = vc.unbake_png(bytes(data))
            _check_parsed(baked)
            return baked
        head = data.lstrip()[:512].lower()
        if head.startswith(b"<") and (b"<svg" in data[:4096].lower()):
            baked = vc.unbake_svg(data.decode("utf-8"))
            _check_parsed(baked)
            return baked
    except vc.BakingError as exc:
        raise UnreadableCredential(vc_message(exc)) from exc
    except UnicodeDecodeError as exc:
        raise UnreadableCredential(_("The SVG image is not UTF-8 text.")) from exc
    except RecursionError:
        raise UnreadableCredential(
            _("The credential nests deeper than %(n)d levels; a real credential never does.") % {"n": MAX_JSON_DEPTH}
        ) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableCredential(_("The credential is larger than 1 MB."))
    return parse_json_document(data)


def _one_line(values) -> str:
    return "; ".join(v for v in values if v)


def _number_text(lexical: str) -> str:
    """A number from the signed data for people: ``5.5E0`` (a canonical xsd:double) reads ``5.5``."""
    try:
        number = Decimal(lexical)
    except (InvalidOperation, ValueError):
        return lexical
    if not number.is_finite():
        return lexical
    text = format(number.normalize(), "f")
    return text


def _json_format_check(doc) -> Check:
    """What can be said of the JSON before its signed data is read (and all that can be, if it cannot)."""
    if isinstance(doc, str):
        return Check(
            "format", False, _("This is a VC-JWT (compact JWS); only Data Integrity credentials are supported.")
        )
    if not isinstance(doc, dict):
        return Check("format", False, _("A credential must be a JSON object."))
    if "@context" not in doc:
        return Check("format", False, _("The credential has no @context list."))
    types = doc.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if "VerifiableCredential" not in types or not CREDENTIAL_TYPES & set(types):
        return Check("format", False, _("This is not an Open Badges 3.0 credential (type OpenBadgeCredential)."))
    return Check("format", True, _("A JSON Open Badges 3.0 credential."))


def _signed_format_check(facts: vc.CredentialData) -> Check:
    if not facts.is_open_badge:
        return Check("format", False, _("This is not an Open Badges 3.0 credential (type OpenBadgeCredential)."))
    return Check("format", True, _("A JSON Open Badges 3.0 credential."))


def _schema_check(doc: dict) -> Check:
    errors = ob_schema_errors(doc)
    if errors:
        more = _(" (and %(n)d more)") % {"n": len(errors) - 3} if len(errors) > 3 else ""
        return Check(
            "schema",
            False,
            _("Does not conform to the OB 3.0 JSON Schema: %(errors)s") % {"errors": "; ".join(errors[:3]) + more},
            advisory=True,
        )
    return Check("schema", True, _("Conforms to the Open Badges 3.0 JSON Schema."), advisory=True)


@dataclass
class _Signature:
    """The outcome of checking the proof, with the signed data when it could be read."""

    check: Check
    facts: vc.CredentialData | None = None
    signed: bool = False
    result: vc.VerificationResult | None = None
    #: The signature does not match the signed data (InvalidProof).
    altered: bool = False


def _is_unsupported(error) -> bool:
    """A construct this verifier cannot check (not evidence of tampering). An ill-formed language tag is not
    one: jsonld.js refuses it too, and it could make two datasets canonicalize alike."""
    return isinstance(error, UNSUPPORTED_ERRORS) and not isinstance(error, vc.InvalidLanguageTag)


def _unsupported(error: vc.VCError) -> Check:
    return Check("signature", None, _("Could not check: %(why)s") % {"why": vc_message(error)})


def _facts_of_unverified(doc: dict) -> vc.CredentialData | None:
    """The facts of a credential whose key could not be found: what its signature would cover."""
    try:
        return vc.read_credential(vc.document_to_quads(vc.unsecured(doc)))
    except (vc.VCError, TypeError, ValueError, KeyError, RecursionError):
        return None


def _verify_signature(doc: dict) -> _Signature:
    try:
        result = vc.verify(doc, resolve_key)
    except vc.VCError as exc:  # defensive: verify reports errors, but never let one escape
        return _Signature(_unsupported(exc) if _is_unsupported(exc) else Check("signature", False, vc_message(exc)))
    except (TypeError, ValueError, KeyError, RecursionError):
        return _Signature(
            Check("signature", None, _("Could not check: the credential could not be processed as JSON-LD."))
        )
    if result.verified:
        try:
            facts = vc.read_credential(result.dataset)
        except vc.CredentialDataError as exc:
            return _Signature(Check("signature", None, _("Could not check: %(why)s") % {"why": exc.message}))
        return _Signature(
            Check(
                "signature",
                True,
                _("Signed by the issuer's key %(vm)s (%(suite)s).")
                % {"vm": result.verification_method, "suite": result.proof.get("cryptosuite")},
            ),
            facts,
            signed=True,
            result=result,
        )
    error = result.error
    if isinstance(error, vc.InvalidProof):
        return _Signature(
            Check(
                "signature",
                False,
                _("The signature does not match: the credential has been altered or was not signed by this key."),
            ),
            altered=True,
        )
    if isinstance(error, vc.MissingProof):
        return _Signature(Check("signature", False, _("The credential is not signed (no proof).")))
    if isinstance(error, vc.KeyResolutionError):
        return _Signature(Check("signature", None, vc_message(error)), _facts_of_unverified(doc))
    if _is_unsupported(error):
        return _Signature(_unsupported(error))
    return _Signature(Check("signature", False, vc_message(error) if error else _("The signature is not valid.")))


def _proof_created(result: vc.VerificationResult) -> datetime | None:
    """The proof's ``created`` as signed (from the proof configuration's dataset), or None."""
    for _s, p, o, _g in result.proof_dataset:
        if p == DC_CREATED and o.startswith('"'):
            literal = vc.credential_data.parse_literal(o)
            try:
                return vc.parse_datetime_stamp(literal.value)
            except ValueError:
                return None
    return None


def _key_and_issuer_check(signature: _Signature, issuer_id: str) -> Check:
    """The signing key must be the issuer's, and not used after its retirement."""
    result = signature.result
    vm = result.verification_method
    controller = vm.partition("#")[0]
    if controller != issuer_id:
        return Check(
            "signature",
            False,
            _("The signing key belongs to %(who)s, not to the issuer %(issuer)s.")
            % {"who": controller, "issuer": issuer_id or "?"},
        )
    try:
        retired = key_retirement(vm)
    except vc.KeyResolutionError:
        retired = None
    if retired is not None:
        created = _proof_created(result)
        if created is None:
            return Check(
                "signature",
                False,
                _("The key %(vm)s was retired on %(date)s and the proof does not say when it was made.")
                % {"vm": vm, "date": vc.format_datetime(retired)},
            )
        if created >= retired:
            return Check(
                "signature",
                False,
                _("The key %(vm)s was retired on %(date)s; this proof was made after that, on %(created)s.")
                % {"vm": vm, "date": vc.format_datetime(retired), "created": vc.format_datetime(created)},
            )
    return signature.check


def _issuer_check(
    issuer_ids: tuple[str, ...], issuer_names: tuple[str, ...], registry: RegistryFinding | None = None
) -> Check:
    if len(issuer_ids) != 1:
        if not issuer_ids:
            return Check("issuer", False, _("The credential names no issuer."))
        return Check("issuer", False, _("The credential names several issuers."))
    issuer_id = issuer_ids[0]
    issuer = own_issuer(issuer_id) if issuer_id else None
    if issuer is not None:
        if issuer.is_alliance:
            return Check("issuer", True, _("Issued by %(name)s, the alliance.") % {"name": issuer.name})
        return Check("issuer", True, _("Issued by %(name)s, a member of the alliance.") % {"name": issuer.name})
    if registry is not None and registry.is_member and not registry.ours:
        # Another alliance's registry the admin trusts lists this issuer, with the signing key valid then.
        return Check(
            "issuer",
            True,
            _("Issued by %(name)s, a member of %(registry)s according to its registry, which this platform trusts.")
            % {"name": "; ".join(issuer_names) or issuer_id, "registry": registry.registry},
        )
    claimed = [n for n in issuer_names if Institution.objects.filter(name__iexact=n.strip()).exists()]
    if claimed:
        return Check(
            "issuer",
            False,
            _("The issuer calls itself %(name)s, but %(id)s is not that member's identifier.")
            % {"name": claimed[0], "id": issuer_id or "?"},
        )
    return Check(
        "issuer",
        None,
        _("The issuer %(id)s is not a member of the alliance; who it is could not be checked.")
        % {"id": issuer_id or "?"},
    )


def _status_index(entry: vc.credential_data.StatusEntry) -> int | None:
    text = entry.indexes[0]
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)


def _entry_check(entry: vc.credential_data.StatusEntry, issuer_id: str) -> tuple[Check, StatusAnswer | None]:
    """One status entry (Bitstring Status List 1.0 §3.2, validate algorithm), with the resolver's answer."""
    if not entry.is_bitstring_entry:
        return Check("status", None, _("The credential's status entry is of a kind this verifier cannot check.")), None
    if len(entry.list_urls) != 1 or len(entry.indexes) != 1 or len(entry.purposes) != 1:
        return Check(
            "status",
            False,
            _("The status entry is malformed: it must name one status list, one index and one purpose."),
        ), None
    if entry.sizes and entry.sizes != ("1",):
        return Check(
            "status", None, _("The status entry uses status messages (statusSize), which this verifier cannot check.")
        ), None
    url, purpose = entry.list_urls[0], entry.purposes[0]
    index = _status_index(entry)
    if index is None:
        return Check("status", False, _("The status list index is not valid.")), None
    answer = resolve_status(StatusQuery(url=url, index=index, purpose=purpose, issuer_id=issuer_id))
    return Check("status", answer.passed, answer.message), answer


def _status_state(check: Check, answer: StatusAnswer | None) -> tuple[str, datetime | None]:
    """The verdict's name for one entry's outcome (ReportFacts.status), and since when."""
    if answer is not None and answer.state:
        return answer.state, answer.since
    return {True: "active", False: "problem", None: "unknown"}[check.passed], None


def _status_check(facts: vc.CredentialData, issuer_id: str) -> tuple[Check, str, datetime | None]:
    """The status check, with its state and since when (ReportFacts.status, status_since)."""
    if not facts.statuses:
        return Check("status", True, _("The credential has no revocation status (it cannot be revoked).")), "none", None
    answers = [_entry_check(entry, issuer_id) for entry in facts.statuses]
    for outcome in (False, None):
        for check, answer in answers:
            if check.passed is outcome:
                return check, *_status_state(check, answer)
    if len(answers) == 1:
        return answers[0][0], *_status_state(*answers[0])
    return Check("status", True, " ".join(c.message for c, _a in answers)), "active", None


def _one_datetime(literals: tuple, name: str) -> tuple[datetime | None, str, Check | None]:
    """(instant, lexical form, failing check) of a validity date that must appear at most once."""
    if len(literals) > 1:
        return None, "", Check("validity", False, _("The credential has several %(name)s dates.") % {"name": name})
    literal = literals[0]
    if literal.datatype not in DATETIME_TYPES:
        return (
            None,
            literal.value,
            Check("validity", False, _("The %(name)s date is not a date and time.") % {"name": name}),
        )
    try:
        return vc.parse_datetime_stamp(literal.value), literal.value, None
    except ValueError as exc:
        return (
            None,
            literal.value,
            Check(
                "validity",
                False,
                _("The %(name)s date is not valid: %(why)s.") % {"name": name, "why": exc},
            ),
        )


@dataclass(frozen=True)
class _Validity:
    """The validity check, with what the verdict needs of it (ReportFacts.validity, valid_from, valid_until)."""

    check: Check
    state: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def _validity_check(facts: vc.CredentialData, now: datetime) -> _Validity:
    if not facts.valid_from:
        return _Validity(Check("validity", False, _("The credential has no valid validFrom date.")), "malformed")
    valid_from, start, failed = _one_datetime(facts.valid_from, "validFrom")
    if failed:
        return _Validity(failed, "malformed")
    # Written as every public page writes a moment (core.dates: one format per language, issue #16 defect 9); the
    # signed value stays ISO 8601 in the credential itself.
    start = public_datetime(valid_from)
    if valid_from > now:
        return _Validity(
            Check("validity", False, _("Not valid before %(date)s.") % {"date": start}), "not_yet_valid", valid_from
        )
    if facts.valid_until:
        valid_until, end, failed = _one_datetime(facts.valid_until, "validUntil")
        if failed:
            return _Validity(failed, "malformed", valid_from)
        end = public_datetime(valid_until)
        if valid_until < now:
            return _Validity(
                Check("validity", False, _("Expired on %(date)s.") % {"date": end}), "expired", valid_from, valid_until
            )
        return _Validity(
            Check("validity", True, _("Valid from %(start)s until %(end)s.") % {"start": start, "end": end}),
            "current",
            valid_from,
            valid_until,
        )
    return _Validity(
        Check("validity", True, _("Valid from %(start)s; it does not expire.") % {"start": start}),
        "current",
        valid_from,
    )


def _verdict(checks: list[Check]) -> tuple[str, str]:
    deciding = [c for c in checks if not c.advisory]
    failed = [c for c in deciding if c.passed is False]
    unknown = [c for c in deciding if c.passed is None]
    if failed:
        return INVALID, " ".join(c.message for c in failed)
    if unknown:
        return COULD_NOT_CHECK, " ".join(c.message for c in unknown)
    return VALID, _("Every check passed.")


def _not_checked(names, why: str) -> list[Check]:
    return [Check(name, None, why, advisory=name == "schema") for name in names]


@observe_verification  # counted by result and timed in the Prometheus metrics (microcred/core/metrics.py)
def verify_credential_document(doc, *, now: datetime | None = None) -> VerificationReport:
    """Verify a credential (a dict, JSON text or bytes, or a baked PNG/SVG) and report every check."""
    now = now or datetime.now(UTC)
    try:
        doc = load_credential(doc)
    except UnreadableCredential as exc:
        checks = [Check("format", False, str(exc)), *_not_checked(CHECK_NAMES[1:], _("Not checked."))]
        return VerificationReport(*_verdict(checks), checks=checks)
    shape = _json_format_check(doc)
    if not isinstance(doc, dict) or "@context" not in doc:
        checks = [shape, *_not_checked(CHECK_NAMES[1:], _("Not checked."))]
        return VerificationReport(*_verdict(checks), checks=checks)
    schema = _schema_check(doc)
    signature = _verify_signature(doc)
    facts = signature.facts
    if facts is None:
        checks = [
            shape,
            schema,
            signature.check,
            *_not_checked(("issuer", "status", "validity"), _("Not checked: there is no signed data to read.")),
        ]
        return VerificationReport(
            *_verdict(checks),
            checks=checks,
            credential_id=_text(doc.get("id")),
            facts=ReportFacts(altered=signature.altered),
        )
    issuer_id = facts.issuer_ids[0] if len(facts.issuer_ids) == 1 else ""
    signature_check = _key_and_issuer_check(signature, issuer_id) if signature.signed else signature.check
    status_check, status_state, status_since = _status_check(facts, issuer_id)
    validity = _validity_check(facts, now)
    result = signature.result if signature.signed else None
    registry = (
        registry_finding(issuer_id, result.verification_method, _proof_created(result) or validity.valid_from)
        if result is not None and signature_check.passed is True and issuer_id
        else not_checked_finding()
    )
    checks = [
        _signed_format_check(facts),
        schema,
        signature_check,
        _issuer_check(facts.issuer_ids, facts.issuer_names, registry),
        status_check,
        validity.check,
    ]
    content = describe_credential(facts)
    return VerificationReport(
        *_verdict(checks),
        checks=checks,
        credential_id=facts.id,
        issuer_id=issuer_id,
        issuer_name=content["issuer"],
        title=content["title"],
        content=content if signature_check.passed is not False else None,
        content_signed=signature.signed and signature_check.passed is True,
        registry=registry,
        facts=ReportFacts(
            valid_from=validity.valid_from,
            valid_until=validity.valid_until,
            validity=validity.state,
            status=status_state,
            status_since=status_since,
            status_lists=tuple(url for entry in facts.statuses for url in entry.list_urls),
            verification_method=(result.verification_method or "") if result else "",
            cryptosuite=_text((result.proof or {}).get("cryptosuite")) if result else "",
            proof_created=_proof_created(result) if result else None,
        ),
    )


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _moment_text(literals) -> str:
    """A signed date and time as the public pages write one (core.dates), or as signed when it is not one."""
    text = _one_line(lit.value for lit in literals)
    try:
        return public_datetime(vc.parse_datetime_stamp(text)) if text else ""
    except ValueError:
        return text


def describe_credential(facts: vc.CredentialData) -> dict:
    """The content of an OB 3.0 credential in plain words, for the verification page, from its signed data
    (never trusted markup: the template escapes every value)."""
    achievements = [a for subject in facts.subjects for a in subject.achievements]
    alignments = [alignment for a in achievements for alignment in a.alignments]
    credits = [_number_text(c) for a in achievements for c in a.credits_available]
    return {
        "title": _one_line(n for a in achievements for n in a.names) or _one_line(facts.names),
        "description": _one_line(d for a in achievements for d in a.descriptions),
        "criteria": _one_line(c for a in achievements for c in a.criteria),
        "learner": _one_line(n for subject in facts.subjects for n in subject.plain_names),
        "issuer": _one_line(facts.issuer_names),
        "valid_from": _moment_text(facts.valid_from),
        "valid_until": _moment_text(facts.valid_until),
        "credits": _one_line(credits) or None,
        "alignments": [
            {"name": _one_line(a.names), "url": _one_line(a.urls), "framework": _one_line(a.frameworks)}
            for a in alignments
        ],
        "results": [value for subject in facts.subjects for value in subject.result_values],
    }


def document_sha256(doc) -> str:
    """SHA-256 (hex) of a document as it was given: the bytes of a file or text (UTF-8), or, for a parsed JSON
    value, its JSON text with sorted keys and no spaces (RFC 8785 JCS gives the same for the credentials we
    read: no floating-point numbers needing special forms)."""
    if isinstance(doc, str):
        data = doc.encode("utf-8", "surrogatepass")
    elif isinstance(doc, bytes | bytearray):
        data = bytes(doc)
    else:
        data = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    return hashlib.sha256(data).hexdigest()


def verify_and_record(doc, *, user=None, purpose: str = "") -> tuple[VerificationReport, VerificationRecord]:
    """Verify ``doc`` as :func:`verify_credential_document` does and keep what was found → (report, record).

    For callers that must cite the verification later (a recognition decision): the record holds the
    credential's id, the document's SHA-256, its issuer and title (from the signed data), the result and
    every check, when, who asked (if logged in) and why (``purpose``); the document itself is not kept.
    Audited (``credential.verification_recorded``).
    """
    report = verify_credential_document(doc)
    return report, record_verification(report, document_sha256(doc), user=user, purpose=purpose)


def record_verification(report: VerificationReport, sha256: str, *, user=None, purpose: str = "") -> VerificationRecord:
    """Keep a verification's findings (of any format: OB 3.0, SD-JWT VC, sealed ELM) as a VerificationRecord, for
    whoever must cite it later; ``sha256`` is the digest of the document as given. Audited
    (``credential.verification_recorded``)."""
    with transaction.atomic():
        record = VerificationRecord.objects.create(
            credential_id=report.credential_id[:500],
            document_sha256=sha256,
            issuer_id=report.issuer_id[:500],
            issuer_name=(report.issuer_name or "")[:300],
            title=(report.title or "")[:500],
            result=report.result,
            reason=report.reason,
            checks=[
                {"check": c.check, "passed": c.passed, "message": str(c.message), "advisory": c.advisory}
                for c in report.checks
            ],
            purpose=(purpose or "").strip()[:200],
            verified_at=timezone.now(),
            verified_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record_audit_event(
            actor=user,
            action="credential.verification_recorded",
            target=record,
            summary=record.purpose,
            changes={
                "record": str(record.uuid),
                "credential": record.credential_id,
                "sha256": record.document_sha256,
                "issuer": record.issuer_id,
                "result": record.result,
            },
        )
    return record


def accepted_from_any_issuer(report: VerificationReport) -> bool:
    """Does the verifier accept the credential, whoever issued it? Every check that decides passes, except that
    the issuer may be outside the alliance and every registry we trust (its identity "could not be checked"),
    when the signature was checked and passed. The rule of recognition requests and of the wallet's received
    credentials: who the issuer is, is for the person who reads it to weigh."""
    for check in report.checks:
        if check.advisory:
            continue
        if check.check == "issuer" and check.passed is None and report.content_signed:
            continue
        if check.passed is not True:
            return False
    return True
