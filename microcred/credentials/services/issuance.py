"""Issuing credentials: idempotent, signed, self-verified, indexed on a status list.

* issue_credential: the credential of a completion (once per completion) of an achievement source (what is
  awarded: a micro-credential version today; credentials/sources.py); issue_credential_once also tells whether
  this call made it.
* issue_holder_bound_copy: the copy of an issued credential bound to a wallet's key (OpenID4VCI 1.0 §8.1),
  once per holder DID, with its own id and status entry, signed the same way.

Status indices are drawn at random (Bitstring Status List: random assignment, for herd privacy). Credentials
and copies share the issuer's lists but live in two tables, so an index is drawn and checked under the
list's row lock.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.metrics import observe_issuance
from microcred.credentials.exceptions import InvalidCompletion, IssuanceFailed, NotDeliverable
from microcred.credentials.models import HolderBoundCredential, IssuedCredential, Issuer, StatusList
from microcred.credentials.selectors import issuer_for_version  # noqa: F401  (callers import it from here)
from microcred.credentials.services.composition import (
    compose_holder_bound_copy,
    normalise_email,
)
from microcred.credentials.services.issuers import active_key, resolve_verification_method
from microcred.credentials.services.schemas import extension_schema_errors, ob_schema_errors
from microcred.credentials.services.status import current_status_list, index_in_use, random_index
from microcred.credentials.signals import credential_issued, send_after_commit
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


def _existing(completion_key: str) -> IssuedCredential | None:
    return IssuedCredential.objects.filter(completion_key=completion_key).first()


def _draw_status_entry(issuer: Issuer) -> tuple[StatusList, int | None]:
    """Inside a transaction: the issuer's current list, its row locked, and a random index free on it
    (None when the draw hit a used index: draw again)."""
    status_list = StatusList.objects.select_for_update().get(pk=current_status_list(issuer).pk)
    index = random_index(status_list.length)
    return status_list, None if index_in_use(status_list, index) else index


def _check_signed(signed: dict) -> None:
    """What every credential we store passes: its own signature verifies and it conforms to the 1EdTech
    OB 3.0 schema and to our extension schema. IssuanceFailed otherwise."""
    result = vc.verify(signed, resolve_verification_method)
    if not result.verified:
        raise IssuanceFailed(
            _("The signed credential did not verify (%(why)s); nothing was issued.")
            % {"why": result.error.message if result.error else "?"}
        )
    schema_errors = ob_schema_errors(signed) + extension_schema_errors(signed)
    if schema_errors:
        raise IssuanceFailed(
            _("The credential does not conform to its JSON Schema (%(why)s); nothing was issued.")
            % {"why": "; ".join(schema_errors[:3])}
        )


def _store_on_free_entry(issuer: Issuer, *, sign, store, find_winner, announce):
    """The steps every credential and copy goes through → (row, True), or (the row a concurrent call stored
    first, False).

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
            _check_signed(signed)
            try:
                with transaction.atomic():
                    row = store(status_list, index, row_uuid, now, signed)
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
class _Completion:
    """A completion's learner and award, checked (InvalidCompletion otherwise)."""

    key: str
    name: str
    email: str
    did: str
    grade: str
    awarded_on: date


def _checked_completion(completion_key, learner_name, learner_email, learner_did, grade, awarded_on) -> _Completion:
    key = _text(completion_key, _("completion key"), max_length=200)
    name = _text(learner_name, _("learner's name"), max_length=200)
    email = normalise_email(_text(learner_email, _("learner's e-mail address"), max_length=254))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidCompletion(_("%(email)s is not a valid e-mail address.") % {"email": email}) from exc
    did = _text(learner_did, _("learner's DID"), max_length=500, required=False)
    if did and not _DID.match(did):
        raise InvalidCompletion(_("%(did)s is not a valid DID (did:method:identifier).") % {"did": did})
    grade_text = _text(grade, _("grade"), max_length=50, required=False)
    if isinstance(awarded_on, datetime):
        awarded_on = timezone.localdate(awarded_on) if timezone.is_aware(awarded_on) else awarded_on.date()
    awarded_on = awarded_on or timezone.localdate()
    if not isinstance(awarded_on, date):
        raise InvalidCompletion(_("The award date must be a date."))
    if awarded_on > timezone.localdate():
        raise InvalidCompletion(_("The award date cannot be in the future."))
    return _Completion(key, name, email, did, grade_text, awarded_on)


def _learner_account(learner, email: str):
    """The account the credential is issued to: the one given, else the active account with this e-mail
    address (the learner's own; addresses are unique per account), else none."""
    if learner is not None:
        return learner
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


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
        return vc.sign(unsigned, signer, issuer_key.verification_method_id, created=now)
    except vc.VCError as exc:
        raise InvalidCompletion(_("This credential cannot be signed: %(why)s") % {"why": exc.message}) from exc


def _record_issued(credential: IssuedCredential, source, issued_by) -> None:
    record_audit_event(
        actor=issued_by,
        action="credential.issued",
        target=credential,
        summary=f"{source.title} → {credential.issuer.name}",
        changes={
            "credential": credential.credential_id,
            "completion": credential.completion_key,
            "source": [source.label, source.pk],
            "verificationMethod": credential.issuer_key.verification_method_id,
            "statusList": credential.status_list.url,
            "statusListIndex": credential.status_index,
        },
    )
    send_after_commit(credential_issued, credential)


@observe_issuance  # counted and timed in the Prometheus metrics (microcred/core/metrics.py)
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
    """issue_credential, telling whether this call made the credential → (credential, created).

    What is awarded is ``source`` (an achievement source, or a model instance that has one: credentials.sources),
    or ``micro_credential_version``. The credential is linked to ``learner`` (an account), or else to the
    account with the learner's e-mail address.

    ``created`` is True for exactly one call per completion, however many run at the same time or again:
    the call whose row was stored (in its caller's transaction). Callers that announce the credential, or
    count what they issued, go by it. Only that call records the audit event and sends credential_issued.
    """
    key = _text(completion_key, _("completion key"), max_length=200)
    existing = _existing(key)
    if existing is not None:
        return existing, False
    source = source_for(source if source is not None else micro_credential_version)
    completion = _checked_completion(key, learner_name, learner_email, learner_did, grade, awarded_on)
    account = _learner_account(learner, completion.email)
    issuer = source.issuer()
    issuer_key = active_key(issuer)
    signer = signer_for(issuer_key)  # a missing or wrong KEK (or signer backend) stops here: nothing is written

    def sign(status_list, index, credential_uuid, now):
        return _signed_credential(
            source, issuer, issuer_key, signer, completion, status_list, index, credential_uuid, now
        )

    def store(status_list, index, credential_uuid, now, signed):
        return IssuedCredential.objects.create(
            uuid=credential_uuid,
            completion_key=key,
            source_type=source.label,
            source_id=source.pk,
            **source.stored_fields(),
            issuer=issuer,
            issuer_key=issuer_key,
            learner=account,
            learner_name=completion.name,
            learner_email=completion.email,
            learner_did=completion.did,
            grade=completion.grade,
            awarded_on=completion.awarded_on,
            status_list=status_list,
            status_index=index,
            document=signed,
            issued_at=now,
            issued_by=issued_by if getattr(issued_by, "is_authenticated", False) else None,
        )

    return _store_on_free_entry(
        issuer,
        sign=sign,
        store=store,
        find_winner=lambda: _existing(key),  # a concurrent call issued this completion first
        announce=lambda credential: _record_issued(credential, source, issued_by),
    )


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
                return vc.sign(unsigned, signer, issuer_key.verification_method_id, created=now)
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
        )
