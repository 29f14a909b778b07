"""/api/v1/me/pathways: the signed-in learner's progress on the pathways she started (issue #12, item 3), as the
wallet and "my learning" show it: what is done, what remains, and where and when the rest is next offered (enrol
with POST /api/v1/offerings/{id}/enrolment). A pathway completed shows its credential."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import NOT_AUTHENTICATED, documented_error
from microcred.pathways import progress_panels
from microcred.pathways.award_models import PathwayAward


class NextOfferingOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The offering's id (enrol at /api/v1/offerings/{id}/enrolment).")
    university = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    enrolment_closes = serializers.DateTimeField()
    mode = serializers.CharField()


class ComponentProgressOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The micro-credential's id.")
    title = serializers.CharField()
    ects = serializers.CharField(allow_null=True, help_text="Earned: the ECTS of the version she earned.")
    done = serializers.BooleanField()
    enrolled = serializers.BooleanField(help_text="Enrolled in (or waiting for) an offering of it.")
    next_offerings = NextOfferingOut(many=True)


class RequirementProgressOut(serializers.Serializer):
    text = serializers.CharField(help_text="The requirement in words.")
    met = serializers.BooleanField()
    state = serializers.CharField(help_text="How far she is, in words.")


class PathwayProgressOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The pathway's id (as in /api/v1/pathways/{id}).")
    slug = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    completed = serializers.BooleanField()
    credential = serializers.CharField(allow_null=True, help_text="The pathway credential's id, once awarded.")
    requirements = RequirementProgressOut(many=True)
    done = ComponentProgressOut(many=True)
    remaining = ComponentProgressOut(many=True)


class PathwayProgressListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = PathwayProgressOut(many=True)


def _component(row) -> dict:
    return {
        "id": row.micro_credential_id,
        "title": row.title,
        "ects": None if row.ects is None else format(row.ects.normalize(), "f"),
        "done": row.done,
        "enrolled": row.enrolled,
        "next_offerings": [
            {
                "id": o.pk,
                "university": o.institution.short_name,
                "starts_on": o.starts_on,
                "ends_on": o.ends_on,
                "enrolment_closes": o.enrolment_closes,
                "mode": o.mode,
            }
            for o in row.offerings
        ],
    }


class MyPathwaysApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_pathways_list",
        responses={200: PathwayProgressListOut, 401: documented_error(NOT_AUTHENTICATED)},
    )
    def get(self, request):
        items = progress_panels.progress_items(request.user)
        awards = dict(
            PathwayAward.objects.filter(learner=request.user).values_list("pathway_version_id", "credential__uuid")
        )
        results = []
        for entry in items:
            version = entry["version"]
            credential = awards.get(version.pk)
            results.append(
                {
                    "id": version.pathway_id,
                    "slug": version.pathway.slug,
                    "title": version.title,
                    "version": version.number,
                    "completed": entry["met"],
                    "credential": f"urn:uuid:{credential}" if credential else None,
                    "requirements": [
                        {"text": text, "met": r.met, "state": state}
                        for (text, state), r in zip(entry["lines"], entry["item"].progress.requirements, strict=True)
                    ],
                    "done": [_component(r) for r in entry["done"]],
                    "remaining": [_component(r) for r in entry["remaining"]],
                }
            )
        return Response(PathwayProgressListOut({"count": len(results), "results": results}).data)
