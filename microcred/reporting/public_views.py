"""The public impact page: the alliance's headline figures for anyone, with their schema.org data (no personal
data; small counts of people suppressed: ``microcred.reporting.public``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from microcred.catalogue.structured_data import to_script_json
from microcred.reporting import kept, public


def impact(request):
    today = timezone.localdate()
    with kept.reading() as freshness:
        figures = public.public_figures(today=today)
    title = _("Our impact in figures")
    description = _(
        "The headline figures of the alliance's micro-credentials, computed from the platform's records: "
        "ECTS credits prepared against the target, micro-credentials approved, universities involved and "
        "learners certified."
    )
    data = public.structured_data(figures, name=title, description=description, today=today)
    return render(
        request,
        "reporting/impact.html",
        {
            "title": title,
            "description": description,
            "figures": figures,
            "today": today,
            "as_of": freshness.as_of or timezone.now(),
            "small_number": public.SMALL_NUMBER,
            "json_ld": mark_safe(to_script_json(data)),  # escaped for <script> by to_script_json
        },
    )
