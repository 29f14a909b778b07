"""What verification reads of our own issuers and status lists, kept in process memory and invalidated at once
in every process when it changes.

Verifying a credential we issued needs our issuer (its name, whether it is the alliance), the signing key
(public key, retirement) and the status list's bits. They change rarely (a key rotation, a revocation) and
are read on every verification and every fetch of a DID document or status list; so each process keeps them
in memory, tagged with a **generation** stored in the Django cache:

* every save or delete of an Issuer, IssuerKey or Institution bumps the ``issuers`` generation, every save or
  delete of a StatusList (a revocation re-signs it) bumps ``status_lists``: at once, and again when the
  transaction commits (so a process that re-read the old rows in between reads them again);
* a process reads the generation (one cache round trip, with Redis) before using its memory; a different
  generation empties that memory, so a revocation or a key rotation in one process is seen by the next
  verification in every other process;
* a process builds an entry only after reading the generation, and files it under that generation: an entry
  built from rows that changed meanwhile is never used (the generation moved on).

This is only safe when the Django cache is shared by every process (Redis): VERIFICATION_CACHE = "shared"
(the default) caches only then, and reads the database while Redis is unreachable (core.cache falls back to
process memory then). "process" also caches with a process-local cache backend (one process: tests, the
benchmarks, a single-process installation); "off" never caches. Entries also expire after
VERIFICATION_CACHE_SECONDS whatever happens (a database restored under a running process).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from microcred import vc
from microcred.credentials.models import Issuer, IssuerKey, StatusList
from microcred.credentials.services.issuers import (
    _key_number,
    public_key_of,
    resolve_verification_method,
    retirement_instant,
    verification_method_retirement,
)
from microcred.credentials.services.status import bits_of
from microcred.reference.models import Institution

ISSUERS = "issuers"
STATUS_LISTS = "status_lists"
DEFAULT_MODE = "shared"
DEFAULT_SECONDS = 300
_MAX_ENTRIES = 4096
_KEY = "credentials:verification-cache:{}:generation"


def cache_mode() -> str:
    mode = str(getattr(settings, "VERIFICATION_CACHE", DEFAULT_MODE)).strip().lower()
    return mode if mode in {"shared", "process", "off"} else DEFAULT_MODE


def is_on() -> bool:
    mode = cache_mode()
    if mode == "off":
        return False
    backend = caches[DEFAULT_CACHE_ALIAS]
    is_down = getattr(backend, "redis_is_down", None)
    if callable(is_down) and is_down():
        return False  # the fallback cache is per process: no invalidation from the others
    if mode == "shared" and isinstance(backend, LocMemCache):
        return False
    return not isinstance(backend, DummyCache)


def _new_value() -> int:
    # Random, not 1: a generation lost (evicted, Redis restarted) and created again never equals an old one.
    return secrets.randbits(62)


def current_generation(name: str) -> int | None:
    """The generation of ``name`` in the shared cache, or None when nothing may be cached now."""
    if not is_on():
        return None
    key = _KEY.format(name)
    value = cache.get(key)
    if value is None:
        cache.add(key, _new_value(), timeout=None)
        value = cache.get(key)
    return value


def bump_generation(name: str) -> None:
    """Invalidate ``name`` in every process (now, and again after the current transaction commits)."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    key = _KEY.format(name)
    try:
        cache.incr(key)
    except ValueError:  # no generation yet (or evicted): any new value invalidates
        cache.set(key, _new_value(), timeout=None)
    for memory in _memories:
        if memory.name == name:
            memory.clear()


