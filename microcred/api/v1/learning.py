"""/api/v1/me/enrolments and /api/v1/offerings/…: enrolment for learners; offering details, editing, lists,
cancellations, results and the import history for staff.

The same services and permission rules as the pages (learning.permissions, whose refusals the API gives in the
request's language, as the pages do); errors in the API's one JSON error body.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, REJECTED_CREDENTIALS, documented_error
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT
from microcred.learning import permissions, selectors, services
from microcred.learning.exceptions import CancellationInvalid, OfferingInvalid
from microcred.learning.models import Enrolment, Offering
from microcred.proposals.choices import Language

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)
NO_OFFERING = documented_error("`offering_not_found`: there is no such offering.")
NOT_STAFF = documented_error(
    "`offering_not_found`: there is no such offering, or you are not its staff (the two look the same)."
)


class ResultOut(serializers.Serializer):
    participated = serializers.BooleanField()
    result = NamedChoiceField("ResultOutcomeEnum", choices=["pass", "fail"], allow_null=True)
    grade = serializers.CharField(allow_null=True)
    evidence_url = serializers.CharField(allow_null=True)
    assessed_on = serializers.DateField()


class EnrolmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    offering = serializers.IntegerField()
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = NamedChoiceField("EnrolmentStatusEnum", choices=Enrolment.Status.choices)
    waitlist_position = serializers.IntegerField(allow_null=True)
    result = ResultOut(allow_null=True, help_text="The learner's result, once recorded (enrolled learners only).")
    completed = serializers.BooleanField()


class EnrolmentListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = EnrolmentOut(many=True)


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

    @extend_schema(operation_id="me_enrolments_list", responses={200: EnrolmentListOut, 401: UNAUTHENTICATED})
    def get(self, request):
        enrolments = selectors.my_enrolments(request.user)
        return Response({"count": len(enrolments), "results": [_enrolment(e) for e in enrolments]})


class EnrolIn(serializers.Serializer):
    prerequisites_acknowledged = serializers.BooleanField(required=False, default=False)


class EnrolmentApi(APIView):
    """POST: enrol (or join the waiting list). DELETE: cancel; the first in line takes the place."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_enrolment_create",
        request=EnrolIn,
        responses={
            201: EnrolmentOut,
            400: documented_error(INVALID_BODY),
            401: UNAUTHENTICATED,
            403: documented_error(CSRF_FAILED),
            404: NO_OFFERING,
            409: documented_error(
                "`enrolment_refused`: already enrolled or on the waiting list, enrolment not open, the e-mail address "
                "not confirmed, the prerequisites not acknowledged, or the micro-credential retired."
            ),
        },
    )
    def post(self, request, pk: int):
        data = EnrolIn(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrol(user=request.user, offering_id=pk, **data.validated_data)
        return Response(_enrolment(enrolment), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="offerings_enrolment_destroy",
        responses={
            200: OpenApiResponse(EnrolmentOut, description="The cancelled enrolment."),
            401: UNAUTHENTICATED,
            403: documented_error(CSRF_FAILED),
            404: NO_OFFERING,
            409: documented_error(
                "`enrolment_refused`: no enrolment to cancel, a result is recorded, or the offering has ended."
            ),
        },
    )
    def delete(self, request, pk: int):
        enrolment, _promoted = services.cancel_enrolment(user=request.user, offering_id=pk)
        return Response(_enrolment(enrolment))


class StaffEnrolmentOut(EnrolmentOut):
    email = serializers.EmailField()
    full_name = serializers.CharField()


class StaffEnrolmentListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = StaffEnrolmentOut(many=True)


class OfferingEnrolmentsApi(APIView):
    """The offering's enrolment list (its university's staff and its assessors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_enrolments_list",
        responses={200: StaffEnrolmentListOut, 401: UNAUTHENTICATED, 404: NOT_STAFF},
    )
    def get(self, request, pk: int):
        offering = permissions.access_offering_as_staff(request.user, pk)
        rows = [
            {**_enrolment(e, position=e.position), "email": e.learner.email, "full_name": e.learner.full_name}
            for e in selectors.offering_enrolments(offering)
        ]
        return Response({"count": len(rows), "results": rows})


class ResultIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The enrolled learner's e-mail address.")
    participated = serializers.CharField(
        max_length=10, help_text="`yes` or `no` (also `y`/`n`, `true`/`false`, `1`/`0`), as text."
    )
    result = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text="`pass` or `fail`; may be empty for a badge.",
    )
    grade = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="Within the offering's grade scale."
    )
    evidence_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    assessed_on = serializers.CharField(
        max_length=40, help_text="YYYY-MM-DD; not in the future, not before the offering starts."
    )


class StaffResultOut(ResultOut):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    completed = serializers.BooleanField()
    completion_key = serializers.CharField(
        allow_null=True, help_text="Identifies the completion (one credential at most); null when not completed."
    )


class StaffResultListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = StaffResultOut(many=True)


class RecordedResultOut(ResultOut):
    email = serializers.EmailField()
    changed = serializers.BooleanField(help_text="False when the result was already exactly this.")


class OfferingResultsApi(APIView):
    """GET: the offering's results (staff). POST: record one learner's result (its assessors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_results_list",
        responses={200: StaffResultListOut, 401: UNAUTHENTICATED, 404: NOT_STAFF},
    )
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

    @extend_schema(
        operation_id="offerings_results_create",
        request=ResultIn,
        responses={
            200: RecordedResultOut,
            400: documented_error(
                f"{INVALID_BODY} `result_invalid`: the person is not an enrolled learner, or a value is not valid "
                "for this offering; `details.fields` maps each field to its message."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(f"`not_allowed`: only the offering's assessors record results. {CSRF_FAILED}"),
            404: NOT_STAFF,
        },
    )
    def post(self, request, pk: int):
        offering = permissions.access_offering_as_staff(request.user, pk)
        permissions.check_can_record_results(request.user, offering)
        data = ResultIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        email = values.pop("email").lower()
        learner = offering.enrolments.filter(learner__email__iexact=email).values_list("learner_id", flat=True).first()
        result, changed = services.record_result(
            user=request.user, offering_id=offering.pk, learner_id=learner or 0, data=values
        )
        return Response({"email": email, **_result(result), "changed": changed})


# --- one offering: read and edit ---------------------------------------------------------------------------

STAFF_ONLY = "Shown to the offering's staff and the alliance admin; null for everyone else."


class OfferingOut(serializers.Serializer):
    id = serializers.IntegerField()
    micro_credential = serializers.CharField(source="micro_credential.slug", help_text="The micro-credential's slug.")
    version = serializers.IntegerField(source="version.number", help_text="The approved version it delivers.")
    institution = serializers.CharField(source="institution.slug", help_text="The delivering university's slug.")
    format = serializers.ChoiceField(choices=Offering.Format.choices)
    mode = serializers.ChoiceField(choices=Offering.Mode.choices)
    location = serializers.CharField()
    language = serializers.CharField(help_text="Language of instruction (ISO 639-1).")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    enrolment_opens = serializers.DateTimeField()
    enrolment_closes = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    fee = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="EUR.")
    fee_waivers = serializers.CharField()
    lms_code = serializers.CharField(allow_null=True, help_text=STAFF_ONLY)
    grade_scale = serializers.CharField(allow_null=True, help_text=STAFF_ONLY)


SHOWN = frozenset(OfferingOut().fields)


def _offering(offering, user) -> dict:
    """The offering as the API shows it. Like the offering page, the course code and grade scale are for its staff."""
    data = OfferingOut(offering).data
    if not permissions.can_view_enrolments(user, offering):
        data["lms_code"] = data["grade_scale"] = None
    return data


# PostgreSQL's integer column; a larger number would be a server error rather than a field error.
MAX_CAPACITY = 2**31 - 1


class OfferingChangeIn(serializers.Serializer):
    """Any of the fields an offering's editors change; those left out stay as they are. Other fields are refused."""

    format = serializers.ChoiceField(choices=Offering.Format.choices, required=False)
    mode = serializers.ChoiceField(choices=Offering.Mode.choices, required=False)
    location = serializers.CharField(max_length=200, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    enrolment_opens = serializers.DateTimeField(required=False)
    enrolment_closes = serializers.DateTimeField(required=False)
    capacity = serializers.IntegerField(max_value=MAX_CAPACITY, required=False)
    fee = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    fee_waivers = serializers.CharField(max_length=COMMENT_TEXT, allow_blank=True, required=False)
    grade_scale = serializers.CharField(max_length=200, allow_blank=True, required=False)
    lms_code = serializers.CharField(max_length=100, allow_blank=True, required=False)

    def to_internal_value(self, data):
        """Refuse fields that cannot change (or do not exist) rather than ignore them: a typo would otherwise look
        like a successful change."""
        errors = {}
        if isinstance(data, Mapping):
            for name in data:
                if name not in self.fields:
                    errors[name] = [
                        _("This field cannot be changed.") if name in SHOWN else _("There is no such field.")
                    ]
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**errors, **exc.detail}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return values


class OfferingUpdateOut(OfferingOut):
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="Each changed field: [before, after]. Empty when nothing changed."
    )
    promoted = serializers.ListField(
        child=serializers.IntegerField(), help_text="Enrolments moved from the waiting list into the new places."
    )


