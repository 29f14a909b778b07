"""POST /api/v1/skills/suggest, GET /api/v1/occupations/{id}/micro-credentials and GET /api/v1/guidance: public guidance look-ups
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
from microcred.guide import selectors as guide
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
        choices=list(suggestions.LANGUAGES), default="en", help_text="The outcome's language: en, es, fr, nl or hu."
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


class GuidanceTargetSkillOut(serializers.Serializer):
    uri = serializers.CharField(help_text="ESCO URI of the skill.")
    label = serializers.CharField()
    essential = serializers.BooleanField(
        help_text="Essential to the occupation (or picked, or found first in the text)."
    )


class GuidanceOccupationOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()


class GuidanceTargetOut(serializers.Serializer):
    occupation = GuidanceOccupationOut(allow_null=True, help_text="The occupation named, if the target is one.")
    skills = GuidanceTargetSkillOut(many=True, help_text="Essential first, then by weight.")


class GuidanceSkillOut(serializers.Serializer):
    uri = serializers.CharField()
    label = serializers.CharField()
    essential = serializers.BooleanField()


class GuidanceNextOfferingOut(serializers.Serializer):
    id = serializers.IntegerField()
    starts_on = serializers.DateField()
    university = serializers.CharField()
    mode = serializers.CharField()
    language = serializers.CharField()
    fee = serializers.CharField(help_text="EUR, as a decimal string.")
    url = serializers.CharField(help_text="Its page, where a signed-in learner enrols.")


class GuidanceResultOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["micro_credential", "pathway"])
    id = serializers.IntegerField(help_text="The micro-credential's or the pathway's id.")
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="Its public page.")
    score = serializers.FloatField(help_text="Share of the target's weighted skills it covers (0 to 1).")
    ects = serializers.CharField(allow_null=True, help_text="ECTS credits (a pathway: of its components).")
    covered_skills = GuidanceSkillOut(many=True)
    missing_skills = GuidanceSkillOut(many=True)
    next_offering = GuidanceNextOfferingOut(
        allow_null=True, help_text="The first upcoming offering within the filters."
    )


class GuidanceStepOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The micro-credential's id.")
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    added_skills = GuidanceSkillOut(many=True, help_text="What this step adds to the steps before it.")


class GuidanceCombinationOut(serializers.Serializer):
    score = serializers.FloatField(help_text="Share of the target's weighted skills the steps cover together.")
    steps = GuidanceStepOut(many=True)
    missing_skills = GuidanceSkillOut(many=True)


class GuidanceOut(serializers.Serializer):
    target = GuidanceTargetOut()
    results = GuidanceResultOut(many=True, help_text="Best first; only those covering at least one target skill.")
    combination = GuidanceCombinationOut(help_text="Micro-credentials that together cover most of the target (greedy).")


def _guidance_parameters():
    text = "Give exactly one of `occupation`, `skills` or `text`."
    return [
        OpenApiParameter(
            "occupation", str, description=f"An ESCO occupation: its URI, id or the UUID ending its URI. {text}"
        ),
        OpenApiParameter("skills", str, description="ESCO skill URIs, comma-separated (at most 50)."),
        OpenApiParameter("text", str, description=f"A goal in a sentence (at most {guide.MAX_TEXT} characters)."),
        OpenApiParameter("language", str, description="The language of `text` (default en)."),
        OpenApiParameter(
            "kind", str, many=True, enum=list(guide.KINDS), description="Only these kinds (default both)."
        ),
        OpenApiParameter(
            "lang", str, many=True, description="Language of instruction (ISO 639-1), as in the catalogue."
        ),
        OpenApiParameter("form", str, many=True, description="Mode: online, on_site, blended, work_experience."),
        OpenApiParameter("university", str, many=True, description="A member university's short name key."),
        OpenApiParameter("ects_min", str, description="At least this many ECTS credits."),
        OpenApiParameter("ects_max", str, description="At most this many ECTS credits."),
        OpenApiParameter(
            "starts_from", str, description="Has an offering starting on or after this date (YYYY-MM-DD)."
        ),
        OpenApiParameter("starts_to", str, description="Has an offering starting on or before this date (YYYY-MM-DD)."),
        OpenApiParameter("cost", str, enum=["free", "paid"], description="Cost of an upcoming offering."),
        OpenApiParameter("max_fee", str, description="Has an upcoming offering costing at most this (EUR)."),
        OpenApiParameter("limit", int, description=f"How many results (1 to {guide.MAX_LIMIT}, default 20)."),
        RETRY_AFTER,
    ]


@method_decorator(
    rate_limited("guidance", limit_setting="SKILL_SUGGEST_RATE_LIMIT", default=120, json=True), name="get"
)
class GuidanceApi(APIView):
    """The guide for learners: micro-credentials and pathways ranked by how much of a target they cover.

    The target is an occupation's ESCO skills (essential weigh 1, optional 0.25, each times how specific it is to
    few occupations), picked skills, or the skills found in a sentence. A pathway covers the union of the skills of
    its components that pass the filters.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        operation_id="guidance_retrieve",
        parameters=_guidance_parameters(),
        responses={
            200: GuidanceOut,
            400: documented_error(
                "`invalid`: no target or more than one, an unknown occupation or skill, a text too long, or a bad "
                "filter (`details.fields` names each)."
            ),
            429: RATE_LIMITED,
        },
    )
    def get(self, request):
        params = request.query_params
        errors: dict[str, str] = {}
        kinds = [k.strip() for v in params.getlist("kind") for k in v.split(",") if k.strip()]
        if any(k not in guide.KINDS for k in kinds):
            errors["kind"] = f"'kind' is one of: {', '.join(guide.KINDS)}."

        def parsed(parse):  # every parameter is checked, so that the answer names each bad one
            try:
                return parse(params)
            except guide.GuideInputError as error:
                errors.update(error.errors)
                return None

        target, q, limit = (parsed(parse) for parse in (guide.parse_target, guide.parse_filters, guide.parse_limit))
        if errors:
            message = " ".join(str(m) for m in errors.values())
            return Response(
                error_body("invalid", message, {"fields": {k: [str(v)] for k, v in errors.items()}}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        found = guide.answer(target, q, kinds=tuple(kinds) or guide.KINDS, limit=limit)

        def skills(items):
            return [{"uri": s.uri, "label": s.label, "essential": s.essential} for s in items]

        def url(result):
            name = "pathways:detail" if result.kind == guide.PATHWAY else "catalogue:detail"
            return request.build_absolute_uri(reverse(name, args=[result.slug]))

        def offering(o):
            if o is None:
                return None
            return {
                "id": o.id,
                "starts_on": o.starts_on.isoformat(),
                "university": o.university,
                "mode": o.mode,
                "language": o.language,
                "fee": str(o.fee),
                "url": request.build_absolute_uri(reverse("learning:offering", args=[o.id])),
            }

        occupation = found.target.occupation
        return Response(
            {
                "target": {
                    "occupation": {"uri": occupation.uri, "label": occupation.preferred_label} if occupation else None,
                    "skills": skills(found.target.skills),
                },
                "results": [
                    {
                        "kind": r.kind,
                        "id": r.id,
                        "slug": r.slug,
                        "title": r.title,
                        "url": url(r),
                        "score": r.score,
                        "ects": None if r.ects is None else str(r.ects),
                        "covered_skills": skills(r.covered),
                        "missing_skills": skills(r.missing),
                        "next_offering": offering(r.next_offering),
                    }
                    for r in found.results
                ],
                "combination": {
                    "score": found.combination_score,
                    "steps": [
                        {"id": s.id, "slug": s.slug, "title": s.title, "url": url(s), "added_skills": skills(s.covered)}
                        for s in found.combination
                    ],
                    "missing_skills": skills(found.combination_missing),
                },
            }
        )
