"""A short-lived cache of rendered search results, dropped whenever the catalogue changes.

Keys carry a generation kept in the cache (a random token, so a generation never comes back after the
cache is emptied); `bump()` (called by every service that changes what the catalogue shows) makes all
earlier keys unreachable, and the search's memory (facet_memory) is read again. With the default per-process memory
cache, other processes see a change within RESULTS_SECONDS; with Redis (production), at once.
Offerings (dates, fees) are not the catalogue's to watch: RESULTS_SECONDS bounds their staleness.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

RESULTS_SECONDS = getattr(settings, "CATALOGUE_RESULTS_CACHE_SECONDS", 30)
GENERATION_KEY = "catalogue:generation"


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY) or ""
    return str(value)


def bump() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def results_key(params, language: str) -> str | None:
    if RESULTS_SECONDS <= 0:
        return None
    items = sorted((k, v) for k in params for v in params.getlist(k))
    digest = hashlib.sha256(f"{language}|{urlencode(items)}".encode()).hexdigest()[:32]
    return f"catalogue:results:{generation()}:{digest}"
