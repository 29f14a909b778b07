"""/api/v1/me and /api/v1/audit-events."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.accounts import permissions
from microcred.accounts.roles import Role
from microcred.api.errors import NOT_AUTHENTICATED, documented_error
from microcred.audit.models import AuditEvent


class RoleOut(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    institution = serializers.CharField(
        allow_null=True, help_text="The university's slug; null for a role held across the alliance."
    )


class MeOut(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = RoleOut(many=True)


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
        return Response(MeOut({"email": request.user.email, "full_name": request.user.full_name, "roles": roles}).data)


class CanViewAuditLog(BasePermission):
    message = "Only the alliance admin may read the audit log."

    def has_permission(self, request, view):
        return permissions.can_view_audit_log(request.user)


class AuditEventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "object_repr", "summary", "changes"]

    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class AuditEventListApi(generics.ListAPIView):
    """The audit log, newest first (alliance admin only)."""

    permission_classes = [IsAuthenticated, CanViewAuditLog]
    serializer_class = AuditEventOut

    @extend_schema(
        operation_id="audit_events_list",
        parameters=[OpenApiParameter("action", str, description="Only events of this action, e.g. `role.granted`.")],
        responses={
            200: AuditEventOut(many=True),
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
