"""/api/v1 for credentials: issue an offering's credentials (a background job), follow its progress,
read a credential, revoke it. The same rules as the pages: services decide who may do what."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.api.errors import CSRF_FAILED, INVALID_BODY, NOT_AUTHENTICATED, documented_error
from microcred.api.schema import NamedChoiceField
from microcred.core.text import COMMENT_TEXT
from microcred.credentials import permissions, selectors
from microcred.credentials.exceptions import CredentialNotFound
from microcred.credentials.models import IssuanceJob
from microcred.credentials.services import bulk
from microcred.credentials.services.status import revoke_credential

UNAUTHENTICATED = documented_error(NOT_AUTHENTICATED)


class JobErrorOut(serializers.Serializer):
    enrolment = serializers.IntegerField()
    error = serializers.CharField()


class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    offering = serializers.IntegerField(
        allow_null=True, help_text="The offering whose completions the job issues; null for a job of another source."
    )
    status = NamedChoiceField("IssuanceJobStatusEnum", choices=IssuanceJob.Status.choices)
    status_label = serializers.CharField(help_text="The status for people, in the request's language.")
    total = serializers.IntegerField()
    issued = serializers.IntegerField()
    already_issued = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField()
    errors = JobErrorOut(many=True, help_text="The completions that could not be issued, and why.")


class OfferingIssuanceApi(APIView):
    """Issue the credentials of every completed learner of an offering (credential officer of its issuer)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="offerings_credentials_create",
        request=None,
        responses={
            202: OpenApiResponse(JobOut, description="The job, queued; follow it at /api/v1/issuance-jobs/{id}."),
            400: documented_error("`invalid`: every completion of the offering already has its credential."),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`permission_denied`: only a credential officer of the issuer issues these credentials. {CSRF_FAILED}"
            ),
            404: documented_error(
                "`offering_not_found`: there is no such offering; `not_found`: the id in the path is not a whole "
                "number (there is no such endpoint)."
            ),
            409: documented_error(
                "`issuer_not_ready`: the issuer is not set up (no issuer or no signing key); "
                "`issuance_job_running`: a job for this offering is already queued or running (`details.job`: its id)."
            ),
        },
    )
    def post(self, request, pk: int):
        job = bulk.start_issuance_job(user=request.user, offering_id=pk)
        job.refresh_from_db()
        return Response(job.progress(), status=status.HTTP_202_ACCEPTED)


class IssuanceJobApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="issuance_jobs_retrieve",
        responses={
            200: JobOut,
            401: UNAUTHENTICATED,
            404: documented_error(
                "`not_found`: there is no such job, or you neither requested it nor are a credential officer of its "
                "issuer."
            ),
        },
    )
    def get(self, request, pk: int):
        job = get_object_or_404(IssuanceJob.objects.select_related("offering__version"), pk=pk)
        if not permissions.can_follow_job(request.user, job):
            raise CredentialNotFound(_("There is no such issuance job."))
        return Response(job.progress())


class CredentialOut(serializers.Serializer):
    id = serializers.UUIDField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    credential = serializers.JSONField(help_text="The signed credential (W3C Verifiable Credentials 2.0, JSON-LD).")


class CredentialApi(APIView):
    """The signed credential (JSON), for its holder and the issuer's credential officers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="credentials_retrieve",
        responses={
            200: CredentialOut,
            401: UNAUTHENTICATED,
            404: documented_error(
                "`not_found`: there is no such credential, or you are neither its holder nor a "
                "credential officer of its issuer."
            ),
        },
    )
    def get(self, request, uuid):
        credential = selectors.credential_by_uuid(uuid)
        if credential is None or not permissions.can_download(request.user, credential):
            raise CredentialNotFound(_("There is no such credential, or you may not read it."))
        return Response(
            {"id": str(credential.uuid), "revoked_at": credential.revoked_at, "credential": credential.document}
        )


class RevocationIn(serializers.Serializer):
    reason = serializers.CharField(max_length=COMMENT_TEXT)


class RevocationOut(serializers.Serializer):
    id = serializers.CharField()
    revoked_at = serializers.DateTimeField()
    reason = serializers.CharField()


class RevocationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="credentials_revocation_create",
        request=RevocationIn,
        responses={
            201: RevocationOut,
            400: documented_error(f"{INVALID_BODY} `invalid` also when the reason is only spaces."),
            401: UNAUTHENTICATED,
            403: documented_error(
                f"`permission_denied`: only a credential officer of the issuer revokes its credentials. {CSRF_FAILED}"
            ),
            404: documented_error("`not_found`: there is no such credential."),
            409: documented_error(
                "`already_revoked`: the credential is already revoked; nothing changed. `issuer_not_ready`: the "
                "issuer has no active signing key."
            ),
            503: documented_error(
                "`credential_kek`: the key-encryption key is missing or wrong, so the status list cannot be signed."
            ),
        },
    )
    def post(self, request, uuid):
        data = RevocationIn(data=request.data)
        data.is_valid(raise_exception=True)
        credential = revoke_credential(request.user, str(uuid), data.validated_data["reason"])
        return Response(
            {"id": str(credential.uuid), "revoked_at": credential.revoked_at, "reason": credential.revocation_reason},
            status=status.HTTP_201_CREATED,
        )