class OfferingApi(APIView):
    """GET: the offering (public, like its page). PATCH: change some of its fields (its editors)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="offerings_retrieve",
        responses={200: OfferingOut, 401: documented_error(REJECTED_CREDENTIALS), 404: NO_OFFERING},
    )
    def get(self, request, pk: int):
        return Response(_offering(permissions.access_offering(request.user, pk), request.user))

    @extend_schema(
        operation_id="offerings_partial_update",
        request=OfferingChangeIn,
        responses={
            200: OfferingUpdateOut,
            400: documented_error(
                "`offering_invalid`: a field is not valid, cannot be changed or does not exist; `details.fields` maps "
                "each field to its messages. `parse_error`: the body is not well-formed JSON."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: only the offering's creator and the staff who create offerings at its university "
                f"edit it. {CSRF_FAILED}"
            ),
            404: NO_OFFERING,
            409: documented_error("`offering_ended`: the offering has ended and can no longer be edited."),
        },
    )
    def patch(self, request, pk: int):
        # Who may, and whether it still can change, before the input: a refusal is the answer whatever was sent.
        offering = permissions.access_offering(request.user, pk)
        permissions.check_can_edit_offering(request.user, offering)
        data = OfferingChangeIn(data=request.data)
        if not data.is_valid():
            # The same error as the service's rules give (details.fields: field → messages), whichever check failed.
            raise OfferingInvalid({name: [str(m) for m in messages] for name, messages in data.errors.items()})
        update = services.update_offering(user=request.user, offering_id=offering.pk, data=data.validated_data)
        return Response(
            {
                **_offering(update.offering, request.user),
                "changes": update.changes,
                "promoted": [e.pk for e in update.promoted],
            }
        )


# --- staff cancel an enrolment -----------------------------------------------------------------------------


class CancellationIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.CANCELLATION_REASON_MAX_LENGTH, help_text="Why; the learner is told it by e-mail."
    )


class CancellationOut(StaffEnrolmentOut):
    promoted = serializers.ListField(
        child=serializers.IntegerField(), help_text="The enrolment that took the freed place, if any."
    )


class EnrolmentCancellationApi(APIView):
    """Staff cancel a learner's enrolment, with a reason. Once cancelled, the same request is refused (409) and
    changes nothing: a retry never cancels, promotes or e-mails twice."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_enrolments_cancellation_create",
        request=CancellationIn,
        responses={
            200: CancellationOut,
            400: documented_error(
                "`cancellation_invalid`: the reason is missing or too long; `details.fields` maps it to its message. "
                "`parse_error`: the body is not well-formed JSON."
            ),
            401: UNAUTHENTICATED,
            403: documented_error(
                "`not_allowed`: only the offering's creator and its university's proposers and institutional managers "
                f"cancel enrolments. {CSRF_FAILED}"
            ),
            404: documented_error(
                "`offering_not_found`: there is no such offering. `enrolment_not_found`: the offering has no such "
                "enrolment."
            ),
            409: documented_error(
                "`enrolment_refused`: the enrolment is already cancelled, a result is recorded, or the offering has "
                "ended; nothing changed."
            ),
        },
    )
    def post(self, request, pk: int, enrolment_id: int):
        offering = permissions.access_offering(request.user, pk)
        permissions.check_can_manage_enrolments(request.user, offering)
        data = CancellationIn(data=request.data)
        if not data.is_valid():
            raise CancellationInvalid(
                {name: " ".join(str(m) for m in messages) for name, messages in data.errors.items()}
            )
        enrolment, promoted = services.cancel_enrolment_by_staff(
            user=request.user, offering_id=offering.pk, enrolment_id=enrolment_id, **data.validated_data
        )
        return Response(
            {
                **_enrolment(enrolment),
                "email": enrolment.learner.email,
                "full_name": enrolment.learner.full_name,
                "promoted": [e.pk for e in promoted],
            }
        )


# --- the history of result imports -------------------------------------------------------------------------


class PersonOut(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()


class ResultImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    committed_at = serializers.DateTimeField(help_text="When the results were imported.")
    uploaded_by = PersonOut()
    filename = serializers.CharField()
    file_format = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the file's content.")
    rows = serializers.IntegerField(source="row_count", help_text="Rows applied.")
    changed = serializers.IntegerField(source="changed_count", allow_null=True, help_text="Results that changed.")
    repeat = serializers.BooleanField(help_text="A file with the same content had been imported before.")


class ResultImportListOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = ResultImportOut(many=True)


class OfferingImportsApi(APIView):
    """The offering's committed result imports, newest first (whoever sees its results)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_imports_list",
        responses={
            200: ResultImportListOut,
            401: UNAUTHENTICATED,
            403: documented_error("`not_allowed`: only the offering's staff and the alliance admin see its imports."),
            404: NO_OFFERING,
        },
    )
    def get(self, request, pk: int):
        offering = permissions.access_offering(request.user, pk)
        records = selectors.result_import_history(request.user, offering)
        return Response({"count": len(records), "results": ResultImportOut(records, many=True).data})
