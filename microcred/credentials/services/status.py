"""Bitstring Status Lists: creation, publication (a signed credential), revocation."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.credentials.exceptions import AlreadyRevoked, CredentialNotFound, NotAllowed
from microcred.credentials.models import HolderBoundCredential, IssuedCredential, Issuer, StatusList
from microcred.credentials.notifications import announce_credential_revoked
from microcred.credentials.permissions import can_revoke
from microcred.credentials.services.issuers import active_key, public_base_url
from microcred.credentials.signals import credential_revoked, send_after_commit
from microcred.credentials.signers import signer_for
from microcred.credentials.vocabulary import VC_V2_CONTEXT

# A list takes new entries until this share of its indices is used; then a new list is opened. Keeping
# lists half empty keeps random allocation cheap (few collisions) and every list a large crowd.
FILL_LIMIT = 0.5
STATUS_LIST_TTL_MS = 5 * 60 * 1000
_random = secrets.SystemRandom()


def status_list_url(issuer: Issuer, number: int) -> str:
    return f"{public_base_url()}/status/{issuer.slug}/{number}"


def random_index(length: int) -> int:
    """A uniformly random index (BSL: indices SHOULD be assigned randomly). Patched in tests."""
    return _random.randrange(length)


def etag_for(document: dict) -> str:
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def _sign_status_list(status_list: StatusList, bits: vc.BitstringStatusList) -> None:
    """(Re)publish: encode, sign with the issuer's active key, store with a new ETag."""
    key = active_key(status_list.issuer)
    signer = signer_for(key)
    unsigned = vc.status_list_credential(
        status_list.url,
        status_list.issuer.did,
        bits,
        status_list.purpose,
        valid_from=vc.format_datetime(timezone.now()),
        ttl_ms=STATUS_LIST_TTL_MS,
    )
    assert unsigned["@context"][0] == VC_V2_CONTEXT
    signed = vc.sign(unsigned, signer, key.verification_method_id)
    status_list.encoded_list = unsigned["credentialSubject"]["encodedList"]
    status_list.credential = signed
    status_list.etag = etag_for(signed)


def current_status_list(issuer: Issuer) -> StatusList:
    """The list new credentials of ``issuer`` go on (opened, signed and published when needed)."""
    latest = issuer.status_lists.filter(purpose=StatusList.Purpose.REVOCATION).order_by("-number").first()
    if latest is not None and latest.entries_taken < latest.length * FILL_LIMIT:
        return latest
    number = (issuer.status_lists.aggregate(n=Max("number"))["n"] or 0) + 1
    status_list = StatusList(issuer=issuer, number=number, url=status_list_url(issuer, number))
    _sign_status_list(status_list, vc.BitstringStatusList(status_list.length))
    try:
        with transaction.atomic():
            status_list.save()
    except IntegrityError:
        # Another process opened the same list number first: use theirs.
        return issuer.status_lists.get(number=number, purpose=StatusList.Purpose.REVOCATION)
    return status_list


def count_entries_taken(status_list: StatusList, stored: int) -> None:
    """Count ``stored`` new credentials or copies on ``status_list``. Called in the transaction that stores them,
    under the list's row lock, so the count is the stored rows' (current_status_list reads it, one row, instead of
    counting the list's entries for every batch: 13 ms at 60,000 entries on PostgreSQL)."""
    StatusList.objects.filter(pk=status_list.pk).update(entries_taken=F("entries_taken") + stored)


def indices_in_use(status_list: StatusList, indices) -> set[int]:
    """Which of ``indices`` a credential or a holder-bound copy already has on this list (one query per table:
    issuance checks a whole batch of random draws at once)."""
    indices = list(indices)
    if not indices:
        return set()
    if connection.vendor == "postgresql":
        return _indices_in_use_looked_up_one_by_one(status_list, indices)
    used = set(status_list.entries.filter(status_index__in=indices).values_list("status_index", flat=True))
    return used | set(status_list.bound_entries.filter(status_index__in=indices).values_list("status_index", flat=True))


# Each index looked up in the unique (status_list, status_index) index. The plain "status_index IN (…)" left the choice
# to PostgreSQL's planner, which reads every entry of the list and filters them whenever it believes the list to be
# short: always the case for the newest list, which the table's statistics have not seen yet (10 ms a batch at
# 10,000 entries, 64 ms at 60,000, growing with the list). LATERAL makes it one look-up per index drawn.
_TAKEN_ON_POSTGRESQL = """
SELECT drawn.i FROM unnest(%s::integer[]) AS drawn(i)
CROSS JOIN LATERAL (SELECT 1 FROM {table} AS t WHERE t.status_list_id = %s AND t.status_index = drawn.i LIMIT 1) AS taken
"""


