"""Issuers and their Ed25519 keys: creation, rotation, DID documents and profiles."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.credentials import keys
from microcred.credentials.exceptions import IssuerNotReady
from microcred.credentials.models import Issuer, IssuerKey
from microcred.credentials.services.did_web import (
    fetch_did_document,
    public_key_from_document,
    retirement_from_document,
)
from microcred.credentials.vocabulary import OB_CONTEXT, VC_V2_CONTEXT
from microcred.reference.models import Institution
from microcred.vc.cryptosuites import SUITES


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def did_for_slug(slug: str, base_url: str | None = None) -> str:
    """``did:web:HOST[%3APORT][:PREFIX…]:issuers:SLUG`` for PUBLIC_BASE_URL (``/issuers/SLUG/did.json``)."""
    parts = urlsplit(base_url or public_base_url())
    if not parts.hostname:
        raise ValueError(f"PUBLIC_BASE_URL {base_url or public_base_url()!r} has no host name.")
    prefix = [segment for segment in parts.path.split("/") if segment]
    return vc.did_web(parts.hostname, [*prefix, "issuers", slug], port=parts.port)


# --- keys ---------------------------------------------------------------------------------------------


def _new_key(issuer: Issuer, number: int, kek: bytes) -> IssuerKey:
    private_key = vc.generate_private_key()
    key = IssuerKey(
        issuer=issuer,
        number=number,
        public_key_multibase=vc.public_key_to_multibase(private_key.public_key()),
    )
    seed = private_key.private_bytes_raw()
    key.sealed_private_key = keys.seal(seed, key.associated_data, kek)
    key.save()
    return key


def private_key_of(issuer_key: IssuerKey) -> Ed25519PrivateKey:
    """Unseal the private key with the KEK (raises KeyEncryptionKeyError on a missing or wrong KEK)."""
    seed = keys.unseal(issuer_key.sealed_private_key, issuer_key.associated_data)
    private_key = vc.private_key_from_seed(seed)
    if vc.public_key_to_multibase(private_key.public_key()) != issuer_key.public_key_multibase:
        raise keys.KeyEncryptionKeyError(f"The stored key {issuer_key.fragment} of {issuer_key.issuer} is corrupt.")
    return private_key


def public_key_of(issuer_key: IssuerKey) -> Ed25519PublicKey:
    return vc.public_key_from_multibase(issuer_key.public_key_multibase)


def active_key(issuer: Issuer) -> IssuerKey:
    key = issuer.keys.filter(status=IssuerKey.Status.ACTIVE).first()
    if key is None:
        raise IssuerNotReady(
            f"{issuer.name} has no active signing key. Run `manage.py create_issuer_keys`.", issuer=issuer.slug
        )
    return key


@transaction.atomic
def ensure_issuer(institution: Institution, *, actor=None) -> tuple[Issuer, bool]:
    """The issuer of ``institution`` with an active key, created if missing. Idempotent."""
    kek = keys.get_kek()  # fail before writing anything
    created = False
    issuer = Issuer.objects.select_for_update().filter(institution=institution).first()
    if issuer is None:
        try:
            with transaction.atomic():
                issuer = Issuer.objects.create(
                    institution=institution,
                    slug=institution.slug,
                    name=institution.name,
                    did=did_for_slug(institution.slug),
                )
            created = True
        except IntegrityError:
            issuer = Issuer.objects.select_for_update().get(institution=institution)
    if not issuer.keys.filter(status=IssuerKey.Status.ACTIVE).exists():
        number = (issuer.keys.aggregate(n=Max("number"))["n"] or 0) + 1
        key = _new_key(issuer, number, kek)
        record_audit_event(
            actor=actor,
            action="issuer_key.created",
            target=issuer,
            summary=f"{key.fragment} created for {issuer.name}",
            changes={"key": key.verification_method_id, "publicKeyMultibase": key.public_key_multibase},
        )
        created = True
    return issuer, created


def create_issuer_keys(*, actor=None) -> list[tuple[Issuer, bool]]:
    """An issuer with an active key for the alliance and every active member institution. Idempotent."""
    institutions = Institution.objects.filter(is_active=True) | Institution.objects.filter(is_alliance=True)
    return [ensure_issuer(institution, actor=actor) for institution in institutions.distinct().order_by("pk")]


@transaction.atomic
def rotate_issuer_key(issuer: Issuer | str, *, actor=None) -> IssuerKey:
    """Retire the active key and make a new one. Old keys stay in the DID document (old credentials verify)."""
    kek = keys.get_kek()
    slug = issuer.slug if isinstance(issuer, Issuer) else issuer
    issuer = Issuer.objects.select_for_update().filter(slug=slug).first()
    if issuer is None:
        raise IssuerNotReady(f"There is no issuer {slug!r}. Run `manage.py create_issuer_keys` first.")
    old = issuer.keys.filter(status=IssuerKey.Status.ACTIVE).first()
    if old is not None:
        private_key_of(old)  # a wrong KEK must stop the rotation before anything changes
        old.status = IssuerKey.Status.RETIRED
        old.retired_at = timezone.now()
        old.save(update_fields=["status", "retired_at"])
    number = (issuer.keys.aggregate(n=Max("number"))["n"] or 0) + 1
    new = _new_key(issuer, number, kek)
    record_audit_event(
        actor=actor,
        action="issuer_key.rotated",
        target=issuer,
        summary=f"{old.fragment if old else 'no key'} → {new.fragment}",
        changes={
            "retired": old.verification_method_id if old else None,
            "active": new.verification_method_id,
            "publicKeyMultibase": new.public_key_multibase,
        },
    )
    return new


# --- published documents --------------------------------------------------------------------------------


def did_document(issuer: Issuer) -> dict:
    """The issuer's DID document: every key (active and retired) as a Multikey verification method.

    All keys stay in ``assertionMethod``: verifiers (``@digitalbazaar/vc``, the 1EdTech validator) accept a
    proof only if its verification method is listed there (VC Data Integrity 1.0 §5.10), so dropping a retired
    key would break every credential it signed. A retired key carries ``expires`` = its retirement (Controlled
    Identifiers 1.0: proofs made at or after that time are not to be verified), so a verifier can refuse a
    proof made with it later, and a stolen retired key cannot sign new credentials. (Not ``revoked``:
    jsonld-signatures refuses every proof of a revoked key, also those made before, which would break every
    credential a routine rotation leaves behind.)
    """
    issuer_keys = list(issuer.keys.order_by("number"))
    document = vc.did_web_document(issuer.did, [(k.fragment, public_key_of(k)) for k in issuer_keys])
    retired = {k.verification_method_id: retirement_instant(k) for k in issuer_keys}
    for method in document["verificationMethod"]:
        if retired.get(method["id"]) is not None:
            method["expires"] = vc.format_datetime(retired[method["id"]])
    return document


def issuer_profile(issuer: Issuer, *, with_context: bool = False) -> dict:
    """The OB 3.0 ``Profile`` of the issuer (embedded in credentials; served at /issuers/SLUG)."""
    institution = issuer.institution
    profile: dict = {}
    if with_context:
        profile["@context"] = [VC_V2_CONTEXT, OB_CONTEXT]
    profile.update({"id": issuer.did, "type": ["Profile"], "name": issuer.name})
    if institution.domain:
        profile["url"] = f"https://{institution.domain}"
    address = {"type": ["Address"]}
    if institution.country:
        address["addressCountry"] = institution.country
    if institution.country_code:
        address["addressCountryCode"] = institution.country_code.upper()
    if len(address) > 1:
        profile["address"] = address
    return profile


def issuer_for_did(did: str) -> Issuer | None:
    return Issuer.objects.select_related("institution").filter(did=did).first()


def resolve_verification_method(vm_id: str) -> Ed25519PublicKey:
    """Public key for a verification method: our issuers from the DB, did:key from the identifier itself, and
    other did:web issuers only from the allowed hosts (services/did_web.py)."""
    if not isinstance(vm_id, str):
        raise vc.KeyResolutionError("The verification method is not a string.")
    if vm_id.startswith("did:key:"):
        return vc.public_key_from_did_key(vm_id)
    did, _, fragment = vm_id.partition("#")
    issuer = issuer_for_did(did) if did.startswith("did:web:") else None
    if issuer is None:
        if did.startswith("did:web:"):
            return public_key_from_document(fetch_did_document(did), vm_id)
        raise vc.KeyResolutionError(
            f"The issuer {did!r} could not be resolved: only did:web and did:key are supported."
        )
    key = issuer.keys.filter(number=_key_number(fragment)).first() if fragment else None
    if key is None:
        raise vc.KeyResolutionError(f"{vm_id!r} is not a key of {issuer.name}.")
    return public_key_of(key)


def verification_method_retirement(vm_id: str) -> datetime | None:
    """When the key ``vm_id`` was retired (proofs made at or after that are refused), or None if it is not.

    Our keys: ``IssuerKey.retired_at``. Other did:web issuers: the ``expires`` of the verification method in
    their DID document (fetched only from allowed hosts). did:key identifiers never retire.
    """
    did, _, fragment = vm_id.partition("#")
    if not did.startswith("did:web:"):
        return None
    issuer = issuer_for_did(did)
    if issuer is None:
        return retirement_from_document(fetch_did_document(did), vm_id)
    key = issuer.keys.filter(number=_key_number(fragment)).first() if fragment else None
    if key is None:
        raise vc.KeyResolutionError(f"{vm_id!r} is not a key of {issuer.name}.")
    return retirement_instant(key)


def retirement_instant(key: IssuerKey) -> datetime | None:
    """The retirement of a retired key, rounded up to the whole second (proof ``created`` dates have second
    precision, so a proof made in the same second, before the rotation, stays valid)."""
    if key.status != IssuerKey.Status.RETIRED or key.retired_at is None:
        return None
    at = key.retired_at
    return at.replace(microsecond=0) + timedelta(seconds=1) if at.microsecond else at


def _key_number(fragment: str) -> int:
    if fragment.startswith("key-") and fragment[4:].isascii() and fragment[4:].isdigit():
        return int(fragment[4:])
    return -1


def set_proof_format(issuer: Issuer, cryptosuite: str, *, actor) -> bool:
    """Make ``cryptosuite`` the proof format of the credentials ``issuer`` signs from now on (issue #18: the
    Data Integrity EdDSA Cryptosuites v1.0 suites ``eddsa-rdfc-2022`` or ``eddsa-jcs-2022``), audited as
    ``issuer.proof_format_changed`` with the old and new value. Credentials already issued keep their proof.
    Returns whether it changed; ``ValueError`` for a suite the signing core does not offer (nothing changes)."""
    choices = {value for value, _label in Issuer._meta.get_field("cryptosuite").choices}
    if cryptosuite not in choices or cryptosuite not in SUITES:
        raise ValueError(f"{cryptosuite!r} is not a proof format an issuer signs with; one of {sorted(choices)}.")
    with transaction.atomic():
        current = Issuer.objects.select_for_update().get(pk=issuer.pk)
        previous = current.cryptosuite
        if previous == cryptosuite:
            issuer.cryptosuite = cryptosuite
            return False
        current.cryptosuite = cryptosuite
        current.save(update_fields=["cryptosuite"])
        issuer.cryptosuite = cryptosuite
        record_audit_event(
            actor=actor,
            action="issuer.proof_format_changed",
            target=current,
            summary=f"{current.slug}: {previous} → {cryptosuite}",
            changes={"cryptosuite": {"from": previous, "to": cryptosuite}},
        )
    return True
