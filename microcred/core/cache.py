"""The shared cache on Redis, and what pages do while Redis is gone: each process's own memory.

The cache holds rate-limit counters, the catalogue's rendered results and its change counter, and fetched
documents of other issuers: nothing that is not recomputed. When Redis cannot be reached, or does not answer
within its socket timeout (CACHES OPTIONS), RedisCacheWithFallback answers from a local-memory cache in the
process for RETRY_SECONDS, then tries Redis again. Pages keep working; rate limits count per process meanwhile
(as in the embedded default) instead of failing every request that is counted.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class RedisCacheWithFallback(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        local = {k: v for k, v in params.items() if k in {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}}
        # One local store per process and Redis address, shared by the threads' cache objects.
        self._fallback = LocMemCache(f"redis-fallback:{server}", local)
        self._down_until = 0.0

    def redis_is_down(self) -> bool:
        return time.monotonic() < self._down_until


def _with_fallback(name: str):
    on_redis = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        if not self.redis_is_down():
            try:
                return on_redis(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                logger.warning(
                    "The Redis cache is unreachable (%s); using process memory for %d s.", exc, RETRY_SECONDS
                )
                self._down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self._fallback, name)(*args, **kwargs)

    operation.__name__ = name
    return operation


for _name in _OPERATIONS:
    setattr(RedisCacheWithFallback, _name, _with_fallback(_name))
