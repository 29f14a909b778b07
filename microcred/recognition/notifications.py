"""E-mails about recognition requests, through the outbox (microcred.outbox): written in the transaction of the step
they announce, keyed by it (so each goes once), built when sent, in the reader's language.

The learner is told of every step (received, decided, appeal received, appeal decided); the university's recognition
officers when a request arrives, and the people an appeal goes to when it arrives.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler

LEARNER_EVENTS = ("received", "decided", "appealed", "appeal_decided")
STAFF_EVENTS = ("new_request", "new_appeal")


def _request(pk):
    from microcred.recognition.models import RecognitionRequest

    return (
        RecognitionRequest.objects.select_related("learner", "institution")
        .prefetch_related("decisions")
        .filter(pk=pk)
        .first()
    )


@outbox_handler
def recognition_email(request_id: int, event: str, user_id: int | None = None) -> EmailMessage | None:
    """The outbox's builder of every recognition e-mail: to the learner (``user_id`` None) or to one member of
    staff."""
    request = _request(request_id)
    if request is None or event not in LEARNER_EVENTS + STAFF_EVENTS:
        return None
    if user_id is None:
        reader = request.learner
        url = reverse("recognition:request", args=[request.pk])
    else:
        reader = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        url = reverse("recognition:review", args=[request.pk])
    if reader is None or not reader.email or getattr(reader, "erased_at", None) is not None:
        return None
    context = {
        "request": request,
        "reader": reader,
        "event": event,
        "site": settings.SITE_NAME,
        "url": settings.PUBLIC_BASE_URL + url,
    }
    with translation.override(getattr(reader, "preferred_language", "") or "en"):
        subject = one_line(render_to_string("recognition/email/subject.txt", context))
        body = render_to_string("recognition/email/body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [reader.email])


def announce_to_learner(request, event: str) -> None:
    enqueue(
        key=f"recognition-{event}:{request.pk}",
        handler=recognition_email,
        payload={"request_id": request.pk, "event": event},
    )


def announce_to_staff(request, event: str, users) -> None:
    for user in users:
        enqueue(
            key=f"recognition-{event}:{request.pk}:{user.pk}",
            handler=recognition_email,
            payload={"request_id": request.pk, "event": event, "user_id": user.pk},
        )
