"""POST /api/v1/verify: the same checks as the verification page and the command."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from microcred.api.errors import documented_error, error_body
from microcred.core.ratelimit import rate_limited
from microcred.credentials.services.sd_jwt_verification import verify_sd_jwt_vc
from microcred.credentials.services.verification import (
    MAX_DOCUMENT_BYTES,
    UnreadableCredential,
    parse_json_document,
    verify_credential_document,
)


class RawJsonParser(BaseParser):
    """Keep the body as bytes: the verifier parses it itself, with its own size and safety limits."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_DOCUMENT_BYTES + 1)


class CheckOut(serializers.Serializer):
    check = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True, help_text="true passed, false failed, null could not check")
    message = serializers.CharField()
    advisory = serializers.BooleanField(
        help_text="Reported for information only; does not decide the result (schema conformance)."
    )


class RegistryOut(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["member", "not_listed", "key_not_valid", "unavailable", "not_checked"],
        help_text="member: a registry you trust lists the issuer with the signing key valid when it signed; "
        "not_listed: no registry you trust lists it; key_not_valid: listed, but not with that key then; "
        "unavailable: a registry could not be fetched or its signature did not verify; not_checked: the "
        "credential's signature could not be confirmed, so no registry was consulted.",
    )
    message = serializers.CharField()
    registry = serializers.CharField(help_text="The registry that lists the issuer (member), else empty.")


class VerifyOut(serializers.Serializer):
    verified = serializers.BooleanField()
    result = serializers.ChoiceField(choices=["valid", "invalid", "could_not_check"])
    reason = serializers.CharField()
    checks = CheckOut(many=True)
    registry = RegistryOut(
        allow_null=True,
        help_text="What the issuer registries this platform trusts say of the issuer (the alliance's own and those "
        "its admin added); null when the input could not be read as a signed credential.",
    )


SD_JWT_FIELDS = {"sd_jwt", "audience", "nonce"}


def _is_sd_jwt_request(document) -> bool:
    """``{"sd_jwt": "<compact>"}`` (with an optional ``audience`` and ``nonce``): an SD-JWT VC to verify. Any
    other body is a credential, as before (an OB credential never has an ``sd_jwt`` member)."""
    return isinstance(document, dict) and "sd_jwt" in document and "@context" not in document


def _sd_jwt_request_problem(document: dict) -> str:
    unknown = sorted(set(document) - SD_JWT_FIELDS)
    if unknown:
        return "Unknown members next to sd_jwt: " + ", ".join(unknown) + " (allowed: audience, nonce)."
    for name in SD_JWT_FIELDS:
        if name in document and not isinstance(document[name], str):
            return f"{name} must be a string."
    if not document["sd_jwt"].strip():
        return "sd_jwt is empty: send the SD-JWT VC in its compact form (<JWT>~<disclosures>~[<key-binding JWT>])."
    return ""


@method_decorator(rate_limited("verify-api", limit_setting="VERIFY_RATE_LIMIT", default=30, json=True), name="post")
class VerifyApi(APIView):
    """Verify a credential sent as the JSON body."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [RawJsonParser]

    @extend_schema(
        operation_id="verify_create",
        # Any JSON value: the credential is an object, and anything else gets the verdict `invalid` ("A credential
        # must be a JSON object"), as on the verification page, rather than a refusal.
        request={
            "application/json": {
                "description": "The credential, a JSON object; any other JSON value is answered with the verdict "
                '`invalid`. An SD-JWT VC is sent as `{"sd_jwt": "<JWT>~<disclosures>~[<key-binding JWT>]"}`, '
                "with an optional `audience` and `nonce`: when either is given, a key-binding JWT for them is "
                "required (signed with the holder key in `cnf.jwk`)."
            }
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                description="Seconds to wait before trying again.",
            )
        ],
        responses={
            200: OpenApiResponse(
                VerifyOut, description="The verdict and each check (also when the credential is not valid)."
            ),
            400: documented_error(
                "`invalid_json`: the body is empty, not JSON (UTF-8), nested deeper than 64 levels, or holds a "
                "lone UTF-16 surrogate. `invalid_request`: an `sd_jwt` body with members other than `audience` and "
                "`nonce`, a member that is not a string, or an empty `sd_jwt`."
            ),
            413: documented_error(f"`too_large`: the body is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB."),
            415: documented_error("`unsupported_media_type`: the body is not sent as `application/json`."),
            429: documented_error("`rate_limited`: too many verifications from this address; wait a minute."),
        },
        examples=[
            OpenApiExample("A credential", value={"@context": ["…"], "type": ["…"]}, request_only=True),
            OpenApiExample(
                "An SD-JWT VC with a key-binding JWT",
                value={"sd_jwt": "eyJ…~WyJ…~eyJ…", "audience": "https://verifier.example", "nonce": "n-0S6_WzA2Mj"},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        raw = request.data
        if not isinstance(raw, bytes):
            # No body (or no Content-Type): DRF gives its empty data without calling the parser.
            return JsonResponse(
                error_body("invalid_json", "The body is empty: send the credential as JSON (application/json)."),
                status=400,
            )
        if len(raw) > MAX_DOCUMENT_BYTES:
            return JsonResponse(error_body("too_large", "The credential is larger than 1 MB."), status=413)
        try:
            document = parse_json_document(raw)
        except UnreadableCredential as exc:
            return JsonResponse(error_body("invalid_json", str(exc)), status=400)
        if _is_sd_jwt_request(document):
            problem = _sd_jwt_request_problem(document)
            if problem:
                return JsonResponse(error_body("invalid_request", problem), status=400)
            report = verify_sd_jwt_vc(
                document["sd_jwt"], audience=document.get("audience"), nonce=document.get("nonce")
            )
        else:
            report = verify_credential_document(document)
        return JsonResponse(
            {
                "verified": report.is_valid,
                "result": report.result,
                "reason": report.reason,
                "checks": [
                    {"check": c.check, "passed": c.passed, "message": c.message, "advisory": c.advisory}
                    for c in report.checks
                ],
                "registry": report.registry.as_dict() if getattr(report, "registry", None) is not None else None,
            }
        )
