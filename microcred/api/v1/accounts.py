"""/api/v1/me and /api/v1/audit-events."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.accounts.models import AgeBand, EmploymentStatus, LearnerGroup
from microcred.api.errors import NOT_AUTHENTICATED, documented_error
from microcred.audit import permissions as audit_permissions
from microcred.audit.models import AuditEvent
from microcred.roles import Role


class RoleOut(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    institution = serializers.CharField(
        allow_null=True, help_text="The university's slug; null for a role held across the alliance."
    )


class MeOut(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = RoleOut(many=True)
    # The learner's background (issue #15), for the alliance's reporting only; "" where not (yet) said.
    learner_group = serializers.ChoiceField(
        choices=["", *LearnerGroup.values], help_text="The learner group; empty until the learner says it."
    )
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code of the country of residence, or empty.")
    age_band = serializers.ChoiceField(choices=["", *AgeBand.values], help_text="The age band, or empty.")
    employment_status = serializers.ChoiceField(
        choices=["", *EmploymentStatus.values], help_text="The employment status, or empty."
    )


class MeApi(APIView):
    """The signed-in user and the roles they hold."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeOut

    @extend_schema(operation_id="me_retrieve", responses={200: MeOut, 401: documented_error(NOT_AUTHENTICATED)})
    def get(self, request):
        roles = [
            {"role": a.role, "institution": a.institution.slug if a.institution_id else None}
            for a in request.user.role_assignments.select_related("institution")
        ]
        user = request.user
        return Response(
            MeOut(
                {
                    "email": user.email,
                    "full_name": user.full_name,
                    "roles": roles,
                    "learner_group": user.learner_group,
                    "country": user.country,
                    "age_band": user.age_band,
                    "employment_status": user.employment_status,
                }
            ).data
        )


class CanViewAuditLog(BasePermission):
    message = audit_permissions.AUDIT_LOG_REFUSED  # translated in the request's language when refused

    def has_permission(self, request, view):
        return audit_permissions.can_view_audit_log(request.user)


class AuditEventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "object_repr", "summary", "changes"]

    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class AuditEventPagination(LimitOffsetPagination):
    """`limit` and `offset` are whole numbers within bounds, or the request is refused (400 `invalid`).

    DRF's own pagination ignores a value it cannot read (`offset=null` pages from the start) and takes any limit, and
    a limit beyond 64 bits made SQLite refuse the query: a server error."""

    max_limit = 500
    max_offset = 10**9

    def _read(self, request, name: str, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name, "")
        if raw == "":
            return default
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise serializers.ValidationError({name: [f"Give a whole number from {low} to {high}."]})
        return int(raw)

    def get_limit(self, request):
        return self._read(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, self.max_offset, 0)

    def get_schema_operation_parameters(self, view):
        bounds = {self.limit_query_param: (1, self.max_limit), self.offset_query_param: (0, self.max_offset)}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


class AuditEventListApi(generics.ListAPIView):
    """The audit log, newest first (alliance admin only)."""

    permission_classes = [IsAuthenticated, CanViewAuditLog]
    serializer_class = AuditEventOut
    pagination_class = AuditEventPagination

    @extend_schema(
        operation_id="audit_events_list",
        parameters=[OpenApiParameter("action", str, description="Only events of this action, e.g. `role.granted`.")],
        responses={
            200: AuditEventOut(many=True),
            400: documented_error(
                f"`invalid`: `limit` is not a whole number from 1 to {AuditEventPagination.max_limit}, or `offset` "
                f"not one from 0 to {AuditEventPagination.max_offset}; `details` maps each to its message. "
                "`bad_request`: the address holds a NUL character (checked before the credentials)."
            ),
            401: documented_error(NOT_AUTHENTICATED),
            403: documented_error(f"`permission_denied`: {CanViewAuditLog.message}"),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = AuditEvent.objects.select_related("actor")
        if action := self.request.query_params.get("action"):
            qs = qs.filter(action=action)
        return qs
