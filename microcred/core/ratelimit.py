"""A small fixed-window rate limiter on the cache (Redis in production, local memory by default).

Used on public endpoints that do work for anonymous callers (verification, share links). The key is
the client address (a hash of it: no personal data is stored in the cache).
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "RATELIMIT_TRUST_X_FORWARDED_FOR", False):
        address = request.META.get("HTTP_X_FORWARDED_FOR", address).split(",")[0].strip()
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def hit(scope: str, request, *, limit: int, window: int) -> bool:
    """Count one request; True while the caller is within `limit` requests per `window` seconds."""
    bucket = int(time.time() // window)
    key = f"rl:{scope}:{client_key(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def rate_limited(scope: str, *, limit_setting: str, default: int, window: int = 60, json: bool = False):
    """Decorate a view: over the limit it answers 429 with a clear message (JSON for the API)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = getattr(settings, limit_setting, default)
            if request.method in ("GET", "HEAD") and not json:
                return (
                    view(request, *args, **kwargs)
                    if hit(scope + ":get", request, limit=limit * 5, window=window)
                    else _refuse(request, window, json)
                )
            if not hit(scope, request, limit=limit, window=window):
                return _refuse(request, window, json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _refuse(request, window: int, json: bool):
    message = _("Too many requests. Please wait a minute and try again.")
    if json:
        response = JsonResponse({"error": {"code": "rate_limited", "message": message}}, status=429)
    else:
        response = render(request, "core/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(window)
    return response
