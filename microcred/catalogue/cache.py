"""A short-lived cache of rendered search results, dropped whenever the catalogue changes.

Keys carry a generation number kept in the cache; `bump()` (called by every service that changes
what the catalogue shows) makes all earlier keys unreachable. With the default per-process memory
cache, other processes see a change within RESULTS_SECONDS; with Redis (production), at once.
Offerings (dates, fees) are not the catalogue's to watch: RESULTS_SECONDS bounds their staleness.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

RESULTS_SECONDS = getattr(settings, "CATALOGUE_RESULTS_CACHE_SECONDS", 30)
GENERATION_KEY = "catalogue:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def results_key(params, language: str) -> str | None:
    if RESULTS_SECONDS <= 0:
        return None
    items = sorted((k, v) for k in params for v in params.getlist(k))
    digest = hashlib.sha256(f"{language}|{urlencode(items)}".encode()).hexdigest()[:32]
    return f"catalogue:results:{generation()}:{digest}"
