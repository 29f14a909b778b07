"""/api/v1/skills, /api/v1/occupations and /api/v1/occupations/{id}/skills: public ESCO look-ups."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import documented_error, error_body
from microcred.reference import selectors
from microcred.reference.models import LabelLanguage

MIN_SEARCH_LENGTH = 2


class ConceptOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    matched_label = serializers.CharField()
    collections = serializers.ListField(child=serializers.CharField())


class OccupationOut(ConceptOut):
    isco_group = serializers.CharField()


class SearchOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = ConceptOut(many=True)


class OccupationSearchOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = OccupationOut(many=True)


class SkillOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    collections = serializers.ListField(child=serializers.CharField())


class OccupationRefOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    isco_group = serializers.CharField()


class OccupationSkillsOut(serializers.Serializer):
    occupation = OccupationRefOut()
    essential = SkillOut(many=True)
    optional = SkillOut(many=True)


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "search",
        {"type": "string", "minLength": MIN_SEARCH_LENGTH},
        required=True,
        description=f"At least {MIN_SEARCH_LENGTH} characters (not counting spaces around them).",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": selectors.MAX_LIMIT, "default": 20},
        description=f"1 to {selectors.MAX_LIMIT}.",
    ),
    OpenApiParameter("lang", str, enum=LabelLanguage.values, description="Search only labels in this language."),
]


SEARCH_INVALID = documented_error(
    f"`invalid`: `search` has fewer than {MIN_SEARCH_LENGTH} characters, `limit` is not a whole number from 1 to "
    f"{selectors.MAX_LIMIT}, or `lang` is not a label language."
)


def _bad_request(message: str) -> Response:
    return Response(error_body("invalid", message), status=status.HTTP_400_BAD_REQUEST)


def _search_parameters(request):
    """(text, limit, language) or a 400 Response."""
    text = (request.query_params.get("search") or "").strip()
    if len(text) < MIN_SEARCH_LENGTH:
        return _bad_request(f"Give at least {MIN_SEARCH_LENGTH} characters in the 'search' parameter.")
    raw_limit = request.query_params.get("limit") or "20"
    # isdecimal, not isdigit: "¹" is a digit that int() refuses.
    if not raw_limit.isdecimal() or not 1 <= int(raw_limit) <= selectors.MAX_LIMIT:
        return _bad_request(f"'limit' must be a whole number from 1 to {selectors.MAX_LIMIT}.")
    language = request.query_params.get("lang") or None
    if language is not None and language not in LabelLanguage.values:
        return _bad_request(f"'lang' must be one of {', '.join(LabelLanguage.values)}.")
    return text, int(raw_limit), language


class _SearchApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    search = staticmethod(selectors.search_skills)

    @extend_schema(parameters=SEARCH_PARAMETERS)
    def get(self, request):
        params = _search_parameters(request)
        if isinstance(params, Response):
            return params
        text, limit, language = params
        results = [r.as_dict() for r in self.search(text, limit=limit, language=language)]
        return Response({"count": len(results), "results": results})


@extend_schema_view(get=extend_schema(operation_id="skills_retrieve", responses={200: SearchOut, 400: SEARCH_INVALID}))
class SkillSearchApi(_SearchApi):
    """ESCO skills and knowledge whose labels start with, or have a word starting with, `search`.

    Ranked: start of the preferred label, a word of the preferred label, then alternative labels; within each,
    shorter labels first (an exact match leads).
    """

    serializer_class = SearchOut
    search = staticmethod(selectors.search_skills)


@extend_schema_view(
    get=extend_schema(operation_id="occupations_retrieve", responses={200: OccupationSearchOut, 400: SEARCH_INVALID})
)
class OccupationSearchApi(_SearchApi):
    """ESCO occupations whose labels start with, or have a word starting with, `search` (with ISCO-08 group)."""

    serializer_class = OccupationSearchOut
    search = staticmethod(selectors.search_occupations)


def _skill_dict(skill) -> dict:
    return {
        "uri": skill.uri,
        "label": skill.preferred_label,
        "type": skill.skill_type,
        "collections": skill.collections,
    }


class OccupationSkillsApi(APIView):
    """The essential and optional skills of an occupation, given by its id or the UUID that ends its ESCO URI."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    serializer_class = OccupationSkillsOut

    @extend_schema(
        operation_id="occupations_skills_retrieve",
        parameters=[
            OpenApiParameter(
                "reference",
                str,
                OpenApiParameter.PATH,
                description="The occupation's id, or the UUID at the end of its ESCO URI.",
            )
        ],
        responses={200: OccupationSkillsOut, 404: documented_error("`not_found`: there is no such ESCO occupation.")},
    )
    def get(self, request, reference: str):
        found = selectors.skills_for_occupation(reference)
        if found is None:
            return Response(
                error_body("not_found", f"There is no ESCO occupation '{reference}'."), status=status.HTTP_404_NOT_FOUND
            )
        occupation = found["occupation"]
        return Response(
            {
                "occupation": {
                    "uri": occupation.uri,
                    "label": occupation.preferred_label,
                    "type": "occupation",
                    "isco_group": occupation.isco_group,
                },
                "essential": [_skill_dict(s) for s in found["essential"]],
                "optional": [_skill_dict(s) for s in found["optional"]],
            }
        )
