"""POST /api/v1/skills/suggest and GET /api/v1/occupations/{id}/micro-credentials: public guidance look-ups
(issue #13; policy 7.12 and 7.16). Rate-limited per client address like the other public endpoints that do work."""

from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import documented_error, error_body
from microcred.catalogue import selectors as catalogue
from microcred.catalogue.models import MicroCredentialVersion
from microcred.core.ratelimit import rate_limited
from microcred.guidance import selectors as guidance
from microcred.guidance import suggestions
from microcred.reference import models as ref
from microcred.reference import selectors as reference_selectors

RATE_LIMITED = documented_error("`rate_limited`: too many requests from this address; wait a minute.")
RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, response=[429], description="Seconds to wait before trying again."
)


class SuggestIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=suggestions.MAX_TEXT_LENGTH,
        help_text=f"A learning outcome (1 to {suggestions.MAX_TEXT_LENGTH} characters).",
    )
    language = serializers.ChoiceField(
        choices=list(suggestions.LANGUAGES), default="en", help_text="The outcome's language (English for now)."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=suggestions.MAX_LIMIT, default=10, help_text="How many skills (1 to 50)."
    )


class SuggestionOut(serializers.Serializer):
    uri = serializers.CharField(help_text="ESCO URI of the skill.")
    label = serializers.CharField()
    score = serializers.FloatField(help_text="Higher is more relevant; compare scores within one answer only.")
    description = serializers.CharField(help_text="ESCO's description of the skill (may be empty).")


class SuggestOut(serializers.Serializer):
    results = SuggestionOut(many=True, help_text="Best first.")


MESSAGES = {
    "text": f"Give the learning outcome in 'text' (1 to {suggestions.MAX_TEXT_LENGTH} characters).",
    "language": f"'language' must be one of: {', '.join(suggestions.LANGUAGES)}.",
    "limit": f"'limit' must be a whole number from 1 to {suggestions.MAX_LIMIT}.",
}


@method_decorator(
    rate_limited("skill-suggest", limit_setting="SKILL_SUGGEST_RATE_LIMIT", default=120, json=True), name="post"
)
class SkillSuggestApi(APIView):
    """The ESCO skills a learning outcome is most likely about, best first.

    Ranked by a small sentence encoder and BM25 together (or BM25 alone where the encoder is not installed).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        operation_id="skills_suggest_create",
        request=SuggestIn,
        parameters=[RETRY_AFTER],
        responses={
            200: SuggestOut,
            400: documented_error(
                "`invalid`: `text` is missing, empty or too long, `language` is not supported, or `limit` is not a "
                "whole number from 1 to 50 (`details.fields` names each). `parse_error`: the body is not JSON."
            ),
            429: RATE_LIMITED,
        },
    )
    def post(self, request):
        data = SuggestIn(data=request.data if isinstance(request.data, dict) else {})
        if not data.is_valid():
            message = " ".join(MESSAGES[name] for name in MESSAGES if name in data.errors) or "The body is not valid."
            return Response(error_body("invalid", message, {"fields": data.errors}), status=status.HTTP_400_BAD_REQUEST)
        values = data.validated_data
        if not values["text"].strip():
            return Response(
                error_body("invalid", MESSAGES["text"], {"fields": {"text": ["This field may not be blank."]}}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        found = suggestions.suggest(values["text"], language=values["language"], limit=values["limit"])
        return Response(
            {
                "results": [
                    {"uri": s.uri, "label": s.preferred_label, "score": score, "description": s.description}
                    for s, score in found
                ]
            }
        )


class CoveredSkillOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()


class CoveringOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The micro-credential's id.")
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField(help_text="Share of the occupation's weighted skills covered (0 to 1).")
    essential_covered = CoveredSkillOut(many=True)
    optional_covered = CoveredSkillOut(many=True)


class CoverageOccupationOut(serializers.Serializer):
    uri = serializers.CharField(help_text="ESCO URI of the occupation.")
    label = serializers.CharField()


class OccupationCoverageOut(serializers.Serializer):
    occupation = CoverageOccupationOut()
    results = CoveringOut(many=True, help_text="Best first; only micro-credentials covering at least one skill.")


@method_decorator(
    rate_limited("occupation-coverage", limit_setting="SKILL_SUGGEST_RATE_LIMIT", default=120, json=True),
    name="get",
)
class OccupationMicroCredentialsApi(APIView):
    """Published micro-credentials ranked by how much of an ESCO occupation's skills they teach.

    Essential skills weigh 1, optional 0.25, each also weighted by how specific it is to few occupations.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        operation_id="occupations_micro_credentials_retrieve",
        parameters=[
            OpenApiParameter(
                "reference",
                str,
                OpenApiParameter.PATH,
                description="The occupation's id, or the UUID at the end of its ESCO URI.",
            ),
            RETRY_AFTER,
        ],
        responses={
            200: OccupationCoverageOut,
            404: documented_error("`not_found`: there is no such ESCO occupation."),
            429: RATE_LIMITED,
        },
    )
    def get(self, request, reference: str):
        occupation = reference_selectors.get_occupation(reference)
        if occupation is None:
            return Response(
                error_body("not_found", f"There is no ESCO occupation '{reference}'."), status=status.HTTP_404_NOT_FOUND
            )
        profile = guidance.occupation_profile(occupation)
        uris = ref.EscoSkill.objects.filter(pk__in=list(profile)).values_list("uri", flat=True)
        versions = {v.pk: v for v in catalogue.versions_teaching(list(uris), limit=None)}
        skills_of: dict[int, set[int]] = {pk: set() for pk in versions}
        links = MicroCredentialVersion.skills.through.objects.filter(
            microcredentialversion_id__in=list(versions), escoskill_id__in=list(profile)
        )
        for version_id, skill_id in links.values_list("microcredentialversion_id", "escoskill_id"):
            skills_of[version_id].add(skill_id)
        matches = guidance.rank_by_coverage(profile, skills_of, limit=50)
        names = dict(ref.EscoSkill.objects.filter(pk__in=list(profile)).values_list("pk", "preferred_label"))
        uri_of = dict(ref.EscoSkill.objects.filter(pk__in=list(profile)).values_list("pk", "uri"))

        def skill_list(ids):
            return [{"uri": uri_of[i], "label": names[i]} for i in ids]

        results = []
        for match in matches:
            version = versions[match.key]
            mc = version.micro_credential
            results.append(
                {
                    "id": mc.pk,
                    "slug": mc.slug,
                    "title": version.title,
                    "url": request.build_absolute_uri(reverse("catalogue:detail", args=[mc.slug])),
                    "score": match.score,
                    "essential_covered": skill_list(match.essential_covered),
                    "optional_covered": skill_list(match.optional_covered),
                }
            )
        return Response(
            {"occupation": {"uri": occupation.uri, "label": occupation.preferred_label}, "results": results}
        )
