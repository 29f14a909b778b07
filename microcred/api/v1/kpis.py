"""/api/v1/kpis: the alliance's public headline indicators; /api/v1/kpis/breakdowns and /api/v1/kpis/series: every
indicator broken down or over time, for the staff who read the dashboard (microcred.reporting.permissions)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import NOT_AUTHENTICATED, documented_error, error_body
from microcred.catalogue.kinds import CredentialKind
from microcred.reporting import indicators, kept, permissions, public
from microcred.reporting.indicators import Filters

SUPPRESSION = (
    f"A count of people below {public.SMALL_NUMBER} is never published: its `value` is null and `suppressed` is true."
)


class KpiOut(serializers.Serializer):
    code = serializers.CharField(help_text="Stable: ects_prepared, micro_credentials_approved, learners_certified, …")
    label = serializers.CharField(help_text="In the request's language.")
    value = serializers.FloatField(allow_null=True, help_text=f"Null when suppressed. {SUPPRESSION}")
    target = serializers.IntegerField(allow_null=True, help_text="The minimum of the target, when one is set.")
    target_date = serializers.DateField(allow_null=True, help_text="The target's deadline.")
    unit = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["on_track", "behind", "reached"],
        allow_null=True,
        help_text="Against a straight line from 0 at the target's period start to its minimum at its deadline.",
    )
    suppressed = serializers.BooleanField(help_text=SUPPRESSION)


class KpisOut(serializers.Serializer):
    indicators = KpiOut(many=True)
    as_of = serializers.DateTimeField(
        help_text="When the oldest of these figures was computed: they are computed ahead and kept a few minutes."
    )


def _kpi(indicator, *, suppressed: bool = False) -> dict:
    return {
        "code": indicator.code,
        "label": indicator.label,
        "value": None if suppressed else public.plain_number(indicator.value),
        "target": indicator.target,
        "target_date": indicator.target_date.isoformat() if indicator.target_date else None,
        "unit": indicator.unit,
        "status": indicator.status,
        "suppressed": suppressed,
    }


class KpisApi(APIView):
    """The alliance's public headline indicators (the impact page's figures), with targets and statuses.

    No personal data: aggregates only."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="kpis_retrieve", responses={200: KpisOut})
    def get(self, request):
        with kept.reading() as freshness:
            figures = public.public_figures()
        return Response(
            {
                "indicators": [_kpi(f.indicator, suppressed=f.suppressed) for f in figures],
                "as_of": (freshness.as_of or timezone.now()).isoformat(),
            }
        )


# --- staff: breakdowns and time series ------------------------------------------------------------------------


class CanViewFigures(BasePermission):
    def has_permission(self, request, view):
        if not permissions.can_view_dashboard(request.user):
            self.message = _(
                "Only the boards, the board secretary, the quality office, institutional managers and the alliance admin read these figures."
            )
            return False
        return True


class StaffKpiOut(KpiOut):
    definition = serializers.CharField()
    target_max = serializers.IntegerField(allow_null=True)
    expected_now = serializers.FloatField(
        allow_null=True, help_text="Where the straight line to the target is on the day the figures are for."
    )
    filters_applied = serializers.ListField(
        child=serializers.ChoiceField(choices=list(indicators.ALL_FILTERS)),
        help_text="The filters this indicator applies; the others leave it as for the whole alliance.",
    )


class RowOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField()
    cumulative = serializers.FloatField(required=False, help_text="Series of figures that add up: the running total.")


class BreakdownOut(serializers.Serializer):
    indicator = StaffKpiOut()
    by = serializers.ChoiceField(choices=list(indicators.BREAKDOWN_DIMENSIONS))
    available = serializers.ListField(
        child=serializers.CharField(), help_text="The breakdowns that apply to this indicator."
    )
    rows = RowOut(many=True)


class SeriesOut(serializers.Serializer):
    indicator = StaffKpiOut()
    period = serializers.ChoiceField(choices=list(indicators.SERIES_PERIODS))
    rows = RowOut(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter(
        "code", str, required=True, enum=[d.code for d in indicators.DEFINITIONS], description="The indicator."
    ),
    OpenApiParameter("start", dt.date, description="Period start (inclusive), YYYY-MM-DD."),
    OpenApiParameter("end", dt.date, description="Period end (inclusive), YYYY-MM-DD."),
    OpenApiParameter(
        "university",
        str,
        description="A member university's short name (slug). An institutional manager may give only their own.",
    ),
    OpenApiParameter("kind", str, enum=CredentialKind.values),
    OpenApiParameter("content_area", str, description="A content area's key (slug)."),
]
INVALID = documented_error(
    "`invalid`: an unknown indicator, breakdown or period, a date that is not YYYY-MM-DD, an end before the start, "
    "or an unknown university, kind or content area; `details.fields` names each."
)
REFUSED = documented_error(
    "`permission_denied`: the user may not read these figures, or asked for a university other than their own."
)


