"""The alliance's issuer registry, published and consulted (issue #18 item 5).

**Publishing.** The alliance lists its issuers in the shape of the Digital Credentials Consortium's issuer registry
(``registry.json`` as read by ``@digitalcredentials/issuer-registry-client``: ``{"meta": {...}, "registry":
{"<did>": {"name", "url", "location"}}}``), extended per issuer with ``country`` (ISO 3166-1 alpha-2) and
``keys`` (each verification method with the time it became valid and, once retired, the time it stopped:
the DID document's ``expires``, Controlled Identifiers 1.0 §2.2). Served plain at ``/trust/registry.json`` and
signed at ``/trust/registry.vc.json``: a W3C VC 2.0 ``IssuerRegistryCredential`` whose subject carries the same
document as one JSON literal (JSON-LD 1.1 §4.2.2, ``@type: @json``, context ``microcred-registry-v1.jsonld``), so
a verifier reads the registry back from the data the signature covers, signed by the alliance's issuer with
``eddsa-rdfc-2022`` (VC Data Integrity 1.0). The proof's ``created`` is the registry's last change and Ed25519
signatures are deterministic, so every process serves the same bytes (one ETag) for the same content.

**Consulting.** A credential's issuer is looked up in our own registry (computed from the database, kept in
process memory with the verification cache: no fetch, no query on the hot path), then in each enabled
:class:`TrustedRegistry` the alliance admin configured. Another alliance's registry is fetched through the
guarded remote fetching (services/remote.py: HTTPS, no redirects, size limit, timeout, never our own host),
its proof verified against the DID document of the configured signer (and no other), and its content read from
the signed data; the result is cached for a few minutes. A registry that cannot be fetched or whose signature
does not verify is reported as such, never guessed around.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.credentials.models import Issuer, IssuerKey, TrustedRegistry
from microcred.credentials.services.did_web import document_url, public_key_from_document, retirement_from_document
from microcred.credentials.services.issuers import active_key, public_base_url, retirement_instant
from microcred.credentials.services.published import PublishedDocument, json_bytes, remembered, strong_etag
from microcred.credentials.services.remote import CACHE_SECONDS, RemoteDocumentError, fetch_json, own_host
from microcred.credentials.services.verification_cache import (
    ISSUERS,
    ProcessMemory,
    bump_generation,
    own_issuer,
    resolve_key,
)
from microcred.credentials.signers import signer_for
from microcred.credentials.vocabulary import EXTENSION_VOCAB, REGISTRY_CONTEXT_URL, VC_V2_CONTEXT
from microcred.reference.models import Institution
from microcred.vc.credential_data import CRED, RDF, Graph, credential_root

REGISTRY_PATH = "/trust/registry.json"
SIGNED_REGISTRY_PATH = "/trust/registry.vc.json"
CREDENTIAL_TYPE = "IssuerRegistryCredential"
SUBJECT_TYPE = "IssuerRegistry"
RDF_JSON = RDF + "JSON"
#: A registry document (signed) is refused beyond this size.
MAX_BYTES = 512 * 1024
#: How long a failed fetch is remembered, so that an unreachable registry does not slow every verification.
FAILURE_CACHE_SECONDS = 60
TRUSTED_REGISTRIES = "trusted_registries"

# Finding states (RegistryFinding.state).
MEMBER = "member"
NOT_LISTED = "not_listed"
KEY_NOT_VALID = "key_not_valid"
UNAVAILABLE = "unavailable"
NOT_CHECKED = "not_checked"


# --- our registry -----------------------------------------------------------------------------------------------


def registry_url() -> str:
    return public_base_url() + REGISTRY_PATH


def signed_registry_url() -> str:
    return public_base_url() + SIGNED_REGISTRY_PATH


def _key_entry(key: IssuerKey) -> dict:
    entry = {"id": key.verification_method_id, "validFrom": vc.format_datetime(key.created_at)}
    retired = retirement_instant(key)
    if retired is not None:
        entry["validUntil"] = vc.format_datetime(retired)
    return entry


def _build_registry() -> dict:
    """The registry document (DCC issuer-registry shape, extended) from the database: one query (the keys with
    their issuers and institutions), a second only while the alliance has no issuer with a key."""
    keys = list(IssuerKey.objects.select_related("issuer__institution").order_by("issuer__did", "number"))
    entries: dict[str, dict] = {}
    moments = []
    alliance: Institution | None = None
    publisher = ""
    for key in keys:
        issuer: Issuer = key.issuer
        institution = issuer.institution
        if institution.is_alliance:
            alliance, publisher = institution, issuer.did
        entry = entries.get(issuer.did)
        if entry is None:
            entry = {"name": issuer.name}
            if institution.domain:
                entry["url"] = f"https://{institution.domain}"
            if institution.country:
                entry["location"] = institution.country
            if institution.country_code:
                entry["country"] = institution.country_code.upper()
            entry["keys"] = []
            entries[issuer.did] = entry
            moments.append(issuer.created_at)
        entry["keys"].append(_key_entry(key))
        moments += [key.created_at, *([key.retired_at] if key.retired_at else [])]
    if alliance is None:
        alliance = Institution.objects.filter(is_alliance=True).first()
    meta = {"name": alliance.name if alliance else ""}
    if moments:
        meta["created"] = vc.format_datetime(min(moments))
        meta["updated"] = vc.format_datetime(max(moments))
    if publisher:
        meta["publisher"] = publisher
    return {"meta": meta, "registry": entries}


_memory = ProcessMemory(ISSUERS)  # rebuilt when an issuer, key or institution changes, in every process


def own_registry() -> dict:
    """Our registry document, from process memory while no issuer, key or institution changed."""
    return _memory.get(("trust-registry",), _build_registry)


def registry_credential(registry: dict) -> dict:
    """The unsigned IssuerRegistryCredential carrying ``registry`` (its subject's ``issuerRegistry``)."""
    meta = registry.get("meta", {})
    return {
        "@context": [VC_V2_CONTEXT, REGISTRY_CONTEXT_URL],
        "id": signed_registry_url(),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": meta.get("publisher", ""),
        "validFrom": meta.get("updated") or vc.format_datetime(datetime.now(UTC)),
        "credentialSubject": {"id": registry_url(), "type": SUBJECT_TYPE, "issuerRegistry": registry},
    }


class RegistryNotReady(Exception):
    """The alliance has no issuer with an active key yet: nothing can sign the registry."""


def sign_registry(registry: dict) -> dict:
    """The registry signed by the alliance's issuer with its active key (raises RegistryNotReady without one)."""
    did = registry.get("meta", {}).get("publisher")
    issuer = Issuer.objects.filter(did=did).first() if did else None
    if issuer is None:
        raise RegistryNotReady("The alliance has no issuer yet (manage.py create_issuer_keys).")
    key = active_key(issuer)
    unsigned = registry_credential(registry)
    return vc.sign(unsigned, signer_for(key), key.verification_method_id, created=unsigned["validFrom"])


def max_age() -> int:
    return max(int(settings.TRUST_REGISTRY_MAX_AGE), 0)


def published_registry() -> PublishedDocument:
    """``/trust/registry.json`` as served (kept per content in process memory)."""
    registry = own_registry()
    body = json_bytes(registry)
    return PublishedDocument(body, strong_etag(body), max_age())


def published_signed_registry() -> PublishedDocument:
    """``/trust/registry.vc.json`` as served: signed once per content and process (deterministic bytes)."""
    registry = own_registry()
    content = json.dumps(registry, sort_keys=True)

    def make() -> PublishedDocument:
        body = json_bytes(sign_registry(registry))
        return PublishedDocument(body, strong_etag(body), max_age())

    return remembered(("trust-registry-vc", content, signed_registry_url()), make)


# --- the registries we trust -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrySource:
    """A configured registry as the verifier needs it (a snapshot of a TrustedRegistry row)."""

    pk: int
    name: str
    url: str
    signer_did: str


_configured = ProcessMemory(TRUSTED_REGISTRIES)


def configured_registries() -> tuple[RegistrySource, ...]:
    """The enabled registries the admin configured, from process memory until one is added, changed or removed."""
    return _configured.get(
        ("enabled",),
        lambda: tuple(
            RegistrySource(r.pk, r.name, r.url, r.signer_did)
            for r in TrustedRegistry.objects.filter(enabled=True).order_by("name", "pk")
        ),
    )


def _registries_changed(sender, **kwargs) -> None:
    bump_generation(TRUSTED_REGISTRIES)


def connect_invalidation() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_registries_changed, sender=TrustedRegistry, dispatch_uid="trust-registry-configured")


