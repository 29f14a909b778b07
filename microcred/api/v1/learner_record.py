"""/api/v1/me/record: the learner record (issue #12, item 3), as the wallet's record page shows it.

Every micro-credential the signed-in learner earned here and that is not revoked, with its ECTS, EQF level, issuer
and date, and the total ECTS; the pathway credentials she holds are listed apart (they add no ECTS). The signed
form (a Verifiable Presentation) is the page's download, /wallet/record.json.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import NOT_AUTHENTICATED, documented_error
from microcred.wallet import record as learner_record


class RecordEntryOut(serializers.Serializer):
    id = serializers.CharField(help_text="The credential's id (urn:uuid:…), as signed.")
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    ects = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=True)
    eqf_level = serializers.IntegerField(allow_null=True)
    issuer = serializers.CharField()
    awarded_on = serializers.DateField()


class RecordOut(serializers.Serializer):
    learner = serializers.CharField()
    total_ects = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=True)
    count = serializers.IntegerField()
    results = RecordEntryOut(many=True)
    pathways = RecordEntryOut(many=True, help_text="Pathway credentials held (not counted in total_ects).")
    pdf_url = serializers.CharField()
    signed_url = serializers.CharField(help_text="The record as one Verifiable Presentation signed by the alliance.")


def _entry(entry) -> dict:
    return {
        "id": entry.credential_id,
        "uuid": entry.uuid,
        "title": entry.title,
        "ects": entry.ects,
        "eqf_level": entry.eqf_level,
        "issuer": entry.issuer,
        "awarded_on": entry.awarded_on,
    }


class MyRecordApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_record_retrieve",
        responses={200: RecordOut, 401: documented_error(NOT_AUTHENTICATED)},
    )
    def get(self, request):
        record = learner_record.learner_record(request.user)
        data = {
            "learner": record.learner_name,
            "total_ects": record.total_ects,
            "count": len(record.entries),
            "results": [_entry(e) for e in record.entries],
            "pathways": [_entry(e) for e in record.others],
            "pdf_url": request.build_absolute_uri(reverse("wallet:record-pdf")),
            "signed_url": request.build_absolute_uri(reverse("wallet:record-json")),
        }
        return Response(RecordOut(data).data)