def _filters(request, problems: dict) -> Filters:
    from microcred.reference.models import ContentArea, Institution

    q = request.query_params
    values = {}
    for name in ("start", "end"):
        if q.get(name):
            try:
                values[name] = dt.date.fromisoformat(q[name])
            except ValueError:
                problems[name] = [_("Give a date as YYYY-MM-DD.")]
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        problems["end"] = [_("The end of the period must not be before its start.")]
    if q.get("university"):
        found = Institution.objects.filter(slug=q["university"], is_alliance=False).first()
        if found is None:
            problems["university"] = [_("There is no such university.")]
        else:
            values["university_id"] = found.pk
    if q.get("kind"):
        if q["kind"] in CredentialKind.values:
            values["kind"] = q["kind"]
        else:
            problems["kind"] = [_("Unknown kind.")]
    if q.get("content_area"):
        area = ContentArea.objects.filter(slug=q["content_area"]).first()
        if area is None:
            problems["content_area"] = [_("There is no such content area.")]
        else:
            values["content_area_id"] = area.pk
    return Filters(**values)


def _choice(request, name: str, choices, problems: dict) -> str:
    value = request.query_params.get(name) or ""
    if value not in choices:
        problems[name] = [_("Give one of: %(choices)s.") % {"choices": ", ".join(choices)}]
    return value


def _staff_kpi(indicator) -> dict:
    return {
        **_kpi(indicator),
        "definition": indicator.definition,
        "target_max": indicator.target_max,
        "expected_now": public.plain_number(indicator.expected_now) if indicator.expected_now is not None else None,
        "filters_applied": list(indicator.filters_applied),
    }


def _row(row) -> dict:
    out = {"key": row.key, "label": row.label, "value": public.plain_number(row.value)}
    if "cumulative" in row.extra:
        out["cumulative"] = public.plain_number(row.extra["cumulative"])
    return out


class _StaffKpiApi(APIView):
    permission_classes = [IsAuthenticated, CanViewFigures]
    choice_name = ""
    choices: tuple[str, ...] = ()

    def read(self, request):
        """(code, choice, filters) or an error Response."""
        problems: dict = {}
        code = _choice(request, "code", [d.code for d in indicators.DEFINITIONS], problems)
        choice = _choice(request, self.choice_name, self.choices, problems)
        filters = _filters(request, problems)
        if problems:
            return Response(
                error_body("invalid", _("These parameters cannot be used."), {"fields": problems}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not permissions.can_view_university(request.user, filters.university_id):
            return Response(
                error_body("permission_denied", _("You may read the figures of your own university only.")),
                status=status.HTTP_403_FORBIDDEN,
            )
        return code, choice, filters


STAFF_ERRORS = {400: INVALID, 401: documented_error(NOT_AUTHENTICATED), 403: REFUSED}


class KpiBreakdownApi(_StaffKpiApi):
    """An indicator per university, content area, kind, EQF level, learner group or issuer (staff).

    A breakdown that does not apply to the indicator has no rows (`available` lists those that do)."""

    choice_name, choices = "by", indicators.BREAKDOWN_DIMENSIONS

    @extend_schema(
        operation_id="kpis_breakdowns_retrieve",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("by", str, required=True, enum=list(indicators.BREAKDOWN_DIMENSIONS)),
        ],
        responses={200: BreakdownOut, **STAFF_ERRORS},
    )
    def get(self, request):
        read = self.read(request)
        if isinstance(read, Response):
            return read
        code, by, filters = read
        return Response(
            {
                "indicator": _staff_kpi(indicators.indicator(code, filters)),
                "by": by,
                "available": list(indicators.dimensions(code)),
                "rows": [_row(r) for r in indicators.breakdown(code, by, filters)],
            }
        )


class KpiSeriesApi(_StaffKpiApi):
    """An indicator per month or academic year (September to August), oldest first (staff)."""

    choice_name, choices = "period", indicators.SERIES_PERIODS

    @extend_schema(
        operation_id="kpis_series_retrieve",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("period", str, required=True, enum=list(indicators.SERIES_PERIODS)),
        ],
        responses={200: SeriesOut, **STAFF_ERRORS},
    )
    def get(self, request):
        read = self.read(request)
        if isinstance(read, Response):
            return read
        code, period, filters = read
        return Response(
            {
                "indicator": _staff_kpi(indicators.indicator(code, filters)),
                "period": period,
                "rows": [_row(r) for r in indicators.time_series(code, period, filters)],
            }
        )
