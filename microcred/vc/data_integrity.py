"""Data Integrity proofs (W3C VC Data Integrity 1.0) with the ``eddsa-rdfc-2022`` (default) or ``eddsa-jcs-2022``
cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0 §3.2, §3.3): signing takes the suite by name,
verification follows each proof's ``cryptosuite`` and refuses any other (``UnsupportedCryptosuite``).

``sign`` adds a proof and always emits ``proof`` as a JSON array (Open Badges 3.0 Appendix A.1 JSON; the OB 3.0
JSON Schema requires an array); ``verify`` accepts an object or an array (VC Data Integrity 1.0 §2.1.1 proof
sets: one valid supported proof suffices).
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ._speedups import compiled
from .contexts import DEFAULT_REGISTRY, ContextRegistry
from .cryptosuites import SUITES, eddsa_rdfc_2022
from .exceptions import (
    KeyResolutionError,
    MalformedProof,
    MissingProof,
    ProofError,
    UnsupportedCryptosuite,
    VCError,
)
from .jsonld import MAX_SAFE_INTEGER, check_input, check_signing_input
from .multikey import public_key_from_bytes, public_key_from_multibase
from .signers import as_signer

PROOF_TYPE = "DataIntegrityProof"
DEFAULT_CRYPTOSUITE = eddsa_rdfc_2022.CRYPTOSUITE

_DATETIME_STAMP = re.compile(
    r"^(?P<year>-?\d{4,})-(?P<month>\d\d)-(?P<day>\d\d)T(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)"
    r"(?P<fraction>\.\d+)?(?P<tz>Z|[+-]\d\d:\d\d)$"
)

KeyResolver = Callable[[str], object]


def format_datetime(value: datetime) -> str:
    """XML Schema dateTimeStamp in UTC with second precision, e.g. ``2025-06-01T12:00:00Z``."""
    if value.tzinfo is None:
        raise ValueError("created must be timezone-aware.")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_stamp() -> str:
    """:func:`format_datetime` of now: the current second's stamp, made once a second (a batch signs many)."""
    return _stamp_of_second(int(time.time()))


@lru_cache(maxsize=4)
def _stamp_of_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime_stamp(value) -> datetime:
    """The instant of an XML Schema ``dateTimeStamp`` (a date-time with a time zone), as an aware datetime.

    Raises ``ValueError`` with a message for people when ``value`` is not one, or names an instant that
    does not exist or cannot be represented: 30 February, hour 24, second 60 (XML Schema 1.1 has no leap
    seconds), an offset beyond ±14:00, years before 1 or after 9999.
    """
    if not isinstance(value, str):
        raise ValueError("is not text")
    # Remembered: a batch's credentials share their dates (validFrom, created), each read several times. Only
    # short ones (a fraction of a second may be any length), so that what is kept stays small.
    return _instant_of(value) if len(value) <= _REMEMBERED_STAMP_LENGTH else _instant_of.__wrapped__(value)


_REMEMBERED_STAMP_LENGTH = 40


@lru_cache(maxsize=1024)
def _instant_of(value: str) -> datetime:
    m = _DATETIME_STAMP.match(value)
    if m is None:
        raise ValueError(f"{value[:40]!r} is not a date and time with a time zone (such as 2026-06-01T12:00:00Z)")
    year = int(m["year"])
    if not 1 <= year <= 9999:
        raise ValueError(f"{value!r} names the year {year}, outside 0001–9999")
    tz = m["tz"]
    if tz == "Z":
        offset = timedelta(0)
    else:
        hours, minutes = int(tz[1:3]), int(tz[4:6])
        if minutes > 59 or hours * 60 + minutes > 14 * 60:
            raise ValueError(f"{value!r} has the time-zone offset {tz}, outside ±14:00")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if tz[0] == "-" else 1)
    fraction = m["fraction"] or ""
    microsecond = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        local = datetime(
            year,
            int(m["month"]),
            int(m["day"]),
            int(m["hour"]),
            int(m["minute"]),
            int(m["second"]),
            microsecond,
            tzinfo=timezone(offset),
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a date and time that exists") from None


def is_datetime_stamp(value) -> bool:
    try:
        parse_datetime_stamp(value)
    except ValueError:
        return False
    return True


def _as_public_key(value) -> Ed25519PublicKey:
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, str):
        return public_key_from_multibase(value)
    if isinstance(value, (bytes, bytearray)):
        return public_key_from_bytes(bytes(value))
    if isinstance(value, dict) and "publicKeyMultibase" in value:
        return public_key_from_multibase(value["publicKeyMultibase"])
    raise KeyResolutionError("The key resolver returned something that is not an Ed25519 public key.")


def _proofs_of(document: dict) -> list:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


