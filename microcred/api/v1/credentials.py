"""/api/v1 for credentials: issue an offering's credentials (a background job), follow its progress,
read a credential, revoke it. The same rules as the pages: services decide who may do what."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.credentials import permissions, selectors
from microcred.credentials.exceptions import CredentialNotFound
from microcred.credentials.models import IssuanceJob
from microcred.credentials.services import bulk
from microcred.credentials.services.status import revoke_credential


class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    offering = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    total = serializers.IntegerField()
    issued = serializers.IntegerField()
    already_issued = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class OfferingIssuanceApi(APIView):
    """Issue the credentials of every completed learner of an offering (credential officer of its issuer)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: JobOut})
    def post(self, request, pk: int):
        job = bulk.start_issuance_job(user=request.user, offering_id=pk)
        job.refresh_from_db()
        return Response(job.progress(), status=status.HTTP_202_ACCEPTED)


class IssuanceJobApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=JobOut)
    def get(self, request, pk: int):
        job = get_object_or_404(IssuanceJob.objects.select_related("offering__version"), pk=pk)
        if not permissions.can_follow_job(request.user, job):
            raise CredentialNotFound("There is no such issuance job.")
        return Response(job.progress())


class CredentialApi(APIView):
    """The signed credential (JSON), for its holder and the issuer's credential officers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request, uuid):
        credential = selectors.credential_by_uuid(uuid)
        if credential is None or not permissions.can_download(request.user, credential):
            raise CredentialNotFound("There is no such credential, or you may not read it.")
        return Response(
            {"id": str(credential.uuid), "revoked_at": credential.revoked_at, "credential": credential.document}
        )


class RevocationIn(serializers.Serializer):
    reason = serializers.CharField()


class RevocationOut(serializers.Serializer):
    id = serializers.CharField()
    revoked_at = serializers.DateTimeField()
    reason = serializers.CharField()


class RevocationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RevocationIn, responses={201: RevocationOut})
    def post(self, request, uuid):
        data = RevocationIn(data=request.data)
        data.is_valid(raise_exception=True)
        credential = revoke_credential(request.user, str(uuid), data.validated_data["reason"])
        return Response(
            {"id": str(credential.uuid), "revoked_at": credential.revoked_at, "reason": credential.revocation_reason},
            status=status.HTTP_201_CREATED,
        )
