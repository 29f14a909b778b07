"""/api/v1/me/enrolments and /api/v1/offerings/…: enrolment for learners, lists and results for staff.

The same services and permission rules as the pages; errors in the API's one JSON error body.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.learning import permissions, selectors, services
from microcred.learning.exceptions import NotAllowed


class EnrolmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    offering = serializers.IntegerField()
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)
    result = serializers.DictField(allow_null=True)
    completed = serializers.BooleanField()


def _result(r) -> dict | None:
    if r is None:
        return None
    return {
        "participated": r.participated,
        "result": r.outcome or None,
        "grade": r.grade or None,
        "evidence_url": r.evidence_url or None,
        "assessed_on": r.assessed_on.isoformat(),
    }


def _enrolment(e, position=None) -> dict:
    return {
        "id": e.pk,
        "offering": e.offering_id,
        "title": e.offering.version.title,
        "starts_on": e.offering.starts_on,
        "ends_on": e.offering.ends_on,
        "status": e.status,
        "waitlist_position": position if position is not None else e.waitlist_position,
        "result": _result(getattr(e, "result", None)),
        "completed": bool(getattr(e, "completed", False)),
    }


class MyEnrolmentsApi(APIView):
    """The signed-in learner's enrolments, with waiting-list positions and results."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EnrolmentOut(many=True))
    def get(self, request):
        enrolments = selectors.my_enrolments(request.user)
        return Response({"count": len(enrolments), "results": [_enrolment(e) for e in enrolments]})


class EnrolIn(serializers.Serializer):
    prerequisites_acknowledged = serializers.BooleanField(required=False, default=False)


class EnrolmentApi(APIView):
    """POST: enrol (or join the waiting list). DELETE: cancel; the first in line takes the place."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=EnrolIn, responses={201: EnrolmentOut})
    def post(self, request, pk: int):
        data = EnrolIn(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrol(user=request.user, offering_id=pk, **data.validated_data)
        return Response(_enrolment(enrolment), status=status.HTTP_201_CREATED)

    @extend_schema(responses=EnrolmentOut)
    def delete(self, request, pk: int):
        enrolment, _promoted = services.cancel_enrolment(user=request.user, offering_id=pk)
        return Response(_enrolment(enrolment))


class StaffEnrolmentOut(EnrolmentOut):
    email = serializers.EmailField()
    full_name = serializers.CharField()


class OfferingEnrolmentsApi(APIView):
    """The offering's enrolment list (its university's staff and its assessors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffEnrolmentOut(many=True))
    def get(self, request, pk: int):
        offering = permissions.access_offering_as_staff(request.user, pk)
        rows = [
            {**_enrolment(e, position=e.position), "email": e.learner.email, "full_name": e.learner.full_name}
            for e in selectors.offering_enrolments(offering)
        ]
        return Response({"count": len(rows), "results": rows})


class ResultIn(serializers.Serializer):
    email = serializers.EmailField()
    participated = serializers.CharField()
    result = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.CharField(required=False, allow_blank=True, default="")
    assessed_on = serializers.CharField()


class OfferingResultsApi(APIView):
    """GET: the offering's results (staff). POST: record one learner's result (its assessors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffEnrolmentOut(many=True))
    def get(self, request, pk: int):
        offering = permissions.access_offering_as_staff(request.user, pk)
        rows = [
            {
                "email": e.learner.email,
                "full_name": e.learner.full_name,
                **_result(e.result),
                "completed": e.completed,
                "completion_key": selectors.completion_key(e) if e.completed else None,
            }
            for e in selectors.offering_enrolments(offering)
            if e.result is not None
        ]
        return Response({"count": len(rows), "results": rows})

    @extend_schema(request=ResultIn, responses=StaffEnrolmentOut)
    def post(self, request, pk: int):
        offering = permissions.access_offering_as_staff(request.user, pk)
        if not permissions.can_record_results(request.user, offering):
            raise NotAllowed("Only the offering's assessors record results.")
        data = ResultIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        email = values.pop("email").lower()
        learner = offering.enrolments.filter(learner__email__iexact=email).values_list("learner_id", flat=True).first()
        result, changed = services.record_result(
            user=request.user, offering_id=offering.pk, learner_id=learner or 0, data=values
        )
        return Response({"email": email, **_result(result), "changed": changed})
