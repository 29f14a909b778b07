"""Demo recognition (issue #12, item 5): a few agreements, and learner@demo.microcred.eu's requests to Utrecht and
Barcelona in every state (submitted, recognised, recognised in part, refused, under appeal, appeal decided), each
step taken by the demo recognition officers through the services. Idempotent: a request already there is left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from microcred.core.demo import DemoStep
from microcred.credentials.selectors import credentials_of
from microcred.recognition import services
from microcred.recognition.models import RecognitionAgreement, RecognitionRequest, programme_key
from microcred.reference.models import Institution

LEARNER = "learner@demo.microcred.eu"
OFFICERS = {
    "UU": "recognition.uu@demo.microcred.eu",
    "UU2": "recognition2.uu@demo.microcred.eu",
    "UB": "recognition.ub@demo.microcred.eu",
}
# (which of her credentials, university, programme, what happens)
REQUESTS = [
    (0, "UU", "MSc Sustainable Development", "submitted"),  # matches the agreement below: a proposal to confirm
    (0, "UB", "Master in Data Science", "recognised"),
    (1, "UU", "BSc Liberal Arts and Sciences", "recognised_in_part"),
    (1, "UB", "Grau en Ciències Ambientals", "refused"),
    (0, "UU", "MSc Global Health", "under_appeal"),
    (1, "UU", "MSc Innovation Sciences", "appeal_decided"),
]


def _ects(credential, share=Decimal("1")) -> Decimal:
    version = credential.micro_credential_version
    ects = version.annex.workload.ects if version else None
    return max(Decimal("1"), (Decimal(str(ects)) * share).quantize(Decimal("0.1"))) if ects else Decimal("2")


def _agreements(credentials, people, universities) -> None:
    uu, ub = universities["UU"], universities["UB"]
    wanted = [(credentials[0], uu, "MSc Sustainable Development", "Data Science for Sustainability", people["UU"])]
    if len(credentials) > 1:
        wanted.append(
            (credentials[1], ub, "Master in Global Challenges", "Elective: Challenge-based Project", people["UB"])
        )
    for credential, institution, programme, course, officer in wanted:
        version = credential.micro_credential_version
        if (
            version is None
            or RecognitionAgreement.objects.filter(
                micro_credential_id=version.micro_credential_id,
                institution=institution,
                programme_key=programme_key(programme),
            ).exists()
        ):
            continue
        services.create_agreement(
            user=officer,
            micro_credential=version.micro_credential_id,
            institution=institution.pk,
            programme=programme,
            course=course,
            ects=_ects(credential),
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2030, 8, 31),
            note="Agreed by the board of examiners.",
        )


def load_demo_recognition() -> int:
    """The demo agreements and requests; returns how many requests were made."""
    User = get_user_model()
    learner = User.objects.filter(email__iexact=LEARNER).first()
    people = {key: User.objects.filter(email__iexact=email).first() for key, email in OFFICERS.items()}
    universities = {i.short_name: i for i in Institution.objects.filter(short_name__in=["UU", "UB"])}
    if learner is None or None in people.values() or len(universities) < 2:
        return 0
    credentials = [c for c in credentials_of(learner).order_by("issued_at", "pk") if not c.revoked_at][:2]
    if not credentials:
        return 0
    _agreements(credentials, people, universities)
    made = 0
    for index, university, programme, state in REQUESTS:
        credential = credentials[index % len(credentials)]
        institution = universities[university]
        if RecognitionRequest.objects.filter(
            learner=learner,
            institution=institution,
            programme_key=programme_key(programme),
            credential_key=credential.credential_id,
        ).exists():
            continue
        request = services.submit_request(
            learner=learner,
            institution_id=institution.pk,
            programme=programme,
            course_hoped="An elective of the second year" if state != "submitted" else "",
            message="I completed this micro-credential at a member university of the alliance.",
            credential_uuid=credential.uuid,
        )
        made += 1
        _play(request, state, credential, people, learner, university)
    return made


def _play(request, state, credential, people, learner, university) -> None:
    officer = people[university]
    if state == "submitted":
        return
    if state == "recognised":
        services.decide_request(
            user=officer,
            request_id=request.pk,
            outcome="recognised",
            ects=_ects(credential),
            recognised_as="Elective: Data Literacy",
            reason="The learning outcomes match the elective's.",
        )
    elif state == "recognised_in_part":
        services.decide_request(
            user=officer,
            request_id=request.pk,
            outcome="recognised_in_part",
            ects=_ects(credential, Decimal("0.6")),
            recognised_as="Academic Skills (part)",
            not_recognised="The course's oral presentation, which the micro-credential does not assess.",
        )
    else:
        services.decide_request(
            user=officer,
            request_id=request.pk,
            outcome="refused",
            reason="The programme has no course with these learning outcomes at this level.",
        )
    if state in ("under_appeal", "appeal_decided"):
        services.appeal(
            user=learner,
            request_id=request.pk,
            reason="The course Research Methods covers the same learning outcomes; its syllabus is attached to my file.",
        )
    if state == "appeal_decided":
        services.decide_appeal(
            user=people["UU2"],
            request_id=request.pk,
            outcome="recognised",
            ects=_ects(credential),
            recognised_as="Research Methods",
            reason="On appeal: the learning outcomes match those of Research Methods.",
        )


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(90, "Demo recognition requests: {} made.", load_demo_recognition),
]
