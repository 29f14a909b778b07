"""Rate limits and throttles on the cache (Redis in production, local memory by default).

Two tools, both counting per client address (a keyed hash of it: no address is stored in the cache):

- `rate_limited` / `hit`: a fixed window of N requests a minute, on public endpoints that do work for anonymous
  callers (verification, share links, OpenID4VCI).
- `take` / `refund` / `blocked_for`: a budget of attempts per key (an account, an address, a client) and window;
  once it is spent the key is blocked for a whole window (log-in, password reset, sign-up, single sign-on;
  OWASP ASVS 4.0.3 V2.2.1). An attempt is spent *before* the work it guards, so parallel requests cannot exceed
  the budget.

The client address is the connection's peer (REMOTE_ADDR) unless the deployment names its reverse proxies
(TRUSTED_PROXY_COUNT, TRUSTED_PROXY_NETWORKS). Then it is the right-most address of X-Forwarded-For that was
not added by one of those proxies: each proxy appends the address it received the request from, so entries to
the left of the ones our proxies wrote are whatever the client chose to send (RFC 7239 §8.1, which describes
the same for the standard Forwarded header).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

_MAX_ENTRY = 100  # characters of an address kept from a header entry that is not an IP address
IPV6_PREFIX = 64  # one IPv6 subscriber holds at least a /64 (RFC 6177): it is one client, not 2**64


def _parse(entry: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from REMOTE_ADDR or an X-Forwarded-For entry, with a port or IPv6 brackets taken off."""
    entry = entry.strip()
    if entry.startswith("["):  # [2001:db8::1] or [2001:db8::1]:443
        entry = entry[1:].split("]", 1)[0]
    elif entry.count(":") == 1:  # 192.0.2.1:443
        entry = entry.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(entry)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def client_address(request) -> str:
    """The address of the client that sent `request`, as text (see the module's description)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXY_NETWORKS", ()) or ()))
    if count <= 0 and not networks:
        return _text(remote)
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    # Hops from the nearest: the peer, then X-Forwarded-For from its right end.
    hops = [remote, *reversed(forwarded)]
    for index, hop in enumerate(hops):
        address = _parse(hop)
        trusted = index < count or (address is not None and any(address in net for net in networks))
        if not trusted:
            return _text(hop)
    return _text(hops[-1])  # every hop is one of ours: the farthest one is the client


def _text(hop: str) -> str:
    address = _parse(hop)
    return str(address) if address is not None else hop.strip().lower()[:_MAX_ENTRY]


def client_key(request) -> str:
    """A keyed hash of the client's address (its /64 network for IPv6)."""
    text = client_address(request)
    address = _parse(text)
    if isinstance(address, ipaddress.IPv6Address):
        text = str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return hashed("client", text)


def hashed(kind: str, value: str) -> str:
    """A keyed hash (SECRET_KEY) of a value that must not be stored as it is (an address, an e-mail address)."""
    return salted_hmac("microcred.core.ratelimit." + kind, value).hexdigest()[:32]


# -- fixed-window request limits -------------------------------------------------------------------------------


def window_number(window: int) -> int:
    """Which fixed window of `window` seconds it is now (the count starts afresh in each)."""
    return int(time.time() // window)


def hit(scope: str, request, *, limit: int, window: int) -> bool:
    """Count one request; True while the caller is within `limit` requests per `window` seconds."""
    bucket = window_number(window)
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


# -- attempt budgets with a block ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    allowed: bool
    retry_after: int = 0  # seconds until the key may try again, when refused
    block_started: bool = False  # this attempt spent the last of the budget and started the block


def _counter(scope: str, key: str) -> str:
    return f"rl:{scope}:n:{key}"


def _block(scope: str, key: str) -> str:
    return f"rl:{scope}:b:{key}"


def blocked_for(scope: str, key: str) -> int:
    """Seconds `key` stays blocked in `scope` (0: not blocked)."""
    until = cache.get(_block(scope, key))
    if until is None:
        return 0
    return max(0, math.ceil(until - time.time()))


def take(scope: str, key: str, *, limit: int, window: int) -> Attempt:
    """Spend one of the `limit` attempts `key` has per `window` seconds, before doing what it guards.

    Over the budget the attempt is refused and the key is blocked for `window` seconds from then; the count
    starts afresh after the block (its window, opened by the first attempt, has ended by then).
    """
    wait = blocked_for(scope, key)
    if wait:
        return Attempt(False, wait)
    counter = _counter(scope, key)
    cache.add(counter, 0, timeout=window)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired or evicted between add and incr
        cache.set(counter, 1, timeout=window)
        count = 1
    if count <= limit:
        return Attempt(True)
    started = cache.add(_block(scope, key), time.time() + window, timeout=window)
    return Attempt(False, blocked_for(scope, key) or window, block_started=started)


def refund(scope: str, key: str) -> None:
    """Give back an attempt that turned out not to count (a log-in that succeeded)."""
    try:
        if cache.decr(_counter(scope, key)) < 0:
            cache.delete(_counter(scope, key))
    except ValueError:  # the window has ended meanwhile
        pass


def reset(scope: str, key: str) -> None:
    """Forget `key`'s attempts and lift its block."""
    cache.delete_many([_counter(scope, key), _block(scope, key)])
