"""/api/v1/pathways and /api/v1/pathways/{id}: the published pathways as JSON (no log-in; issue #12)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import documented_error, error_body
from microcred.pathways import selectors


class PathwayRequirementOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["all_of", "n_of", "min_ects"])
    components = serializers.ListField(child=serializers.IntegerField(), help_text="Micro-credential ids.")
    n = serializers.IntegerField(required=False, help_text="`n_of`: how many of the components.")
    ects = serializers.CharField(required=False, help_text="`min_ects`: the ECTS credits needed, a decimal.")


class PathwayRuleOut(serializers.Serializer):
    requirements = PathwayRequirementOut(many=True, help_text="Every requirement must be met.")


class PathwayComponentOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The micro-credential's id (as in /api/v1/catalogue/{reference}).")
    title = serializers.CharField(help_text="The title of the version approved with the pathway.")
    ects = serializers.CharField(allow_null=True)
    eqf_level = serializers.IntegerField(allow_null=True)
    university = serializers.CharField(help_text="The awarding university's short name key.")
    version = serializers.IntegerField(help_text="The version pinned when the pathway was approved.")
    retired = serializers.BooleanField(help_text="Retired since: it can no longer be earned.")
    url = serializers.CharField()


class PathwayOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    version = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
    rule = PathwayRuleOut()
    rule_text = serializers.ListField(
        child=serializers.CharField(), help_text="The rule in words, one per requirement."
    )
    pinned_only = serializers.BooleanField(help_text="Only the pinned versions of the components count.")
    components = PathwayComponentOut(many=True)
    total_ects = serializers.CharField(allow_null=True, help_text="The fewest ECTS credits that complete the pathway.")
    universities = serializers.ListField(
        child=serializers.CharField(), help_text="Short name keys: the lead university first, then the co-leads."
    )
    issuer = serializers.CharField(help_text="Who issues the pathway credential: `alliance` or the lead's key.")


class PathwayListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = PathwayOut(many=True)


def _url(view_name, *args) -> str:
    return settings.PUBLIC_BASE_URL + reverse(view_name, args=args)


def _pathway(version) -> dict:
    return {
        "id": version.pathway_id,
        "slug": version.pathway.slug,
        "url": _url("pathways:detail", version.pathway.slug),
        "title": version.title,
        "description": version.description,
        "version": version.number,
        "approved_at": version.approved_at,
        "rule": version.rule,
        "rule_text": selectors.rule_in_words(version),
        "pinned_only": version.pinned_only,
        "components": [
            {
                "id": c.micro_credential_id,
                "title": c.micro_credential_version.title,
                "ects": str(c.micro_credential_version.ects) if c.micro_credential_version.ects is not None else None,
                "eqf_level": c.micro_credential_version.eqf_level,
                "university": c.micro_credential_version.awarding_institution.slug,
                "version": c.micro_credential_version.number,
                "retired": c.micro_credential.status == "retired",
                "url": _url("catalogue:detail", c.micro_credential.slug),
            }
            for c in version.components.all()
        ],
        "total_ects": str(version.minimum_ects) if version.minimum_ects is not None else None,
        "universities": [i.slug for i in version.universities()],
        "issuer": "alliance" if version.issued_by_alliance else version.awarding_institution.slug,
    }


class PathwayListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="pathways_list",
        parameters=[
            OpenApiParameter(
                "search", str, description="Words matched as prefixes in titles, descriptions and components."
            ),
            OpenApiParameter("university", str, description="A university behind it or teaching a component."),
        ],
        responses={200: PathwayListOut, 400: documented_error("`invalid`: `search` is longer than 200 characters.")},
    )
    def get(self, request):
        search = request.query_params.get("search", "")
        if len(search) > selectors.MAX_SEARCH_LENGTH:
            return Response(
                error_body("invalid", "The search is too long.", {"search": "At most 200 characters."}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        versions = selectors.published_pathways(search=search, university=request.query_params.get("university", ""))
        return Response({"count": len(versions), "results": [_pathway(v) for v in versions]})


class PathwayDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="pathways_retrieve",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The pathway's id.")],
        responses={200: PathwayOut, 404: documented_error("`not_found`: no published pathway has this id.")},
    )
    def get(self, request, pk):
        version = selectors.published_pathway(pk)
        if version is None:
            return Response(error_body("not_found", "There is no such pathway."), status=status.HTTP_404_NOT_FOUND)
        return Response(_pathway(version))
