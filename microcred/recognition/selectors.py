"""Read-only queries of recognition: the learner's requests, an officer's queue, the agreements register."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from microcred.recognition import permissions
from microcred.recognition.exceptions import RequestNotFound
from microcred.recognition.models import RecognitionAgreement, RecognitionRequest
from microcred.roles import Role, institutions_where, is_alliance_admin

R = RecognitionRequest
# The queue's filters: what waits for a decision (new requests and appeals), what is decided, or everything.
QUEUE_STATES = ("waiting", "decided", "all")


def _requests() -> QuerySet[RecognitionRequest]:
    return R.objects.select_related(
        "learner", "institution", "credential", "verification", "proposed_agreement"
    ).prefetch_related("decisions__decided_by")


def requests_of(user) -> QuerySet[RecognitionRequest]:
    """The learner's own requests, newest first."""
    if not getattr(user, "is_authenticated", False):
        return R.objects.none()
    return _requests().filter(learner=user)


def requests_about(user, credential) -> list[RecognitionRequest]:
    """The learner's requests about one of her credentials."""
    return list(requests_of(user).filter(credential=credential))


def queue_for(user, state: str = "waiting") -> QuerySet[RecognitionRequest]:
    """The requests the user may see as staff: her universities' as a recognition officer; appeals that came to
    an institutional manager for want of a second officer; everything for the alliance admin. Oldest first."""
    if not getattr(user, "is_authenticated", False):
        return R.objects.none()
    if is_alliance_admin(user):
        seen = Q()
    else:
        seen = Q(institution_id__in=permissions.officer_institution_ids(user)) | Q(
            appeal_flagged=True, institution_id__in=institutions_where(user, Role.INSTITUTIONAL_MANAGER)
        )
    qs = _requests().filter(seen)
    if state == "waiting":
        qs = qs.filter(status__in=[R.Status.SUBMITTED, R.Status.UNDER_APPEAL])
    elif state == "decided":
        qs = qs.filter(status__in=[R.Status.DECIDED, R.Status.APPEAL_DECIDED])
    return qs.order_by("created_at", "pk")


def request_for(user, request_id) -> RecognitionRequest:
    """One request, for whoever may see it (RequestNotFound otherwise: the two look the same)."""
    text = str(request_id or "")
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**63):
        raise RequestNotFound()
    request = _requests().filter(pk=int(text)).first()
    if request is None or not permissions.may_see_request(user, request):
        raise RequestNotFound()
    return request


def agreements(*, institution_id=None, micro_credential_id=None, current_only=False) -> QuerySet:
    """The register (public), optionally for one university or micro-credential, or only those valid today."""
    qs = RecognitionAgreement.objects.select_related("micro_credential", "institution")
    if institution_id:
        qs = qs.filter(institution_id=institution_id)
    if micro_credential_id:
        qs = qs.filter(micro_credential_id=micro_credential_id)
    if current_only:
        today = timezone.localdate()
        qs = qs.filter(valid_from__lte=today).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return qs


def recognised_at(micro_credential) -> list[RecognitionAgreement]:
    """Where a micro-credential is recognised today (the catalogue shows learners)."""
    return list(agreements(micro_credential_id=micro_credential.pk, current_only=True))


def decisions_to_show(request) -> list:
    return list(request.decisions.all())