def _indices_in_use_looked_up_one_by_one(status_list: StatusList, indices: list[int]) -> set[int]:
    used: set[int] = set()
    with connection.cursor() as cursor:
        for model in (IssuedCredential, HolderBoundCredential):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(_TAKEN_ON_POSTGRESQL.format(table=table), [indices, status_list.pk])
            used.update(row[0] for row in cursor.fetchall())
    return used


def bits_of(status_list: StatusList) -> vc.BitstringStatusList:
    return vc.BitstringStatusList.decode(status_list.encoded_list)


def find_credential(credential_id) -> IssuedCredential:
    """An issued credential by primary key, UUID or ``urn:uuid:…`` id; CredentialNotFound otherwise."""
    queryset = IssuedCredential.objects.select_related("issuer__institution", "status_list")
    text = str(credential_id).strip().removeprefix("urn:uuid:")
    try:
        if isinstance(credential_id, int) or (text.isascii() and text.isdigit()):
            return queryset.get(pk=int(text))
        return queryset.get(uuid=uuid.UUID(text))
    except (IssuedCredential.DoesNotExist, ValueError) as exc:
        copy = _bound_copy(text)
        if copy is not None:
            raise CredentialNotFound(
                _(
                    "%(id)s is a copy sent to a wallet app of credential %(original)s. Revoke that credential: "
                    "its copies are revoked with it."
                )
                % {"id": copy.credential_id, "original": copy.original.credential_id}
            ) from exc
        raise CredentialNotFound(_("There is no issued credential %(id)s.") % {"id": credential_id}) from exc


def _bound_copy(text: str) -> HolderBoundCredential | None:
    try:
        return HolderBoundCredential.objects.select_related("original").filter(uuid=uuid.UUID(text)).first()
    except ValueError:
        return None


@transaction.atomic
def revoke_credential(user, credential_id, reason: str) -> IssuedCredential:
    """Revoke an issued credential and every holder-bound copy of it: set their bits, re-sign and republish
    the lists, record who and why. All or nothing.
    """
    reason = (reason or "").strip()
    credential = find_credential(credential_id)
    if not can_revoke(user, credential):
        raise NotAllowed(
            _("Only a credential officer of %(issuer)s may revoke its credentials.") % {"issuer": credential.issuer}
        )
    if not reason:
        raise ValidationFailed(_("Give the reason for revoking this credential."))
    # Locks, in the same order everywhere: the credential's row, then status list rows by primary key.
    # Issuing a holder-bound copy locks the original's row first too, so a copy being made right now is
    # either committed before this look (and revoked below) or refused because the original is revoked.
    # Each list row lock serialises the re-signing of that whole list with other revocations and issuance.
    credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise AlreadyRevoked(
            _("This credential was already revoked on %(date)s; nothing was changed.")
            % {"date": credential.revoked_at.date().isoformat()}
        )
    copies = list(credential.bound_copies.select_for_update().filter(revoked_at__isnull=True).order_by("pk"))
    indices: dict[int, list[int]] = {credential.status_list_id: [credential.status_index]}
    for copy in copies:
        indices.setdefault(copy.status_list_id, []).append(copy.status_index)
    lists = {}
    for status_list in StatusList.objects.select_for_update().filter(pk__in=indices).order_by("pk"):
        bits = bits_of(status_list)
        for index in indices[status_list.pk]:
            bits.set(index, 1)
        _sign_status_list(status_list, bits)
        status_list.save(update_fields=["encoded_list", "credential", "etag", "updated_at"])
        lists[status_list.pk] = status_list
    now = timezone.now()
    credential.revoked_at = now
    credential.revocation_reason = reason
    credential.revoked_by = user if getattr(user, "is_authenticated", False) else None
    credential.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    HolderBoundCredential.objects.filter(pk__in=[copy.pk for copy in copies]).update(revoked_at=now)
    changes = {
        "credential": credential.credential_id,
        "statusList": lists[credential.status_list_id].url,
        "statusListIndex": credential.status_index,
    }
    if copies:  # named by their credential ids only: the holder's DID stays out of the log
        changes["boundCopies"] = [
            {
                "credential": copy.credential_id,
                "statusList": lists[copy.status_list_id].url,
                "statusListIndex": copy.status_index,
            }
            for copy in copies
        ]
    record_audit_event(
        actor=user,
        action="credential.revoked",
        target=credential,
        summary=reason[:500],
        changes=changes,
    )
    # The learner's e-mail is an outbox row in this very transaction: revoked and told, or neither.
    announce_credential_revoked(credential)
    send_after_commit(credential_revoked, credential)
    return credential
