"""Reading the dashboard's query: the filters a reader chose (checked by the form), the universities shown
beside the alliance for an institutional manager, and the figures they give. The page, the table downloads
and the board report all start here, so each shows the same figures for the same query."""

from __future__ import annotations

from dataclasses import dataclass

from microcred.reference.models import Institution
from microcred.reporting import permissions
from microcred.reporting.dashboard import Dashboard, build_dashboard
from microcred.reporting.forms import DashboardFilterForm


@dataclass(frozen=True)
class Reading:
    form: DashboardFilterForm
    dashboard: Dashboard
    filter_lines: list[str]  # the filters applied, in words
    file_name_parts: list[str]  # the filters applied, for a file's name
    query: str  # the query string, for the download links


def read_dashboard(query, user) -> Reading:
    scope = permissions.university_scope(user)  # a manager narrows only to their own universities
    universities = None if scope is None else Institution.objects.filter(pk__in=scope)
    form = DashboardFilterForm(query or None, universities=universities)
    filters = form.filters()  # none when a value is refused: the page says so beside the form
    lines, parts = form.described(), form.file_name_parts()
    code = form.indicator_code()
    dashboard = build_dashboard(
        filters,
        indicator_code=code,
        own_universities=permissions.own_universities(user),
        every_university=scope is None,
    )
    form.offer_indicators([(i.code, i.label) for i in dashboard.detailed])
    if code and (dashboard.indicator is None or dashboard.indicator.code != code):
        form.refuse_indicator()
    return Reading(form, dashboard, lines, parts, query.urlencode() if query else "")