class RegistryUnavailable(Exception):
    """The registry could not be used (message for people: unreachable, bad signature, not a registry)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _signer_resolver(signer_did: str):
    """Resolve only keys of ``signer_did``: ours from memory, another did:web from its own host (the admin
    trusted this signer explicitly), through the guarded fetching."""

    def resolve(vm_id):
        if not isinstance(vm_id, str) or vm_id.partition("#")[0] != signer_did:
            raise vc.KeyResolutionError(f"The registry is signed by {vm_id!r}, not by {signer_did}.")
        if own_issuer(signer_did) is not None:
            return resolve_key(vm_id)
        return public_key_from_document(_signer_document(signer_did), vm_id)

    return resolve


def _signer_document(did: str) -> dict:
    if not did.startswith("did:web:"):
        raise vc.KeyResolutionError(f"The registry's signer {did!r} is not a did:web identifier.")
    host, url = document_url(did)
    if host == own_host():
        raise vc.KeyResolutionError(f"{did!r} is not one of this platform's issuers.")
    try:
        document = fetch_json(
            url, max_bytes=64 * 1024, accept="application/did+json, application/json", cache_key="didweb:" + did
        )
    except RemoteDocumentError as exc:
        raise vc.KeyResolutionError(exc.message) from exc
    if not isinstance(document, dict) or document.get("id") != did:
        raise vc.KeyResolutionError(f"{url} is not the DID document of {did}.")
    return document


def read_signed_registry(document, *, signer_did: str) -> dict:
    """The registry document carried by a signed IssuerRegistryCredential, read from its signed data
    (raises RegistryUnavailable with the reason)."""
    if not isinstance(document, dict):
        raise RegistryUnavailable(_("it is not a JSON object"))
    result = vc.verify(document, _signer_resolver(signer_did))
    if not result.verified:
        error = result.error
        if isinstance(error, vc.InvalidProof):
            raise RegistryUnavailable(_("its signature does not match: it was altered or signed by another key"))
        if isinstance(error, vc.MissingProof):
            raise RegistryUnavailable(_("it is not signed"))
        raise RegistryUnavailable(
            _("its signature could not be checked (%(why)s)") % {"why": error.message if error else "?"}
        )
    vm = result.verification_method
    created = result.proof.get("created")
    if vm.startswith("did:web:") and own_issuer(signer_did) is None:
        try:
            retired = retirement_from_document(_signer_document(signer_did), vm)
        except vc.KeyResolutionError as exc:
            raise RegistryUnavailable(exc.message) from exc
        if retired is not None and (not isinstance(created, str) or vc.parse_datetime_stamp(created) >= retired):
            raise RegistryUnavailable(_("it was signed with a key retired before it was signed"))
    graph = Graph(result.dataset)
    try:
        root = credential_root(graph)
    except vc.CredentialDataError as exc:
        raise RegistryUnavailable(exc.message) from exc
    if EXTENSION_VOCAB + CREDENTIAL_TYPE not in graph.types(root):
        raise RegistryUnavailable(_("it is not an IssuerRegistryCredential"))
    if graph.iris(root, CRED + "issuer") != (signer_did,):
        raise RegistryUnavailable(_("its issuer is not %(did)s") % {"did": signer_did})
    subjects = graph.nodes(root, CRED + "credentialSubject")
    literals = [
        literal
        for subject in subjects
        for literal in graph.literals(subject, EXTENSION_VOCAB + "issuerRegistry")
        if literal.datatype == RDF_JSON
    ]
    if len(subjects) != 1 or len(literals) != 1:
        raise RegistryUnavailable(_("it does not carry exactly one registry"))
    try:
        registry = json.loads(literals[0].value)
    except ValueError as exc:
        raise RegistryUnavailable(_("its registry is not JSON")) from exc
    if not isinstance(registry, dict) or not isinstance(registry.get("registry"), dict):
        raise RegistryUnavailable(_("its registry has no list of issuers"))
    return registry


def remote_registry(source: RegistrySource) -> dict:
    """The verified content of a configured registry (cached; raises RegistryUnavailable, also cached briefly)."""
    key = f"trust-registry:{source.pk}:{source.url}:{source.signer_did}"
    cached = cache.get(key)
    if cached is not None:
        if "error" in cached:
            raise RegistryUnavailable(cached["error"])
        return cached["registry"]
    error = ""
    try:
        if _host_of(source.url) == own_host():
            raise RegistryUnavailable(_("it is on this platform's own address; our registry is trusted already"))
        try:
            document = fetch_json(
                source.url,
                max_bytes=MAX_BYTES,
                accept="application/vc+ld+json, application/json",
                cache_key="registry:" + source.url,
                cache_seconds=1,
            )
        except RemoteDocumentError as exc:
            raise RegistryUnavailable(_("it could not be fetched (%(why)s)") % {"why": exc.message}) from exc
        registry = read_signed_registry(document, signer_did=source.signer_did)
    except RegistryUnavailable as exc:
        error = exc.message
        cache.set(key, {"error": error}, FAILURE_CACHE_SECONDS)
        raise
    finally:
        TrustedRegistry.objects.filter(pk=source.pk).update(last_fetched_at=timezone.now(), last_error=error)
    cache.set(key, {"registry": registry}, CACHE_SECONDS)
    return registry


def _host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


# --- the finding ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryFinding:
    """What the registries say of a credential's issuer: ``state`` (MEMBER, NOT_LISTED, KEY_NOT_VALID,
    UNAVAILABLE, NOT_CHECKED), a sentence for people, and the registry that lists the issuer (MEMBER)."""

    state: str
    message: str
    registry: str = ""
    #: True when the registry is ours (the alliance's own, computed locally).
    ours: bool = False

    @property
    def is_member(self) -> bool:
        return self.state == MEMBER

    def as_dict(self) -> dict:
        return {"state": self.state, "message": self.message, "registry": self.registry}


def _key_valid_at(entry: dict, vm: str, when: datetime | None) -> bool:
    """The registry lists ``vm`` for this issuer and it was valid at ``when`` (validFrom ≤ when < validUntil)."""
    if when is None:
        return False
    for key in entry.get("keys") or []:
        if not isinstance(key, dict) or key.get("id") != vm:
            continue
        try:
            start = vc.parse_datetime_stamp(key["validFrom"]) if "validFrom" in key else None
            end = vc.parse_datetime_stamp(key["validUntil"]) if "validUntil" in key else None
        except ValueError:
            return False
        return (start is None or start <= when) and (end is None or when < end)
    return False


def _lookup(registry: dict, issuer_id: str, vm: str, when: datetime | None) -> str:
    entries = registry.get("registry")
    entry = entries.get(issuer_id) if isinstance(entries, dict) else None
    if not isinstance(entry, dict):
        return NOT_LISTED
    return MEMBER if _key_valid_at(entry, vm, when) else KEY_NOT_VALID


def registry_finding(issuer_id: str, verification_method: str, signed_at: datetime | None) -> RegistryFinding:
    """Whether a registry we trust lists ``issuer_id`` with the key ``verification_method`` valid at
    ``signed_at`` (the proof's ``created``, else the credential's ``validFrom``). Ours first (no fetch)."""
    ours = own_registry()
    name = (ours.get("meta") or {}).get("name") or _("this alliance")
    state = _lookup(ours, issuer_id, verification_method, signed_at)
    if state == MEMBER:
        return RegistryFinding(MEMBER, _("Issued by a member of %(registry)s.") % {"registry": name}, name, ours=True)
    key_problems = []
    if state == KEY_NOT_VALID:
        key_problems.append(name)
    unavailable = []
    for source in configured_registries():
        try:
            registry = remote_registry(source)
        except RegistryUnavailable as exc:
            unavailable.append(
                _("The registry %(name)s could not be checked: %(why)s.")
                % {"name": source.name, "why": exc.message.rstrip(".")}
            )
            continue
        state = _lookup(registry, issuer_id, verification_method, signed_at)
        if state == MEMBER:
            return RegistryFinding(
                MEMBER, _("Issued by a member of %(registry)s.") % {"registry": source.name}, source.name
            )
        if state == KEY_NOT_VALID:
            key_problems.append(source.name)
    key_sentence = (
        _("%(registries)s lists the issuer, but not the key that signed this credential as valid when it was signed.")
        % {"registries": ", ".join(key_problems)}
        if key_problems
        else ""
    )
    if unavailable:
        return RegistryFinding(UNAVAILABLE, " ".join([*unavailable, *([key_sentence] if key_sentence else [])]))
    if key_problems:
        return RegistryFinding(KEY_NOT_VALID, key_sentence)
    return RegistryFinding(NOT_LISTED, _("Issuer not in any registry you trust."))


def not_checked_finding() -> RegistryFinding:
    return RegistryFinding(NOT_CHECKED, _("Registries not consulted: the signature could not be confirmed."))


# --- the admin's changes ------------------------------------------------------------------------------------


def registry_url_problem(url: str) -> str:
    """Why ``url`` cannot be a trusted registry's address, or "" (an HTTPS address of another host)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return _("The registry's address must be an https:// address, without a user name or password.")
    if _host_of(url) == own_host():
        return _("This is this platform's own address: our own registry is always trusted, it need not be added.")
    return ""


