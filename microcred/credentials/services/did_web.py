"""Fetching did:web documents of issuers that are not ours, only for allowed hosts (never an open fetcher).

Only hosts on settings.DID_WEB_ALLOWED_HOSTS are fetched (by default the host of PUBLIC_BASE_URL, i.e. the
alliance's own), over HTTPS, without following redirects, with a short timeout and a size limit, and the
answer is cached for a few minutes. Everything else: "the issuer could not be resolved".
"""

from __future__ import annotations

import json
from urllib.parse import unquote, urlparse

import requests
from django.conf import settings
from django.core.cache import cache

from microcred import vc

MAX_BYTES = 64 * 1024
TIMEOUT_SECONDS = 3
CACHE_SECONDS = 300


def allowed_hosts() -> set[str]:
    configured = getattr(settings, "DID_WEB_ALLOWED_HOSTS", None)
    if configured is not None:
        return {h.lower() for h in configured}
    return {(urlparse(settings.PUBLIC_BASE_URL).netloc or "").lower()}


def document_url(did: str) -> tuple[str, str]:
    """(host, URL) of a did:web document; raises KeyResolutionError for a malformed DID."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise vc.KeyResolutionError(f"{did!r} is not a did:web identifier.")
    host = unquote(parts[2]).lower()
    if "/" in host or "@" in host or not host.replace(":", "").replace(".", "").replace("-", "").isalnum():
        raise vc.KeyResolutionError(f"{did!r} names an invalid host.")
    path = "/".join(parts[3:])
    scheme = "http" if getattr(settings, "DID_WEB_ALLOW_HTTP", False) else "https"
    return host, f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def fetch_did_document(did: str) -> dict:
    host, url = document_url(did)
    if host not in allowed_hosts():
        raise vc.KeyResolutionError(
            f"The issuer {did!r} could not be resolved: its host is not on this platform's list of trusted hosts."
        )
    key = "didweb:" + did
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        with requests.get(
            url,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
            headers={"Accept": "application/did+json, application/json"},
        ) as response:
            if response.status_code != 200:
                raise vc.KeyResolutionError(f"{url} answered {response.status_code}.")
            body = b""
            for chunk in response.iter_content(8192):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise vc.KeyResolutionError(f"{url} is larger than {MAX_BYTES // 1024} KB.")
    except requests.RequestException as exc:
        raise vc.KeyResolutionError(f"{url} could not be fetched ({exc.__class__.__name__}).") from exc
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise vc.KeyResolutionError(f"{url} is not JSON.") from exc
    if not isinstance(document, dict) or document.get("id") != did:
        raise vc.KeyResolutionError(f"{url} is not the DID document of {did}.")
    cache.set(key, document, CACHE_SECONDS)
    return document


def public_key_from_document(document: dict, vm_id: str):
    """The Multikey public key of `vm_id`, if the document lists it for assertions (credentials)."""
    did = document["id"]
    methods = {m.get("id"): m for m in document.get("verificationMethod", []) if isinstance(m, dict)}
    method = methods.get(vm_id) or methods.get(vm_id.replace(did, "", 1))
    assertion = {a if isinstance(a, str) else a.get("id") for a in document.get("assertionMethod", [])}
    if method is None or not ({vm_id, vm_id.replace(did, "", 1)} & assertion):
        raise vc.KeyResolutionError(f"{vm_id!r} is not an assertion key of {did}.")
    if method.get("controller") != did or not isinstance(method.get("publicKeyMultibase"), str):
        raise vc.KeyResolutionError(f"{vm_id!r} has no usable Multikey controlled by {did}.")
    return vc.public_key_from_multibase(method["publicKeyMultibase"])
