"""The survey e-mails (invitation and reminder), sent through the outbox (microcred.outbox).

The services call ``announce_*`` in the transaction that sends the survey or the reminder; the outbox row is
keyed by the invitation (``survey-invitation:<id>``, ``survey-reminder:<id>``), so each is sent once. The
payload holds only the invitation's number: the message, with its one-time link, is built when it is sent (the
token is recomputed from the invitation, never stored), in the person's language. Nothing is sent to someone
who has answered meanwhile, whose account was erased, or for a survey that has closed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler


@outbox_handler
def survey_email(invitation_id: int, template: str) -> EmailMessage | None:
    from microcred.surveys.models import Invitation, Survey
    from microcred.surveys.services import token_for

    invitation = (
        Invitation.objects.select_related("survey__offering__version", "person").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.answered or invitation.token_hash is None:
        return None
    survey, person = invitation.survey, invitation.person
    if survey.status != Survey.Status.OPEN or not person.may_be_emailed:
        return None
    context = {
        "person": person,
        "survey": survey,
        "offering": survey.offering,
        "site": settings.SITE_NAME,
        "url": settings.PUBLIC_BASE_URL + reverse("surveys:answer-token", args=[survey.pk, token_for(invitation)]),
    }
    with translation.override(person.preferred_language or "en"):
        subject = one_line(render_to_string(f"surveys/email/{template}_subject.txt", context))
        body = render_to_string(f"surveys/email/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def announce_invitation(invitation) -> None:
    enqueue(
        key=f"survey-invitation:{invitation.pk}",
        handler=survey_email,
        payload={"invitation_id": invitation.pk, "template": "invitation"},
    )


def announce_reminder(invitation_id: int) -> None:
    enqueue(
        key=f"survey-reminder:{invitation_id}",
        handler=survey_email,
        payload={"invitation_id": invitation_id, "template": "reminder"},
    )
