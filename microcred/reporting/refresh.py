"""Refreshing the figures every reader starts from, ahead of the readers (kept.py): the headline figures of the
alliance and of each member university, the public figures, and the dashboard's first detailed indicator (its
trends and breakdowns). Run by the scheduled task ``reporting.tasks.refresh_standard_figures``."""

from __future__ import annotations

from django.utils.translation import override

from microcred.reference.models import Institution
from microcred.reporting import indicators, kept, public
from microcred.reporting.dashboard import build_dashboard
from microcred.reporting.indicators import Filters


def refresh_standard_figures() -> int:
    """Compute the standard figures anew and keep them (nothing when REPORTING_CACHE_SECONDS is 0). Returns the
    number of views refreshed."""
    if kept.seconds_kept() <= 0:
        return 0
    refreshed = 0
    with override("en"), kept.refreshing():  # what is kept holds no words: one language serves them all
        build_dashboard(Filters())
        public.public_figures()
        refreshed += 2
        for university_id in Institution.objects.filter(is_alliance=False).values_list("pk", flat=True):
            indicators.headline_indicators(Filters(university_id=university_id))
            refreshed += 1
    return refreshed
