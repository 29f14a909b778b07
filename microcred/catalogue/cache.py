"""A short-lived cache of rendered search results, dropped whenever the catalogue changes.

Keys carry a generation kept in the cache (a random token, so a generation never comes back after the
cache is emptied); `bump()` (called by every service that changes what the catalogue shows) makes all
earlier keys unreachable, and the search's memory (facet_memory) is read again. With the default per-process memory
cache, other processes see a change within RESULTS_SECONDS; with Redis (production), at once.
Offerings (next start dates, fees) also show in results: the learning services call
`offerings_changed()` when one is created or edited, which drops the rendered results only.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

RESULTS_SECONDS = getattr(settings, "CATALOGUE_RESULTS_CACHE_SECONDS", 30)
GENERATION_KEY = "catalogue:generation"
OFFERINGS_KEY = "catalogue:offerings-generation"


def _token(key: str) -> str:
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        value = cache.get(key) or ""
    return str(value)


def generation() -> str:
    return _token(GENERATION_KEY)


def bump() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def offerings_changed() -> None:
    """An offering was created or changed: rendered results (which show next start dates) are dropped."""
    if RESULTS_SECONDS > 0:
        cache.set(OFFERINGS_KEY, secrets.token_hex(8), timeout=None)


def results_key(params, language: str) -> str | None:
    if RESULTS_SECONDS <= 0:
        return None
    items = sorted((k, v) for k in params for v in params.getlist(k))
    digest = hashlib.sha256(f"{language}|{urlencode(items)}".encode()).hexdigest()[:32]
    return f"catalogue:results:{generation()}:{_token(OFFERINGS_KEY)}:{digest}"
