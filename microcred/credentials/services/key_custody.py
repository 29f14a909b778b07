"""Key custody: re-sealing the issuer keys under a new key-encryption key, and escrow of an issuer key.

* :func:`rotate_kek`: every issuer key sealed under a previous KEK (``CREDENTIAL_KEK_PREVIOUS``) is opened and
  sealed again under the current one (``CREDENTIAL_KEK``), in one transaction; keys already under the current
  KEK are left alone, so running it again changes nothing. Afterwards the old KEK can leave the environment.
* :func:`export_issuer_key`: an issuer key encrypted to an operator's public key (:mod:`..escrow`), for a safe
  or an offline escrow; :func:`import_issuer_key` puts an escrowed key back, sealed under the current KEK (the
  KEK was lost, or the key moves to another installation holding the same issuer rows).

Each change is in the audit log; no private key, KEK or sealed value ever is (only KEK ids and fingerprints).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.credentials import escrow, keys
from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.models import Issuer, IssuerKey
from microcred.credentials.services.issuers import private_key_of


@dataclass
class KekRotation:
    kek_id: str  # the current KEK's id
    resealed: dict[str, int] = field(default_factory=dict)  # previous KEK id -> keys re-sealed from it
    already_current: int = 0

    @property
    def resealed_count(self) -> int:
        return sum(self.resealed.values())


@transaction.atomic
def rotate_kek(*, actor=None) -> KekRotation:
    """Re-seal every issuer key under CREDENTIAL_KEK. All or nothing: a key no configured KEK opens stops the
    rotation (KeyEncryptionKeyError naming its KEK id) before anything is written. Idempotent."""
    current = keys.get_kek()
    result = KekRotation(kek_id=keys.kek_id(current))
    issuer_keys = list(IssuerKey.objects.select_for_update(of=("self",)).select_related("issuer").order_by("pk"))
    to_reseal = []
    for issuer_key in issuer_keys:
        try:
            if keys.sealed_kek_id(issuer_key.sealed_private_key) == result.kek_id:
                result.already_current += 1
                continue
            to_reseal.append((issuer_key, private_key_of(issuer_key)))  # every key opens before one is written
        except keys.KeyEncryptionKeyError as exc:  # said with the key it is about
            raise keys.KeyEncryptionKeyError(f"{issuer_key.verification_method_id}: {exc.message}") from exc
    sources = Counter()
    for issuer_key, private_key in to_reseal:
        sources[keys.sealed_kek_id(issuer_key.sealed_private_key)] += 1
        issuer_key.sealed_private_key = keys.seal(private_key.private_bytes_raw(), issuer_key.associated_data, current)
        issuer_key.save(update_fields=["sealed_private_key"])
        private_key_of(issuer_key)  # opens under the current KEK, or the transaction rolls back
    result.resealed = dict(sorted(sources.items()))
    if to_reseal:
        record_audit_event(
            actor=actor,
            action="credential_kek.rotated",
            summary=f"{result.resealed_count} issuer keys re-sealed under KEK id {result.kek_id}",
            changes={
                "kek_id": result.kek_id,
                "from_kek_ids": result.resealed,
                "keys": [issuer_key.verification_method_id for issuer_key, _ in to_reseal],
                "already_current": result.already_current,
            },
        )
    return result


def _issuer_key(slug: str, number: int | None) -> IssuerKey:
    issuer = Issuer.objects.filter(slug=slug).first()
    if issuer is None:
        raise IssuerNotReady(f"There is no issuer {slug!r}.")
    found = issuer.keys.select_related("issuer")
    issuer_key = found.filter(number=number).first() if number is not None else found.filter(status="active").first()
    if issuer_key is None:
        which = f"key-{number}" if number is not None else "an active key"
        raise IssuerNotReady(f"The issuer {slug!r} has no {which}.")
    return issuer_key


def export_issuer_key(slug: str, recipient_pem: bytes, *, number: int | None = None, actor=None) -> dict:
    """The escrow envelope of the issuer's active key (or key ``number``), encrypted to ``recipient_pem``."""
    try:
        escrow.load_recipient(recipient_pem)
    except escrow.EscrowError as exc:
        raise ValidationFailed(str(exc)) from exc
    issuer_key = _issuer_key(slug, number)
    private_key = private_key_of(issuer_key)
    header = {
        "issuer": issuer_key.issuer.slug,
        "did": issuer_key.issuer.did,
        "verificationMethod": issuer_key.verification_method_id,
        "keyNumber": issuer_key.number,
        "publicKeyMultibase": issuer_key.public_key_multibase,
        "exportedAt": vc.format_datetime(timezone.now()),
    }
    envelope = escrow.seal_for_recipient(private_key, header, recipient_pem)
    record_audit_event(
        actor=actor,
        action="issuer_key.exported",
        target=issuer_key.issuer,
        summary=f"{issuer_key.fragment} exported for escrow to operator key {envelope['recipient']['publicKeySha256'][:16]}…",
        changes={"key": issuer_key.verification_method_id, "recipient": envelope["recipient"]},
    )
    return envelope


@transaction.atomic
def import_issuer_key(
    envelope: dict, operator_private_pem: bytes, *, passphrase: bytes | None = None, actor=None
) -> tuple[IssuerKey, bool]:
    """Put an escrowed key back into its issuer's key row, sealed under CREDENTIAL_KEK → (key, changed).

    The row must exist with the same public key (the DID document already publishes it): an envelope never
    adds a key nor replaces another. A row that already opens, under the current KEK, to this key is left
    alone (changed False)."""
    try:
        opened = escrow.open_envelope(envelope, operator_private_pem, passphrase)
    except escrow.EscrowError as exc:
        raise ValidationFailed(str(exc)) from exc
    header = opened.header
    number = header.get("keyNumber")
    if not isinstance(number, int) or not isinstance(header.get("issuer"), str):
        raise ValidationFailed("The envelope does not name an issuer and a key number.")
    issuer_key = _issuer_key(header["issuer"], number)
    issuer_key = IssuerKey.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=issuer_key.pk)
    if issuer_key.public_key_multibase != header.get("publicKeyMultibase"):
        raise ValidationFailed(
            f"{issuer_key.verification_method_id} has the public key {issuer_key.public_key_multibase}, not the "
            f"envelope's {header.get('publicKeyMultibase')}: nothing was changed."
        )
    current = keys.get_kek()
    if keys.sealed_kek_id(issuer_key.sealed_private_key) == keys.kek_id(current):
        try:
            private_key_of(issuer_key)
            return issuer_key, False
        except keys.KeyEncryptionKeyError:
            pass  # damaged: sealed again below
    issuer_key.sealed_private_key = keys.seal(
        opened.private_key.private_bytes_raw(), issuer_key.associated_data, current
    )
    issuer_key.save(update_fields=["sealed_private_key"])
    private_key_of(issuer_key)
    record_audit_event(
        actor=actor,
        action="issuer_key.imported",
        target=issuer_key.issuer,
        summary=f"{issuer_key.fragment} restored from escrow and sealed under KEK id {keys.kek_id(current)}",
        changes={
            "key": issuer_key.verification_method_id,
            "kek_id": keys.kek_id(current),
            "recipient": header["recipient"],
        },
    )
    return issuer_key, True
