"""The bytes of the documents verifiers fetch (status lists, DID documents), with a strong ETag and their
cache lifetime, so that a CDN in front of the platform can carry verification traffic.

* The ETag is the SHA-256 of the exact bytes served (a strong validator, RFC 9110 §8.8.3): equal ETags mean
  byte-identical bodies, which a CDN and ``If-None-Match`` rely on.
* A document is serialised once per content and kept in process memory, keyed by what it is made of: a
  status list by its stored ``etag`` (set each time the list is re-signed: revocation, republication), a DID
  document by its issuer's key rows (number, status, retirement, public key). Reading that one row (or rows)
  is enough to serve a revocation or a key rotation from every process at once; where the Django cache is
  shared, even that read is skipped until the rows change (services/verification_cache.py, which every
  process invalidates on a revocation or a key change).
* ``Cache-Control: public, max-age`` (RFC 9111 §5.2.2.1): for a status list, STATUS_LIST_MAX_AGE, never
  longer than the list's own ``ttl`` (Bitstring Status List 1.0 §2.1: how long a verifier may cache it), since
  a revocation must reach verifiers within that time; for a DID document, DID_DOCUMENT_MAX_AGE (longer: it
  changes only when a key is rotated; a new key signs new credentials only after the rotation, and a verifier
  holding the old document is at worst told the new key is unknown until it refetches).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from microcred.credentials import selectors
from microcred.credentials.models import IssuerKey, StatusList
from microcred.credentials.services.issuers import did_document
from microcred.credentials.services.verification_cache import ISSUERS, STATUS_LISTS, ProcessMemory

#: Status lists: 5 minutes, the ``ttl`` our lists carry (credentials.services.status.STATUS_LIST_TTL_MS).
DEFAULT_STATUS_LIST_MAX_AGE = 300
#: DID documents: 1 hour.
DEFAULT_DID_DOCUMENT_MAX_AGE = 3600
_MEMO_LIMIT = 1024  # documents kept per process (one status list is at most ~25 KB served)


@dataclass(frozen=True)
class PublishedDocument:
    body: bytes
    etag: str
    max_age: int


def strong_etag(body: bytes) -> str:
    """A strong entity tag (RFC 9110 §8.8.3) of the bytes served."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def status_list_max_age(document: dict) -> int:
    """STATUS_LIST_MAX_AGE seconds, capped by the list's ``ttl`` (milliseconds, Bitstring Status List 1.0 §2.1)."""
    max_age = int(getattr(settings, "STATUS_LIST_MAX_AGE", DEFAULT_STATUS_LIST_MAX_AGE))
    subject = document.get("credentialSubject")
    ttl = subject.get("ttl") if isinstance(subject, dict) else None
    if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl >= 0:
        max_age = min(max_age, ttl // 1000)
    return max(max_age, 0)


def did_document_max_age() -> int:
    return max(int(getattr(settings, "DID_DOCUMENT_MAX_AGE", DEFAULT_DID_DOCUMENT_MAX_AGE)), 0)


_memo: dict[tuple, PublishedDocument] = {}
# Where the shared cache allows (services/verification_cache.py), even the row look-ups are skipped until a
# list is re-signed or an issuer's keys change, in any process.
status_list_memory = ProcessMemory(STATUS_LISTS)
issuer_memory = ProcessMemory(ISSUERS)


def remembered(key: tuple, make: Callable[[], PublishedDocument | None]) -> PublishedDocument | None:
    """The document kept in process memory under ``key`` (which names everything it is made of), or the one
    ``make`` returns, kept when it is not None."""
    document = _memo.get(key)
    if document is None:
        document = make()
        if document is not None:
            _remember(key, document)
    return document


def _remember(key: tuple, document: PublishedDocument) -> PublishedDocument:
    if len(_memo) >= _MEMO_LIMIT:
        _memo.clear()
    _memo[key] = document
    return document


def forget_published_documents() -> None:
    """Empty this process's memo (tests; never needed for correctness: the keys change with the content)."""
    _memo.clear()


def published_status_list(slug: str, number: int) -> PublishedDocument | None:
    """The signed status list ``number`` of issuer ``slug`` as served, or None."""
    key = ("published", slug, number, getattr(settings, "STATUS_LIST_MAX_AGE", None))
    return status_list_memory.get(key, lambda: _published_status_list(slug, number))


def _published_status_list(slug: str, number: int) -> PublishedDocument | None:
    row = (
        StatusList.objects.filter(issuer__slug=slug, number=number, purpose=StatusList.Purpose.REVOCATION)
        .values_list("pk", "etag")
        .first()
    )
    if row is None:
        return None

    def make() -> PublishedDocument | None:
        status_list = selectors.status_list_by_number(slug, number)
        if status_list is None or not status_list.credential:
            return None
        body = json_bytes(status_list.credential)
        return PublishedDocument(body, strong_etag(body), status_list_max_age(status_list.credential))

    if not row[1]:  # never signed (no stored ETag to key the memo by): serve what is stored, unremembered
        return make()
    return remembered(("status", row[0], row[1], getattr(settings, "STATUS_LIST_MAX_AGE", None)), make)


def published_did_document(slug: str) -> PublishedDocument | None:
    """The DID document of issuer ``slug`` as served, or None when there is no such issuer or it has no key."""
    key = ("published-did", slug, getattr(settings, "DID_DOCUMENT_MAX_AGE", None))
    return issuer_memory.get(key, lambda: _published_did_document(slug))


def _published_did_document(slug: str) -> PublishedDocument | None:
    rows = tuple(
        IssuerKey.objects.filter(issuer__slug=slug)
        .order_by("number")
        .values_list("issuer__did", "number", "status", "retired_at", "public_key_multibase")
    )
    if not rows:
        return None

    def make() -> PublishedDocument:
        body = json_bytes(did_document(selectors.issuer_by_slug(slug)))
        return PublishedDocument(body, strong_etag(body), did_document_max_age())

    return remembered(("did", slug, rows, getattr(settings, "DID_DOCUMENT_MAX_AGE", None)), make)