# JSON scalars that need no look: every one but int, whose size signing checks.
_PLAIN_SCALARS = frozenset({str, float, bool, type(None)})


class _UnsafeInteger(Exception):
    """Internal: :func:`_signing_copy` met an integer that :func:`check_signing_input` refuses."""


def _copy_json(value):
    """A deep copy of JSON data (dicts, lists, immutable scalars), anything else via ``copy.deepcopy``;
    raises :class:`_UnsafeInteger` at an integer beyond ±(2^53−1)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _PLAIN_SCALARS else _copy_json(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN_SCALARS else _copy_json(v) for v in value]
    if kind in _PLAIN_SCALARS:
        return value
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        raise _UnsafeInteger()
    return value if kind is int else copy.deepcopy(value)


def copy_json(value):
    """A deep copy of JSON data: new dicts and lists, the same immutable scalars. Compiled where it is built
    (``_canonical.json_copy``); anything but plain JSON types throughout goes to ``copy.deepcopy``."""
    if compiled is not None:
        try:
            return compiled.json_copy(value)
        except (TypeError, ValueError):  # not plain JSON data, or an integer the compiled copy leaves to Python
            pass
    return copy.deepcopy(value)


def _signing_copy(document: dict) -> tuple[dict, list]:
    """A deep copy of ``document`` without its proofs, and of its proofs: what is hashed is what is returned
    (another thread changing ``document`` meanwhile cannot make the two differ). Made in the walk that refuses
    an integer beyond ±(2^53−1) (:func:`~microcred.vc.jsonld.check_signing_input` then says where): the compiled
    ``json_copy`` where it is built and the document is plain JSON data throughout, :func:`_copy_json` otherwise."""
    try:
        try:
            if compiled is not None:
                try:
                    body = compiled.json_copy(document)  # one copy of the whole, then its proofs taken out
                    proof = body.pop("proof", None)
                    return body, [] if proof is None else proof if type(proof) is list else [proof]
                except ValueError:  # an integer beyond ±(2^53−1)
                    raise _UnsafeInteger() from None
                except TypeError:  # not plain JSON data throughout: the Python copy takes it
                    pass
            return {k: _copy_json(v) for k, v in document.items() if k != "proof"}, _copy_json(_proofs_of(document))
        except _UnsafeInteger:
            check_signing_input(document)
            # beyond even a double (check_input refuses it as the document is hashed): copied as it is
            return {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}, copy.deepcopy(
                _proofs_of(document)
            )
    except RecursionError:  # nested far deeper than check_input accepts, which says so
        check_input(document)
        raise


def unsecured(document: dict) -> dict:
    """A shallow copy of ``document`` without its ``proof``."""
    return {k: v for k, v in document.items() if k != "proof"}


def sign(
    document: dict,
    private_key,
    verification_method: str,
    created: str | datetime | None = None,
    proof_purpose: str = "assertionMethod",
    *,
    registry: ContextRegistry = DEFAULT_REGISTRY,
    cryptosuite: str = DEFAULT_CRYPTOSUITE,
) -> dict:
    """Return a copy of ``document`` with a new proof (``cryptosuite``: ``eddsa-rdfc-2022`` by default, or
    ``eddsa-jcs-2022``) appended to ``proof: [...]``.

    ``private_key``: an Ed25519 private key, a ``z3u2…`` secretKeyMultibase, or a :class:`~microcred.vc.Signer`
    (an HSM or KMS key that never leaves its device; :mod:`microcred.vc.signers`).

    The document is refused (``VCError`` subclasses) if it is not strictly valid JSON-LD over pinned
    contexts (undefined terms, relative IRIs, unsafe text or numbers, dataset poisoning).
    """
    if not isinstance(document, dict):
        raise MalformedProof("Only JSON-LD objects with an @context can be signed.")
    body, proofs = _signing_copy(document)
    if cryptosuite not in SUITES:
        raise UnsupportedCryptosuite(f"Cannot sign with cryptosuite {cryptosuite!r}; supported: {sorted(SUITES)}.")
    if "@context" not in document:
        raise MalformedProof("Only JSON-LD objects with an @context can be signed.")
    if not isinstance(verification_method, str) or ":" not in verification_method:
        raise MalformedProof("verificationMethod must be an absolute URL or DID URL.")
    signer = as_signer(private_key)
    if created is None:
        created = now_stamp()
    elif isinstance(created, datetime):
        created = format_datetime(created)
    elif not is_datetime_stamp(created):
        raise MalformedProof(f"created {created!r} is not an XML Schema dateTimeStamp.")

    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    suite = SUITES[cryptosuite]
    proof = suite.proof_options(body, proof)  # eddsa-jcs-2022 adds the document's @context (§3.3.1 step 2)
    data = suite.hash_data(body, proof, registry)
    proof["proofValue"] = suite.create_proof_value(signer, data)
    body["proof"] = [*proofs, proof]
    return body


@dataclass
class VerificationResult:
    """Outcome of :func:`verify`. Truthy only when ``verified``."""

    verified: bool
    proof: dict | None = None
    verification_method: str | None = None
    error: VCError | None = None
    errors: list[VCError] = field(default_factory=list)
    #: The document's RDF dataset (quads) as the verified proof covers it; set when ``verified``. Read every
    #: fact shown or checked from it (see :mod:`microcred.vc.credential_data`), not from the JSON members.
    dataset: tuple = ()
    #: The RDF dataset of the verified proof's configuration (its ``created``, ``verificationMethod``… as
    #: signed), in canonical form.
    proof_dataset: tuple = ()

    def __bool__(self) -> bool:
        return self.verified

    def raise_for_error(self) -> None:
        """Raise the (first) error if verification failed."""
        if not self.verified:
            raise self.error or ProofError()


def _check_proof_shape(proof, expected_purpose: str | None) -> None:
    if not isinstance(proof, dict):
        raise MalformedProof("A proof must be a JSON object.")
    if proof.get("type") != PROOF_TYPE:
        raise UnsupportedCryptosuite(f"Unsupported proof type {proof.get('type')!r}; expected {PROOF_TYPE}.")
    if proof.get("cryptosuite") not in SUITES:
        raise UnsupportedCryptosuite(
            f"Unsupported cryptosuite {proof.get('cryptosuite')!r}; supported: {sorted(SUITES)}."
        )
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise MalformedProof(f"The proof has no valid {name}.")
    if expected_purpose is not None and proof["proofPurpose"] != expected_purpose:
        raise MalformedProof(f"The proof purpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}.")
    for name in ("created", "expires"):
        if name in proof and not is_datetime_stamp(proof[name]):
            raise MalformedProof(f"The proof's {name} is not an XML Schema dateTimeStamp.")
    if "expires" in proof and parse_datetime_stamp(proof["expires"]) < datetime.now(UTC):
        raise MalformedProof("The proof has expired.")


def _verify_one(
    document: dict, proof, resolve_key: KeyResolver, registry: ContextRegistry, expected_purpose: str | None
):
    _check_proof_shape(proof, expected_purpose)
    suite = SUITES[proof["cryptosuite"]]
    # Fail fast on a malformed signature before any expensive work.
    signature = suite.decode_proof_value(proof["proofValue"])
    vm = proof["verificationMethod"]
    try:
        public_key = _as_public_key(resolve_key(vm))
    except VCError as exc:
        if isinstance(exc, KeyResolutionError):
            raise
        raise KeyResolutionError(f"The verification method {vm!r} could not be resolved: {exc.message}") from exc
    except Exception as exc:  # resolver failures of any kind
        raise KeyResolutionError(f"The verification method {vm!r} could not be resolved: {exc}") from exc
    data = suite.hash_data(unsecured(document), proof, registry)
    suite.verify_proof_value(public_key, data, signature)
    # The datasets of what the proof signs (eddsa-jcs-2022 reads them only now: a VCError if not strict JSON-LD).
    return data.document_quads, data.canonical_proof_config_quads


def verify(
    document: dict,
    resolve_key: KeyResolver,
    *,
    registry: ContextRegistry = DEFAULT_REGISTRY,
    expected_proof_purpose: str | None = "assertionMethod",
) -> VerificationResult:
    """Verify the Data Integrity proof(s) of ``document``.

    ``resolve_key(verification_method_id)`` returns the public key (an ``Ed25519PublicKey``, a ``z6Mk…``
    Multikey string, 32 raw bytes, or a verification-method dict) or raises. Returns a
    :class:`VerificationResult`; on failure ``result.error`` is a specific :class:`VCError`
    (``MissingProof``, ``MalformedProof``, ``UnsupportedCryptosuite``, ``KeyResolutionError``,
    ``InvalidProof``, or an input/JSON-LD error such as ``UndefinedTerm``).
    """
    if not isinstance(document, dict):
        err = MalformedProof("A verifiable credential must be a JSON object.")
        return VerificationResult(False, error=err, errors=[err])
    proofs = _proofs_of(document)
    if not proofs:
        err = MissingProof()
        return VerificationResult(False, error=err, errors=[err])
    errors: list[VCError] = []
    for proof in proofs:
        try:
            dataset, proof_dataset = _verify_one(document, proof, resolve_key, registry, expected_proof_purpose)
        except VCError as exc:
            errors.append(exc)
            continue
        return VerificationResult(
            True,
            proof=proof,
            verification_method=proof["verificationMethod"],
            errors=errors,
            dataset=dataset,
            proof_dataset=proof_dataset,
        )
    return VerificationResult(False, error=errors[0], errors=errors)
