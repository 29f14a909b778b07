"""Pinned JSON-LD contexts and the only document loader ``microcred.vc`` uses.

The loader knows a fixed set of context URLs (files in this folder, listed in ``SOURCE.md``) plus any
context the application registers at start-up with :func:`register_context` (for example our own
extension context). Every other URL raises :class:`~microcred.vc.exceptions.ContextNotAllowed`; there is
no network access, ever.

A :class:`ContextRegistry` is a value the JSON-LD processor keys its caches on: registering a context
bumps the registry's ``generation`` so cached, processed contexts are never stale.
"""

from __future__ import annotations

import copy
import json
import threading
from importlib import resources

from ..exceptions import ContextNotAllowed, VCError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_3_0_2 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
OB_V3P0_3_0_1 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_V3P0_UNVERSIONED = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
BITSTRING_STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

PINNED_FILES: dict[str, str] = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3P0_3_0_3: "ob-v3p0-context-3.0.3.json",
    OB_V3P0_3_0_2: "ob-v3p0-context-3.0.2.json",
    OB_V3P0_3_0_1: "ob-v3p0-context-3.0.1.json",
    OB_V3P0_UNVERSIONED: "ob-v3p0-context.json",
    OB_V3P0_EXTENSIONS: "ob-v3p0-extensions.json",
    BITSTRING_STATUS_LIST_V1: "bitstring-status-list-v1.jsonld",
    DATA_INTEGRITY_V1: "data-integrity-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}


def _read_pinned(filename: str) -> dict:
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    return json.loads(text)


class ContextRegistry:
    """A set of allowed context URLs with their (immutable once registered) documents."""

    def __init__(self, include_pinned: bool = True):
        self._documents: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.generation = 0
        if include_pinned:
            for url, filename in PINNED_FILES.items():
                self._documents[url] = _read_pinned(filename)

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def urls(self) -> list[str]:
        return sorted(self._documents)

    def register(self, url: str, document: dict | str | bytes) -> None:
        """Allow ``url`` and pin it to ``document`` (a dict with ``@context``, or its JSON text).

        Registering the same URL again with an identical document is a no-op; with a different
        document it is an error (a pinned context must never change under running code).
        """
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or " " in url:
            raise VCError(f"Context URL {url!r} must be an absolute http(s) URL.")
        if isinstance(document, (str, bytes)):
            document = json.loads(document)
        if not isinstance(document, dict) or not isinstance(document.get("@context"), (dict, list)):
            raise VCError(f"The document for context {url} must be a JSON object with an '@context' member.")
        document = copy.deepcopy(document)
        with self._lock:
            existing = self._documents.get(url)
            if existing is not None:
                if existing == document:
                    return
                raise VCError(f"Context {url} is already registered with different content.")
            self._documents[url] = document
            self.generation += 1

    def get(self, url: str) -> dict:
        """The pinned document for ``url`` (a private copy), or :class:`ContextNotAllowed`."""
        return copy.deepcopy(self.get_shared(url))

    def get_shared(self, url: str) -> dict:
        """Like :meth:`get` but returns the registry's own object: callers must not modify it."""
        try:
            return self._documents[url]
        except (KeyError, TypeError):
            raise ContextNotAllowed(
                f"The JSON-LD context {url!r} is not on the allow-list of pinned contexts; "
                "documents may only use known, pinned contexts.",
                url=url,
            ) from None

    def document_loader(self, url: str, options: dict | None = None) -> dict:
        """A PyLD-compatible document loader restricted to this registry (never fetches)."""
        # "tag": "static" lets PyLD keep the processed context in the (per-registry) shared cache.
        return {"contextUrl": None, "documentUrl": url, "document": self.get(url), "tag": "static"}


DEFAULT_REGISTRY = ContextRegistry()


def register_context(url: str, document: dict | str | bytes) -> None:
    """Add a pinned context to the default registry (call once at application start-up)."""
    DEFAULT_REGISTRY.register(url, document)


def load_context(url: str) -> dict:
    """The pinned context document for ``url`` from the default registry."""
    return DEFAULT_REGISTRY.get(url)


def document_loader(url: str, options: dict | None = None) -> dict:
    """PyLD-style document loader over the default registry; raises ``ContextNotAllowed``."""
    return DEFAULT_REGISTRY.document_loader(url, options)
