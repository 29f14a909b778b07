"""/api/v1/catalogue and /api/v1/catalogue/{id-or-slug}: the public catalogue as JSON (no log-in)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import documented_error, error_body
from microcred.catalogue import selectors
from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.proposals.choices import FormOfParticipation, Language


class SummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.CharField()
    credential_type = serializers.CharField()
    ects = serializers.CharField(allow_null=True)
    eqf_level = serializers.IntegerField(allow_null=True)
    awarding_institution = serializers.CharField()
    next_start = serializers.DateField(allow_null=True)


class FacetOptionOut(serializers.Serializer):
    value = serializers.CharField(help_text="The value to give in the facet's parameter.")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Results if this value were chosen (the other facets' kept).")


class FacetsOut(serializers.Serializer):
    """Each facet's values that have results (or are chosen)."""

    area = FacetOptionOut(many=True)
    skill = FacetOptionOut(many=True)
    eqf = FacetOptionOut(many=True)
    lang = FacetOptionOut(many=True)
    form = FacetOptionOut(many=True)
    university = FacetOptionOut(many=True)
    kind = FacetOptionOut(many=True)


class ListOut(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SummaryOut(many=True)
    facets = FacetsOut()


class SkillRefOut(serializers.Serializer):
    uri = serializers.CharField(help_text="ESCO URI.")
    label = serializers.CharField()


class VersionRefOut(serializers.Serializer):
    number = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
    url = serializers.CharField()


class UpcomingOfferingOut(serializers.Serializer):
    id = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    mode = serializers.CharField()
    location = serializers.CharField()
    language = serializers.CharField()
    fee = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="EUR.")
    capacity = serializers.IntegerField()
    institution = serializers.CharField(help_text="The delivering university's slug.")


class DetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()
    version = serializers.IntegerField()
    current_version = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
    title = serializers.CharField()
    description = serializers.CharField()
    learning_outcomes = serializers.ListField(child=serializers.CharField())
    annex1 = serializers.JSONField()
    skills = SkillRefOut(many=True)
    content_areas = serializers.ListField(child=serializers.CharField())
    co_leads = serializers.ListField(child=serializers.CharField())
    versions = VersionRefOut(many=True)
    offerings = UpcomingOfferingOut(many=True, help_text="Upcoming offerings (of the current version only).")


LIST_PARAMETERS = [
    OpenApiParameter(
        "search", str, description="Words matched as prefixes in titles, descriptions, outcomes and skills."
    ),
    OpenApiParameter("area", str, many=True, description="Content area key."),
    OpenApiParameter("skill", str, many=True, description="ESCO skill URI."),
    OpenApiParameter(
        "eqf", {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 8}}, description="EQF level."
    ),
    OpenApiParameter("lang", str, many=True, enum=Language.values, description="Language of instruction (ISO 639-1)."),
    OpenApiParameter("form", str, many=True, enum=FormOfParticipation.values, description="Form of participation."),
    OpenApiParameter("university", str, many=True, description="Awarding or co-leading university (short name key)."),
    OpenApiParameter("kind", str, many=True, enum=list(selectors.KIND_VALUES)),
    OpenApiParameter("ects_min", float),
    OpenApiParameter("ects_max", float, description="Not below `ects_min`."),
    OpenApiParameter("starts_from", OpenApiTypes.DATE, description="Has an offering starting on or after this date."),
    OpenApiParameter(
        "starts_to", OpenApiTypes.DATE, description="…and on or before this date (not before `starts_from`)."
    ),
    OpenApiParameter("cost", str, enum=["free", "paid"]),
    OpenApiParameter("max_fee", float, description="Highest fee of an upcoming offering, EUR."),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE, "default": selectors.PAGE_SIZE},
    ),
]


def _url(request, view_name, *args) -> str:
    return settings.PUBLIC_BASE_URL + reverse(view_name, args=args)


def _summary(request, v) -> dict:
    return {
        "id": v.micro_credential_id,
        "slug": v.slug,
        "url": _url(request, "catalogue:detail", v.slug),
        "title": v.localised["title"],
        "version": v.number,
        "kind": v.kind,
        "credential_type": v.credential_type,
        "ects": str(v.ects) if v.ects is not None else None,
        "eqf_level": v.eqf_level,
        "awarding_institution": v.institution_slug,
        "next_start": v.next_start,
    }


class CatalogueListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="catalogue_list",
        parameters=LIST_PARAMETERS,
        responses={
            200: ListOut,
            400: documented_error("`invalid`: some parameters are not valid; `details` maps each to its message."),
        },
    )
    def get(self, request):
        try:
            query = selectors.parse_query(request.query_params)
        except selectors.QueryError as exc:
            return Response(
                error_body("invalid", "Some search parameters are not valid.", exc.errors),
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = selectors.search(query, language=request.LANGUAGE_CODE)
        return Response(
            {
                "count": result.total,
                "page": result.page,
                "pages": result.pages,
                "results": [_summary(request, v) for v in result.versions],
                "facets": {
                    name: [{"value": o["value"], "label": str(o["label"]), "count": o["count"]} for o in options]
                    for name, options in result.facets.items()
                },
            }
        )


class CatalogueDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="catalogue_detail",
        parameters=[
            OpenApiParameter("reference", str, OpenApiParameter.PATH, description="The micro-credential's id or slug."),
            OpenApiParameter("version", int, description="An earlier version number (default: current)."),
        ],
        responses={
            200: DetailOut,
            400: documented_error("`invalid`: `version` is not a whole number."),
            404: documented_error("`not_found`: no micro-credential has this id or slug, or it has no such version."),
        },
    )
    def get(self, request, reference: str):
        # isdecimal, not isdigit: "¹" is a digit that int() refuses.
        lookup = {"pk": int(reference)} if reference.isdecimal() else {"slug": reference}
        mc = MicroCredential.objects.filter(**lookup).first()
        version_number = request.query_params.get("version")
        versions = list(mc.versions.order_by("number")) if mc else []
        if not versions:
            return Response(
                error_body("not_found", "There is no micro-credential with this id or address."),
                status=status.HTTP_404_NOT_FOUND,
            )
        if version_number:
            if not version_number.isdecimal():
                return Response(
                    error_body("invalid", "'version' must be a whole number."), status=status.HTTP_400_BAD_REQUEST
                )
            version = next((v for v in versions if v.number == int(version_number)), None)
            if version is None:
                return Response(error_body("not_found", "There is no such version."), status=status.HTTP_404_NOT_FOUND)
        else:
            version = versions[-1]
        version = (
            MicroCredentialVersion.objects.select_related("awarding_institution")
            .prefetch_related("skills", "co_lead_institutions", "content_areas")
            .get(pk=version.pk)
        )
        localised = selectors.localise(version, selectors.translation_for(version, request.LANGUAGE_CODE))
        offerings = selectors.upcoming_offerings(mc) if version.pk == versions[-1].pk else []
        return Response(
            {
                "id": mc.pk,
                "slug": mc.slug,
                "status": mc.status,
                "url": _url(request, "catalogue:version", mc.slug, version.number),
                "version": version.number,
                "current_version": versions[-1].number,
                "approved_at": version.approved_at,
                "title": localised["title"],
                "description": localised["description"],
                "learning_outcomes": [o["text"] for o in localised["learning_outcomes"]],
                "annex1": version.annex.to_json(),
                "skills": [{"uri": s.uri, "label": s.preferred_label} for s in version.skills.all()],
                "content_areas": [a.slug for a in version.content_areas.all()],
                "co_leads": [i.slug for i in version.co_lead_institutions.all()],
                "versions": [
                    {
                        "number": v.number,
                        "approved_at": v.approved_at,
                        "url": _url(request, "catalogue:version", mc.slug, v.number),
                    }
                    for v in versions
                ],
                "offerings": [
                    {
                        "id": o.pk,
                        "starts_on": o.starts_on,
                        "ends_on": o.ends_on,
                        "mode": o.mode,
                        "location": o.location,
                        "language": o.language,
                        "fee": str(o.fee),
                        "capacity": o.capacity,
                        "institution": o.institution.slug,
                    }
                    for o in offerings
                ],
            }
        )
