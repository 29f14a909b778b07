"""Fetching documents of issuers that are not ours: did:web DID documents and Bitstring status lists.

Never an open fetcher (server-side request forgery): only hosts an operator listed are fetched
(``DID_WEB_ALLOWED_HOSTS``, ``STATUS_LIST_ALLOWED_HOSTS``; both empty by default, so the verifier is offline),
never the host of ``PUBLIC_BASE_URL`` (our own issuers and lists are read from the database), over HTTPS
only, without following redirects, with a short timeout and a size limit, and answers are cached briefly.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

TIMEOUT_SECONDS = 3
CACHE_SECONDS = 300


class RemoteDocumentError(Exception):
    """The document could not be fetched (message for people, English, names the URL)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def own_host() -> str:
    """``host[:port]`` of PUBLIC_BASE_URL, lower-case."""
    return (urlsplit(settings.PUBLIC_BASE_URL).netloc or "").lower()


def did_web_allowed_hosts() -> set[str]:
    """Hosts whose did:web documents may be fetched (never our own: our issuers are in the database)."""
    return {h.lower() for h in settings.DID_WEB_ALLOWED_HOSTS} - {own_host()}


def status_list_allowed_hosts() -> set[str]:
    """Hosts whose status list credentials may be fetched (never our own: our lists are in the database)."""
    return {h.lower() for h in settings.STATUS_LIST_ALLOWED_HOSTS} - {own_host()}


def https_scheme() -> str:
    # Plain HTTP only for the tests' local servers; production never sets this.
    return "http" if getattr(settings, "REMOTE_DOCUMENTS_ALLOW_HTTP", False) else "https"


def fetch_json(url: str, *, max_bytes: int, accept: str, cache_key: str, cache_seconds: int = CACHE_SECONDS):
    """GET ``url`` (the caller has checked its host) and parse it as JSON; cached for ``cache_seconds``."""
    key = "remote:" + cache_key
    cached = cache.get(key)
    if cached is not None:
        return cached
    body = fetch_bytes(url, max_bytes=max_bytes, accept=accept)
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise RemoteDocumentError(f"{url} is not JSON.") from exc
    cache.set(key, document, cache_seconds)
    return document


def fetch_bytes(url: str, *, max_bytes: int, accept: str) -> bytes:
    """GET ``url`` (the caller has checked its host): HTTPS only, no redirects, at most ``max_bytes``, a short
    timeout; RemoteDocumentError otherwise. Not cached (the callers cache what they make of it)."""
    parts = urlsplit(url)
    if parts.scheme != https_scheme() or not parts.hostname or parts.username or parts.password:
        raise RemoteDocumentError(f"{url} is not an {https_scheme().upper()} address this verifier may fetch.")
    try:
        with requests.get(
            url, timeout=TIMEOUT_SECONDS, allow_redirects=False, stream=True, headers={"Accept": accept}
        ) as response:
            if response.status_code != 200:
                raise RemoteDocumentError(f"{url} answered {response.status_code}.")
            body = b""
            for chunk in response.iter_content(8192):
                body += chunk
                if len(body) > max_bytes:
                    raise RemoteDocumentError(f"{url} is larger than {max_bytes // 1024} KB.")
    except requests.RequestException as exc:
        raise RemoteDocumentError(f"{url} could not be fetched ({exc.__class__.__name__}).") from exc
    return body
