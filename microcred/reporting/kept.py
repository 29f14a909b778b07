"""The figures kept between reads, refreshed ahead of the readers, and how fresh they are.

The indicators are aggregates over every enrolment, result and credential: at the alliance's expected size
(bench/bench_reporting.py) computing the dashboard's figures takes seconds, reading them back a millisecond. So
the figures are pre-aggregated and kept in the cache for REPORTING_CACHE_SECONDS:

* What is kept holds no words: numbers per indicator, and groups of numbers per university, content area, month,
  … (their keys); names and labels are added when the figures are read, in the reader's language. One computation
  serves every language.
* Each kept figure carries the time it was computed; a page or answer that read figures says how fresh they are
  (``reading()`` gives the oldest of the figures it read: "Figures as of 08:15").
* A scheduled task (``refresh.refresh_standard_figures``, every two thirds of REPORTING_CACHE_SECONDS) computes
  the figures every reader starts from anew (the headline figures of the alliance and of each university, the
  public figures, the dashboard's first detailed indicator) and replaces the kept ones before they expire, so
  readers never wait for them. Figures for other filters are computed at the first read and kept likewise.
* REPORTING_CACHE_SECONDS = 0 keeps nothing: every read computes (the test settings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")

# Bump when the shape of what is kept changes, so figures kept by an older release are not read.
_VERSION = 2


@dataclass
class Freshness:
    """When the oldest figure read was computed (None until a figure is read)."""

    as_of: dt.datetime | None = None

    def note(self, computed_at: dt.datetime) -> None:
        if self.as_of is None or computed_at < self.as_of:
            self.as_of = computed_at


_reader: ContextVar[Freshness | None] = ContextVar("reporting_reader", default=None)
_refreshing: ContextVar[bool] = ContextVar("reporting_refreshing", default=False)


@contextmanager
def reading() -> Iterator[Freshness]:
    """Collect how fresh the figures read inside the block are."""
    freshness = Freshness()
    token = _reader.set(freshness)
    try:
        yield freshness
    finally:
        _reader.reset(token)


@contextmanager
def refreshing() -> Iterator[None]:
    """Inside the block every figure is computed anew and kept, whatever is kept already."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def seconds_kept() -> int:
    return max(0, int(getattr(settings, "REPORTING_CACHE_SECONDS", 0)))


def cache_key(what: str, *parts) -> str:
    digest = hashlib.sha256(repr((_VERSION, what, *parts)).encode()).hexdigest()
    return f"reporting:figures:{digest}"


def kept(what: str, compute: Callable[[], T], *parts) -> T:
    """``compute()``, kept ``seconds_kept()`` per ``what`` and ``parts`` (a query: repr-stable values). What it
    returns must hold no translated words (see the module's docstring)."""
    seconds = seconds_kept()
    found = None
    if seconds > 0 and not _refreshing.get():
        found = cache.get(cache_key(what, *parts))
    if found is None:
        started = timezone.now()
        found = (started, compute())
        if seconds > 0:
            cache.set(cache_key(what, *parts), found, seconds)
    reader = _reader.get()
    if reader is not None:
        reader.note(found[0])
    return found[1]
