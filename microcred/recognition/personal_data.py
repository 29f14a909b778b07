"""Recognition's part in the platform's record of personal data and in the learner's rights (GDPR Art. 15, 17, 20),
run by `microcred.privacy.registry`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from microcred.privacy.declarations import EDUCATION_RECORD, EMAIL, HOSTING, KEPT_AS_RECORD
from microcred.privacy.registry import Category as C
from microcred.privacy.registry import Subject as S
from microcred.privacy.registry import activity, declare

activity(
    "recognition",
    _("Recognition of credentials by the member universities"),
    _(
        "At the learner's request, a member university's recognition officers read a credential (with what our "
        "verifier found) and decide whether it counts for credit in one of its programmes; the learner may appeal "
        "once, and may share the decision by a link."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[
        _("the recognition officers (and, for an appeal, the institutional managers) of the university asked"),
        _("the people the learner sends the link of a decision to"),
        HOSTING,
        EMAIL,
    ],
    security=["access_control", "hashed_tokens", "audit_log", "transport", "erasure"],
)
declare(
    "recognition.RecognitionRequest",
    activity="recognition",
    subjects=[S.LEARNERS],
    fields={
        "learner": C.EDUCATION,
        "programme": C.EDUCATION,
        "course_hoped": C.EDUCATION,
        "message": C.EDUCATION,
        "credential": C.EDUCATION,
        "verification": C.EDUCATION,
        "document": C.EDUCATION,
        "annex": C.EDUCATION,
        "outcome": C.EDUCATION,
        "ects": C.EDUCATION,
        "recognised_as": C.EDUCATION,
        "not_recognised": C.EDUCATION,
        "reason": C.EDUCATION,
        "appeal_reason": C.EDUCATION,
        "share_token_hash": C.AUTHENTICATION,
    },
    retention=EDUCATION_RECORD,
)
declare(
    "recognition.RecognitionDecision",
    activity="recognition",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"decided_by": C.ACTIVITY, "reason": C.EDUCATION, "not_recognised": C.EDUCATION},
    retention=EDUCATION_RECORD,
)
declare(
    "recognition.RecognitionAgreement",
    activity="recognition",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "updated_by": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)

EXPORT_ORDER = 35


def export_personal_data(user) -> dict[str, object]:
    from microcred.recognition.models import RecognitionRequest

    requests = RecognitionRequest.objects.filter(learner=user).select_related("institution").order_by("pk")
    return {
        "recognition-requests.json": [
            {
                "university": r.institution.name,
                "programme": r.programme,
                "course_hoped": r.course_hoped,
                "message": r.message,
                "credential": r.annex,
                "document": r.document,
                "status": r.status,
                "outcome": r.outcome,
                "ects": str(r.ects) if r.ects is not None else None,
                "recognised_as": r.recognised_as,
                "not_recognised": r.not_recognised,
                "reason": r.reason,
                "appeal_reason": r.appeal_reason,
                "created_at": r.created_at.isoformat(),
                "decisions": [
                    {
                        "stage": d.stage,
                        "outcome": d.outcome,
                        "ects": str(d.ects) if d.ects is not None else None,
                        "recognised_as": d.recognised_as,
                        "not_recognised": d.not_recognised,
                        "reason": d.reason,
                        "decided_at": d.decided_at.isoformat(),
                    }
                    for d in r.decisions.all()
                ],
            }
            for r in requests
        ]
    }


def erase_personal_data(user) -> None:
    """The requests stay as the universities' record of their decisions, without what the learner wrote or
    uploaded; their share links stop working."""
    from microcred.recognition.models import RecognitionRequest

    RecognitionRequest.objects.filter(learner=user).update(
        message="", appeal_reason="", document=None, share_token_hash=None, shared_at=None
    )
