"""Issuing credentials: idempotent, signed, self-verified, indexed on a status list.

* issue_credentials: the credentials of a batch of completions of one achievement source (what is awarded: a
  micro-credential version today; credentials/sources.py), each once per completion. The one implementation:
  issue_credential and issue_credential_once (which also tells whether this call made it) are a batch of one.
* issue_holder_bound_copy: the copy of an issued credential bound to a wallet's key (OpenID4VCI 1.0 §8.1),
  once per holder DID, with its own id and status entry, signed the same way.

Each is signed with its issuer's proof format (``Issuer.cryptosuite``: eddsa-rdfc-2022 or eddsa-jcs-2022, Data
Integrity EdDSA Cryptosuites v1.0 §3.2/§3.3), read with the issuer once per batch, and self-verified with that
same suite before it is stored.

Status indices are drawn at random (Bitstring Status List: random assignment, for herd privacy). Credentials
and copies share the issuer's lists but live in two tables, so an index is checked free under the list's row
lock before it is stored. A batch draws its indices and signs before taking that lock, then checks them all
in one query under it (drawing and signing again only the few a concurrent batch took meanwhile), so
workers issuing for the same issuer hold the lock only while they store.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.bulk_insert import insert_all
from microcred.core.metrics import ISSUANCE_SECONDS, ISSUANCE_TOTAL
from microcred.credentials.exceptions import InvalidCompletion, IssuanceFailed, NotDeliverable
from microcred.credentials.models import HolderBoundCredential, IssuedCredential, Issuer, StatusList
from microcred.credentials.selectors import issuer_for_version  # noqa: F401  (callers import it from here)
from microcred.credentials.services.composition import (
    compose_holder_bound_copy,
    composing_a_batch,
    normalise_email,
)
from microcred.credentials.services.issuers import active_key, public_key_of, resolve_verification_method
from microcred.credentials.services.schemas import extension_schema_errors, ob_schema_errors
from microcred.credentials.services.status import (
    count_entries_taken,
    current_status_list,
    indices_in_use,
    random_index,
)
from microcred.credentials.signals import credential_issued, send_each_after_commit
from microcred.credentials.signers import signer_for
from microcred.credentials.sources import source_for

logger = logging.getLogger(__name__)

MAX_INDEX_ATTEMPTS = 25
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%\-]+$")
# Refused in learner input: C0 controls other than TAB/LF/CR, and DEL. The signing core escapes them as RDFC-1.0
# requires, but verifiers that canonicalize with pyld 3.3 do not, and would reject the credential. Lone surrogates
# cannot be encoded as UTF-8 (the core refuses them too). See docs/interoperability.md, pitfalls 1 and 7.
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _text(value, label: str, *, max_length: int, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidCompletion(_("The %(field)s is required.") % {"field": label})
    if len(text) > max_length:
        raise InvalidCompletion(_("The %(field)s is longer than %(n)d characters.") % {"field": label, "n": max_length})
    if _UNSAFE_TEXT.search(text):
        raise InvalidCompletion(_("The %(field)s contains control characters.") % {"field": label})
    return text


def _existing_among(completion_keys) -> dict[str, IssuedCredential]:
    """The credentials already issued for these completion keys, by key (one query)."""
    return {c.completion_key: c for c in IssuedCredential.objects.filter(completion_key__in=list(completion_keys))}


_shuffle = secrets.SystemRandom().shuffle


def _shuffled(values) -> list:
    values = list(values)
    _shuffle(values)
    return values


def _free_indices(status_list: StatusList, count: int, *, besides=()) -> list[int]:
    """``count`` distinct random indices that no credential or copy has on ``status_list`` (nor in ``besides``):
    each round draws what is still missing and checks the draws in one query per table. IssuanceFailed after
    MAX_INDEX_ATTEMPTS rounds that left some missing."""
    chosen: list[int] = []
    avoid = set(besides)
    for _round in range(MAX_INDEX_ATTEMPTS):
        draws = {random_index(status_list.length) for _ in range(count - len(chosen))} - avoid
        free = draws - indices_in_use(status_list, draws)
        chosen += _shuffled(free)  # not in the order of the learners, nor of the indices
        avoid |= draws
        if len(chosen) == count:
            return chosen
        logger.info("%d drawn status indices of %s were taken; drawing again.", len(draws - free), status_list.url)
    raise IssuanceFailed(_("No free status list index was found; nothing was issued."))


def _draw_status_entry(issuer: Issuer) -> tuple[StatusList, int | None]:
    """Inside a transaction: the issuer's current list, its row locked, and a random index free on it
    (None when the draw hit a used index: draw again)."""
    status_list = StatusList.objects.select_for_update().get(pk=current_status_list(issuer).pk)
    index = random_index(status_list.length)
    return status_list, None if indices_in_use(status_list, [index]) else index


def _key_resolver(issuer_key):
    """Resolves only the issuer key's own verification method, to the public key already in memory: the
    self-check of a credential we just signed needs no look-up (VC Data Integrity 1.0 §4.6, step 3)."""
    public_key = public_key_of(issuer_key)
    vm_id = issuer_key.verification_method_id

    def resolve(verification_method: str):
        if verification_method != vm_id:
            raise vc.KeyResolutionError(f"{verification_method!r} is not the key this credential was signed with.")
        return public_key

    return resolve


def _check_signed(signed: dict, resolve_key=resolve_verification_method, *, cryptosuite: str | None = None) -> None:
    """What every credential we store passes: its own signature verifies, with the suite it was signed with
    (``cryptosuite``, the issuer's proof format, when given), and it conforms to the 1EdTech OB 3.0 schema and
    to our extension schema. IssuanceFailed otherwise."""
    result = vc.verify(signed, resolve_key)
    if not result.verified:
        raise IssuanceFailed(
            _("The signed credential did not verify (%(why)s); nothing was issued.")
            % {"why": result.error.message if result.error else "?"}
        )
    if cryptosuite is not None and result.proof.get("cryptosuite") != cryptosuite:
        raise IssuanceFailed(
            _(
                "The signed credential's proof is %(found)s, not the issuer's proof format %(expected)s; nothing was issued."
            )
            % {"found": result.proof.get("cryptosuite"), "expected": cryptosuite}
        )
    schema_errors = ob_schema_errors(signed) + extension_schema_errors(signed)
    if schema_errors:
        raise IssuanceFailed(
            _("The credential does not conform to its JSON Schema (%(why)s); nothing was issued.")
            % {"why": "; ".join(schema_errors[:3])}
        )


def _store_on_free_entry(issuer: Issuer, *, sign, store, find_winner, announce, resolve_key):
    """The steps a holder-bound copy goes through → (row, True), or (the row a concurrent call stored first, False).

    In a transaction per attempt: draw a free random index on the issuer's current list (its row locked),
    ``sign(status_list, index, uuid, now)``, check the signed document (_check_signed), ``store(status_list,
    index, uuid, now, signed)`` in a savepoint, and ``announce(row)`` (audit, signals) in the same transaction.
    When the store hits a unique constraint, ``find_winner()`` tells whether another call stored the same
    thing first; otherwise the index was taken and another is drawn.
    """
    for _attempt in range(MAX_INDEX_ATTEMPTS):
        with transaction.atomic():
            status_list, index = _draw_status_entry(issuer)
            if index is None:
                continue
            row_uuid, now = uuid.uuid4(), timezone.now()
            signed = sign(status_list, index, row_uuid, now)
            _check_signed(signed, resolve_key, cryptosuite=issuer.cryptosuite)
            try:
                with transaction.atomic():
                    row = store(status_list, index, row_uuid, now, signed)
                    count_entries_taken(status_list, 1)
            except IntegrityError:
                winner = find_winner()
                if winner is not None:
                    return winner, False
                logger.info("Status index %s of %s was taken; drawing another.", index, status_list.url)
                continue
            announce(row)
            return row, True
    raise IssuanceFailed(_("No free status list index was found; nothing was issued."))


def issue_credential(
    *,
    completion_key: str,
    micro_credential_version=None,
    source=None,
    learner_name: str,
    learner_email: str,
    learner_did: str | None = None,
    learner=None,
    grade: str | None = None,
    awarded_on: date | None = None,
    issued_by=None,
) -> IssuedCredential:
    """Issue (once) the OpenBadgeCredential of one completion and return it.

    Idempotent per ``completion_key``: a retried or concurrent call returns the credential already issued
    and never signs a second one. Nothing is stored unless the signed credential verifies.
    """
    credential, _created = issue_credential_once(
        completion_key=completion_key,
        micro_credential_version=micro_credential_version,
        source=source,
        learner_name=learner_name,
        learner_email=learner_email,
        learner_did=learner_did,
        learner=learner,
        grade=grade,
        awarded_on=awarded_on,
        issued_by=issued_by,
    )
    return credential


@dataclass(frozen=True)
class Completion:
    """One completion to issue a credential for, as the caller has it (checked by issue_credentials).

    ``learner`` is the account the credential is issued to; without it, the active account with the learner's
    e-mail address, if there is one."""

    completion_key: str
    learner_name: str
    learner_email: str
    learner_did: str | None = None
    learner: Any = None
    grade: str | None = None
    awarded_on: date | None = None


@dataclass
class Outcome:
    """What issue_credentials did for one completion: the credential (made by this call when ``created``), or
    the ``error`` (InvalidCompletion) that kept this one completion from being issued."""

    credential: IssuedCredential | None = None
    created: bool = False
    error: Exception | None = None


@dataclass(frozen=True)
class _Completion:
    """A completion's learner and award, checked (InvalidCompletion otherwise)."""

    key: str
    name: str
    email: str
    did: str
    grade: str
    awarded_on: date


# The fields' names, translated only when a message names one (every completion of a batch is checked).
_COMPLETION_KEY = gettext_lazy("completion key")
_LEARNER_NAME = gettext_lazy("learner's name")
_LEARNER_EMAIL = gettext_lazy("learner's e-mail address")
_LEARNER_DID = gettext_lazy("learner's DID")
_GRADE = gettext_lazy("grade")


def _checked_completion(completion_key, learner_name, learner_email, learner_did, grade, awarded_on) -> _Completion:
    key = _text(completion_key, _COMPLETION_KEY, max_length=200)
    name = _text(learner_name, _LEARNER_NAME, max_length=200)
    email = normalise_email(_text(learner_email, _LEARNER_EMAIL, max_length=254))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidCompletion(_("%(email)s is not a valid e-mail address.") % {"email": email}) from exc
    did = _text(learner_did, _LEARNER_DID, max_length=500, required=False)
    if did and not _DID.match(did):
        raise InvalidCompletion(_("%(did)s is not a valid DID (did:method:identifier).") % {"did": did})
    grade_text = _text(grade, _GRADE, max_length=50, required=False)
    if isinstance(awarded_on, datetime):
        awarded_on = timezone.localdate(awarded_on) if timezone.is_aware(awarded_on) else awarded_on.date()
    today = timezone.localdate()
    awarded_on = awarded_on or today
    if not isinstance(awarded_on, date):
        raise InvalidCompletion(_("The award date must be a date."))
    if awarded_on > today:
        raise InvalidCompletion(_("The award date cannot be in the future."))
    return _Completion(key, name, email, did, grade_text, awarded_on)


def _learner_accounts(emails) -> dict:
    """The active accounts with these e-mail addresses (normalised), by address (one query; addresses are
    unique per account, whatever their case)."""
    accounts = (
        get_user_model()
        .objects.annotate(normalised_email=Lower("email"))
        .filter(normalised_email__in=list(emails), is_active=True)
    )
    return {account.normalised_email: account for account in accounts}


def _signed_credential(source, issuer, issuer_key, signer, completion, status_list, index, credential_uuid, now):
    """The source's credential for this completion and status entry, signed with the issuer's key."""
    try:
        unsigned = source.compose(
            credential_id=f"urn:uuid:{credential_uuid}",
            issuer=issuer,
            learner_name=completion.name,
            learner_email=completion.email,
            learner_did=completion.did or None,
            grade=completion.grade or None,
            awarded_on=completion.awarded_on,
            valid_from=now,
            status_entry=vc.status_list_entry(status_list.url, index, status_list.purpose),
        )
        return vc.sign(unsigned, signer, issuer_key.verification_method_id, created=now, cryptosuite=issuer.cryptosuite)
    except vc.VCError as exc:
        raise InvalidCompletion(_("This credential cannot be signed: %(why)s") % {"why": exc.message}) from exc


def _record_issued(credentials: list[IssuedCredential], source, issuer_key, issued_by) -> None:
    """One audit event for the credentials a batch stored (listed by credential id, completion key and status
    entry; no personal data), and credential_issued for each once the transaction commits."""
    first = credentials[0]
    record_audit_event(
        actor=issued_by,
        action="credential.issued",
        target=first if len(credentials) == 1 else None,
        summary=f"{source.title} → {first.issuer.name}"
        + (f" ({len(credentials)} credentials)" if len(credentials) > 1 else ""),
        changes={
            "source": [source.label, source.pk],
            "verificationMethod": issuer_key.verification_method_id,
            "statusList": first.status_list.url,
            "credentials": [
                {"credential": c.credential_id, "completion": c.completion_key, "statusListIndex": c.status_index}
                for c in credentials
            ],
        },
    )
    send_each_after_commit(credential_issued, credentials)


@dataclass
class _Pending:
    """A checked completion of a batch on its way to being stored: its status index, id and signed document."""

    completion: _Completion
    account: Any
    index: int = -1
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    signed: dict | None = None


def _sign_pending(pending: list[_Pending], outcomes: dict, *, sign, check) -> list[_Pending]:
    """Sign and check each; a completion the core refuses to sign (InvalidCompletion) is that completion's
    outcome, a signed credential that fails its check (IssuanceFailed) stops the batch → those signed."""
    signed = []
    for item in pending:
        try:
            item.signed = sign(item)
        except InvalidCompletion as exc:
            outcomes[item.completion.key] = Outcome(error=exc)
            continue
        check(item.signed)
        signed.append(item)
    return signed


def issue_credentials(completions: Sequence[Completion], *, source, issued_by=None) -> list[Outcome]:
    """Issue (once each) the credentials of a batch of completions of ``source`` → an Outcome per completion,
    in order.

    ``source`` is what is awarded: an achievement source, or a model instance that has one (credentials.sources).
    Exactly once per completion key, however many calls run at the same time or again: a completion already
    issued (also by a concurrent call that stored it first) is that credential with ``created`` False; only the
    call that stored a credential announces it. A completion whose data is refused (InvalidCompletion) is
    reported in its Outcome and the others are issued. Every credential stored is signed with the issuer's
    active key, verifies and conforms to the JSON Schemas; if one does not, IssuanceFailed and nothing of the
    batch is stored. The batch is stored in one transaction (the caller's, if any) with one audit event;
    credential_issued is sent for each credential after the commit.
    """
    started = time.perf_counter()
    try:
        outcomes = _issue_batch(completions, source, issued_by)
    except Exception:
        ISSUANCE_TOTAL.labels("failed").inc(len(completions))
        raise
    # Counted and timed (per credential) in the Prometheus metrics (microcred/core/metrics.py).
    for outcome in outcomes:
        ISSUANCE_TOTAL.labels("failed" if outcome.error else "issued" if outcome.created else "already_issued").inc()
        ISSUANCE_SECONDS.observe((time.perf_counter() - started) / max(1, len(outcomes)))
    return outcomes


def _issue_batch(completions: Sequence[Completion], source, issued_by) -> list[Outcome]:
    outcomes: dict[str, Outcome] = {}
    keys = []
    for number, completion in enumerate(completions):
        try:
            keys.append(_text(completion.completion_key, _("completion key"), max_length=200))
        except InvalidCompletion as exc:
            keys.append(None)
            outcomes[f"#{number}"] = Outcome(error=exc)
    for key, credential in _existing_among(k for k in keys if k).items():
        outcomes[key] = Outcome(credential)
    checked: dict[str, tuple[_Completion, Any]] = {}
    for key, completion in zip(keys, completions, strict=True):
        if key is None or key in outcomes or key in checked:  # refused, issued, or twice in this batch
            continue
        try:
            checked[key] = (
                _checked_completion(
                    key,
                    completion.learner_name,
                    completion.learner_email,
                    completion.learner_did,
                    completion.grade,
                    completion.awarded_on,
                ),
                completion.learner,
            )
        except InvalidCompletion as exc:
            outcomes[key] = Outcome(error=exc)
    if checked:
        _issue_checked(checked, source_for(source), issued_by, outcomes)
    return [outcomes[key] if key else outcomes[f"#{n}"] for n, key in enumerate(keys)]


def _issue_checked(checked: dict, source, issued_by, outcomes: dict) -> None:
    """Sign, check and store the checked completions of one batch (issue_credentials), filling ``outcomes``."""
    issuer = source.issuer()
    issuer_key = active_key(issuer)
    signer = signer_for(issuer_key)  # a missing or wrong KEK (or signer backend) stops here: nothing is written
    resolve_key = _key_resolver(issuer_key)
    accounts = _learner_accounts({c.email for c, account in checked.values() if account is None})
    pending = [_Pending(c, account or accounts.get(c.email)) for c, account in checked.values()]
    status_list = current_status_list(issuer)
    now = timezone.now()
    stored_by = issued_by if getattr(issued_by, "is_authenticated", False) else None

    def sign(item: _Pending) -> dict:
        return _signed_credential(
            source, issuer, issuer_key, signer, item.completion, status_list, item.index, item.uuid, now
        )

    def check(signed: dict) -> None:
        _check_signed(signed, resolve_key, cryptosuite=issuer.cryptosuite)

    # Drawn and signed before the list's row is locked (IssuanceFailed stops here, before any write).
    for item, index in zip(pending, _free_indices(status_list, len(pending)), strict=True):
        item.index = index
    with composing_a_batch():
        pending = _sign_pending(pending, outcomes, sign=sign, check=check)
        for _attempt in range(MAX_INDEX_ATTEMPTS):
            if not pending:
                return
            with transaction.atomic():
                StatusList.objects.select_for_update().filter(pk=status_list.pk).first()  # the list's row lock
                taken = indices_in_use(status_list, [item.index for item in pending])
                if taken:  # by a concurrent batch meanwhile: draw and sign those again, under the lock
                    clashing = [item for item in pending if item.index in taken]
                    kept = {item.index for item in pending} - taken
                    for item, index in zip(
                        clashing, _free_indices(status_list, len(clashing), besides=kept), strict=True
                    ):
                        item.index, item.uuid = index, uuid.uuid4()
                    pending = [item for item in pending if item.index in kept] + _sign_pending(
                        clashing, outcomes, sign=sign, check=check
                    )
                rows = [
                    IssuedCredential(
                        uuid=item.uuid,
                        completion_key=item.completion.key,
                        source_type=source.label,
                        source_id=source.pk,
                        **source.stored_fields(),
                        issuer=issuer,
                        issuer_key=issuer_key,
                        learner=item.account,
                        learner_name=item.completion.name,
                        learner_email=item.completion.email,
                        learner_did=item.completion.did,
                        grade=item.completion.grade,
                        awarded_on=item.completion.awarded_on,
                        status_list=status_list,
                        status_index=item.index,
                        document=item.signed,
                        issued_at=now,
                        issued_by=stored_by,
                    )
                    for item in sorted(pending, key=lambda item: item.completion.key)  # one lock order
                ]
                try:
                    with transaction.atomic():
                        stored = insert_all(rows, key="uuid")  # COPY on PostgreSQL (core/bulk_insert.py)
                        count_entries_taken(status_list, len(stored))
                except IntegrityError:
                    # A concurrent call stored some of these completions first: theirs is the credential.
                    winners = _existing_among(item.completion.key for item in pending)
                    for key, credential in winners.items():
                        outcomes[key] = Outcome(credential)
                    pending = [item for item in pending if item.completion.key not in winners]
                    if not winners:  # not a completion: an index after all; draw and sign them all again
                        for item, index in zip(pending, _free_indices(status_list, len(pending)), strict=True):
                            item.index, item.uuid = index, uuid.uuid4()
                        pending = _sign_pending(pending, outcomes, sign=sign, check=check)
                    continue
                _record_issued(stored, source, issuer_key, issued_by)
                for credential in stored:
                    outcomes[credential.completion_key] = Outcome(credential, created=True)
                return
    raise IssuanceFailed(_("No free status list index was found; nothing was issued."))


def issue_credential_once(
    *,
    completion_key: str,
    micro_credential_version=None,
    source=None,
    learner_name: str,
    learner_email: str,
    learner_did: str | None = None,
    learner=None,
    grade: str | None = None,
    awarded_on: date | None = None,
    issued_by=None,
) -> tuple[IssuedCredential, bool]:
    """issue_credential, telling whether this call made the credential → (credential, created): a batch of one
    (issue_credentials).

    What is awarded is ``source`` (an achievement source, or a model instance that has one: credentials.sources),
    or ``micro_credential_version``. The credential is linked to ``learner`` (an account), or else to the
    account with the learner's e-mail address.

    ``created`` is True for exactly one call per completion, however many run at the same time or again:
    the call whose row was stored (in its caller's transaction). Callers that announce the credential, or
    count what they issued, go by it. Only that call records the audit event and sends credential_issued.
    """
    completion = Completion(
        completion_key=completion_key,
        learner_name=learner_name,
        learner_email=learner_email,
        learner_did=learner_did,
        learner=learner,
        grade=grade,
        awarded_on=awarded_on,
    )
    (outcome,) = issue_credentials(
        [completion], source=source if source is not None else micro_credential_version, issued_by=issued_by
    )
    if outcome.error is not None:
        raise outcome.error
    return outcome.credential, outcome.created


def issue_holder_bound_copy(original: IssuedCredential, *, holder_did: str) -> tuple[HolderBoundCredential, bool]:
    """The copy of ``original`` bound to ``holder_did``, made once per holder DID → (copy, newly made).

    The same award as the original; ``credentialSubject.id`` is the holder's DID, the credential id and the
    status entry (on the issuer's current revocation list) are its own, and it is signed with the issuer's
    active key, self-verified and schema-checked like every credential we issue. A revoked or erased
    original is refused (NotDeliverable). Asking again for the same holder DID, or at the same time, gives
    the one copy: the original's row is locked until the caller's transaction ends, which also makes a
    concurrent revocation either see this copy (and revoke it) or come first (and this is refused).
    """
    did = _text(holder_did, _("holder's DID"), max_length=500)
    if not _DID.match(did):
        raise InvalidCompletion(_("%(did)s is not a valid DID (did:method:identifier).") % {"did": did})
    with transaction.atomic():
        original = IssuedCredential.objects.select_for_update().get(pk=original.pk)
        if original.revoked_at is not None or original.document.get("erased"):
            raise NotDeliverable(_("This credential is revoked or erased, so it cannot be sent to a wallet."))
        existing = original.bound_copies.filter(holder_did=did).first()
        if existing is not None:
            return existing, False
        issuer = Issuer.objects.get(pk=original.issuer_id)
        issuer_key = active_key(issuer)
        signer = signer_for(issuer_key)

        def sign(status_list, index, copy_uuid, now):
            try:
                unsigned = compose_holder_bound_copy(
                    original.document,
                    credential_id=f"urn:uuid:{copy_uuid}",
                    holder_did=did,
                    status_entry=vc.status_list_entry(status_list.url, index, status_list.purpose),
                )
                return vc.sign(
                    unsigned, signer, issuer_key.verification_method_id, created=now, cryptosuite=issuer.cryptosuite
                )
            except vc.VCError as exc:
                raise IssuanceFailed(
                    _("The copy of this credential cannot be signed: %(why)s") % {"why": exc.message}
                ) from exc

        def store(status_list, index, copy_uuid, now, signed):
            return HolderBoundCredential.objects.create(
                uuid=copy_uuid,
                original=original,
                holder_did=did,
                issuer_key=issuer_key,
                status_list=status_list,
                status_index=index,
                document=signed,
                issued_at=now,
            )

        def announce(copy):
            record_audit_event(
                actor=None,
                action="credential.bound_copy_issued",
                target=original,
                summary="Copy bound to a wallet key issued (OpenID4VCI).",
                changes={
                    "credential": original.credential_id,
                    "copy": copy.credential_id,
                    "verificationMethod": issuer_key.verification_method_id,
                    "statusList": copy.status_list.url,
                    "statusListIndex": copy.status_index,
                },
            )

        # A winner: made at the same time by another request (the row lock normally makes it wait).
        return _store_on_free_entry(
            issuer,
            sign=sign,
            store=store,
            find_winner=lambda: original.bound_copies.filter(holder_did=did).first(),
            announce=announce,
            resolve_key=_key_resolver(issuer_key),
        )