def signer_did_problem(did: str) -> str:
    """Why ``did`` cannot be a registry's expected signer, or "" (a well-formed did:web of another host)."""
    if not did.startswith("did:web:"):
        return _("The signer must be a did:web identifier (did:web:host[:path]), such as the other alliance's issuer.")
    try:
        host, _url = document_url(did)
    except vc.KeyResolutionError as exc:
        return _("The signer is not a valid did:web identifier (%(why)s).") % {"why": exc.message}
    if host == own_host():
        return _("This is one of this platform's own issuers: our own registry is always trusted.")
    return ""


def record_registry_change(*, actor, registry: TrustedRegistry, change: str, fields: list[str]) -> None:
    """Audit one trusted registry added, changed or deleted on the admin site (``trusted_registry.*``)."""
    if change not in {"added", "changed", "deleted"}:
        raise ValueError(f"unknown registry change {change!r}")
    record_audit_event(
        actor=actor,
        action="trusted_registry.added"  # spelt out: the audit tests read the names from the code
        if change == "added"
        else "trusted_registry.changed"
        if change == "changed"
        else "trusted_registry.deleted",
        target=registry,
        summary=f"{registry.name} ({registry.url})",
        changes={
            "fields": fields,
            "name": registry.name,
            "url": registry.url,
            "signer_did": registry.signer_did,
            "enabled": registry.enabled,
        },
    )