class ProcessMemory:
    """Entries of one generation in this process; ``get(key, build)`` answers from memory while the generation
    holds, and from ``build()`` (the database) otherwise."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._entries: dict[Any, tuple[float, Any]] = {}
        _memories.append(self)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            self._generation = None

    def get(self, key, build: Callable[[], Any]):
        generation = current_generation(self.name)
        if generation is None:
            return build()
        now = time.monotonic()
        max_age = float(getattr(settings, "VERIFICATION_CACHE_SECONDS", DEFAULT_SECONDS))
        with self._lock:
            if generation != self._generation:
                self._entries, self._generation = {}, generation
            entries = self._entries
            found = entries.get(key)
        if found is not None and now - found[0] < max_age:
            return found[1]
        value = build()
        with self._lock:
            if self._generation == generation:  # still the generation the value was built under
                if len(entries) >= _MAX_ENTRIES:
                    entries.clear()
                entries[key] = (now, value)
        return value


_memories: list[ProcessMemory] = []


def _issuers_changed(sender, **kwargs) -> None:
    bump_generation(ISSUERS)


def _status_lists_changed(sender, **kwargs) -> None:
    bump_generation(STATUS_LISTS)


def connect_invalidation() -> None:
    """Bump the generations whenever the rows they cover change (called from CredentialsConfig.ready, so every
    process that writes them, web or worker or command, invalidates)."""
    for model in (Issuer, IssuerKey, Institution):
        for signal in (post_save, post_delete):
            signal.connect(_issuers_changed, sender=model, dispatch_uid=f"verification-cache-{model._meta.label}")
    for signal in (post_save, post_delete):
        signal.connect(_status_lists_changed, sender=StatusList, dispatch_uid="verification-cache-statuslist")


# --- what verification reads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnKey:
    public_key: Ed25519PublicKey
    #: When the key was retired (issuers.retirement_instant), or None while it is active.
    retirement: datetime | None


@dataclass(frozen=True)
class OwnIssuer:
    """One of our issuers as verification needs it (a snapshot; never written back)."""

    did: str
    name: str
    is_alliance: bool
    keys: dict[int, OwnKey]

    def key(self, vm_id: str) -> OwnKey:
        fragment = vm_id.partition("#")[2]
        key = self.keys.get(_key_number(fragment)) if fragment else None
        if key is None:
            raise vc.KeyResolutionError(f"{vm_id!r} is not a key of {self.name}.")
        return key


@dataclass(frozen=True)
class OwnStatusList:
    """One of our status lists as verification needs it: whose, for what, and its bits."""

    pk: int
    issuer_did: str
    purpose: str
    bits: vc.BitstringStatusList
    updated_at: datetime


_issuers = ProcessMemory(ISSUERS)
_status_lists = ProcessMemory(STATUS_LISTS)


def _load_issuer(did: str) -> OwnIssuer | None:
    """One query (the keys with their issuer and institution); a second only for an issuer with no key."""
    issuer_keys = list(IssuerKey.objects.select_related("issuer__institution").filter(issuer__did=did))
    issuer = (
        issuer_keys[0].issuer if issuer_keys else Issuer.objects.select_related("institution").filter(did=did).first()
    )
    if issuer is None:
        return None
    keys = {k.number: OwnKey(public_key_of(k), retirement_instant(k)) for k in issuer_keys}
    return OwnIssuer(did=issuer.did, name=issuer.name, is_alliance=issuer.institution.is_alliance, keys=keys)


def own_issuer(did: str) -> OwnIssuer | None:
    """Our issuer with this DID, or None (not ours)."""
    return _issuers.get(("issuer", did), lambda: _load_issuer(did))


def _load_status_list(url: str) -> OwnStatusList | None:
    row = StatusList.objects.select_related("issuer").filter(url=url).first()
    if row is None:
        return None
    try:
        bits = bits_of(row)
    except vc.StatusListError:
        bits = None  # reported as "index not valid" by the resolver, as before
    return OwnStatusList(row.pk, row.issuer.did, row.purpose, bits, row.updated_at)


def own_status_list(url: str) -> OwnStatusList | None:
    """Our status list at ``url``, or None (not ours)."""
    return _status_lists.get(("list", url), lambda: _load_status_list(url))


def resolve_key(vm_id) -> Ed25519PublicKey:
    """issuers.resolve_verification_method, with our own issuers' keys from memory."""
    if isinstance(vm_id, str) and vm_id.startswith("did:web:"):
        issuer = own_issuer(vm_id.partition("#")[0])
        if issuer is not None:
            return issuer.key(vm_id).public_key
    return resolve_verification_method(vm_id)


def key_retirement(vm_id: str) -> datetime | None:
    """issuers.verification_method_retirement, with our own issuers' keys from memory."""
    if vm_id.startswith("did:web:"):
        issuer = own_issuer(vm_id.partition("#")[0])
        if issuer is not None:
            return issuer.key(vm_id).retirement
    return verification_method_retirement(vm_id)
