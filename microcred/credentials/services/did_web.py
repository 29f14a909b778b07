"""Fetching did:web documents of issuers that are not ours, only from allowed hosts (never an open fetcher).

Only hosts on settings.DID_WEB_ALLOWED_HOSTS are fetched (empty by default: the verifier is offline), never the
host of PUBLIC_BASE_URL (our own issuers are in the database), over HTTPS, without following redirects, with a
short timeout and a size limit, and the answer is cached for a few minutes (see services/remote.py).
Everything else: "the issuer could not be resolved".
"""

from __future__ import annotations

from urllib.parse import unquote

from microcred import vc
from microcred.credentials.services.remote import (
    RemoteDocumentError,
    did_web_allowed_hosts,
    fetch_json,
    https_scheme,
    own_host,
)

MAX_BYTES = 64 * 1024


def document_url(did: str) -> tuple[str, str]:
    """(host, URL) of a did:web document; raises KeyResolutionError for a malformed DID."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise vc.KeyResolutionError(f"{did!r} is not a did:web identifier.")
    host = unquote(parts[2]).lower()
    if "/" in host or "@" in host or not host.replace(":", "").replace(".", "").replace("-", "").isalnum():
        raise vc.KeyResolutionError(f"{did!r} names an invalid host.")
    path = "/".join(parts[3:])
    scheme = https_scheme()
    return host, f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def fetch_did_document(did: str) -> dict:
    host, url = document_url(did)
    if host == own_host():
        raise vc.KeyResolutionError(f"The issuer {did!r} is not one of this platform's issuers.")
    if host not in did_web_allowed_hosts():
        raise vc.KeyResolutionError(
            f"The issuer {did!r} could not be resolved: its host is not on this platform's list of trusted hosts."
        )
    try:
        document = fetch_json(
            url, max_bytes=MAX_BYTES, accept="application/did+json, application/json", cache_key="didweb:" + did
        )
    except RemoteDocumentError as exc:
        raise vc.KeyResolutionError(exc.message) from exc
    if not isinstance(document, dict) or document.get("id") != did:
        raise vc.KeyResolutionError(f"{url} is not the DID document of {did}.")
    return document


def verification_method_of(document: dict, vm_id: str) -> dict:
    """The verification method `vm_id`, if the document lists it for assertions (credentials)."""
    did = document["id"]
    methods = {m.get("id"): m for m in document.get("verificationMethod", []) if isinstance(m, dict)}
    method = methods.get(vm_id) or methods.get(vm_id.replace(did, "", 1))
    assertion = {a if isinstance(a, str) else a.get("id") for a in document.get("assertionMethod", [])}
    if method is None or not ({vm_id, vm_id.replace(did, "", 1)} & assertion):
        raise vc.KeyResolutionError(f"{vm_id!r} is not an assertion key of {did}.")
    if method.get("controller") != did or not isinstance(method.get("publicKeyMultibase"), str):
        raise vc.KeyResolutionError(f"{vm_id!r} has no usable Multikey controlled by {did}.")
    return method


def public_key_from_document(document: dict, vm_id: str):
    """The Multikey public key of `vm_id`, if the document lists it for assertions (credentials)."""
    return vc.public_key_from_multibase(verification_method_of(document, vm_id)["publicKeyMultibase"])


def retirement_from_document(document: dict, vm_id: str):
    """When `vm_id` stopped being usable: its ``expires`` (Controlled Identifiers 1.0 §2.2; Multikey context),
    or None. An ``expires`` that is not a date-time is refused."""
    method = verification_method_of(document, vm_id)
    if "expires" not in method:
        return None
    try:
        return vc.parse_datetime_stamp(method["expires"])
    except ValueError as exc:
        raise vc.KeyResolutionError(f"{vm_id!r} has an invalid expires date ({exc}).") from exc
