"""E-mails to learners about their enrolment, sent through the outbox (microcred.outbox).

The services call ``announce_*`` in the transaction that makes the change: it writes the e-mail's outbox
row, keyed by what it announces (``enrolment-enrolled:<id>``, ``offering-changed:<change>:<enrolment>``…),
so each is sent once, after the commit, and a broker or mail server that is down delays it but loses
nothing. The message is built when it is sent, in the learner's language. The functions without
``announce_`` build and send at once (for callers outside a transaction).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler


def _message(enrolment, template: str, **extra) -> EmailMessage | None:
    learner = enrolment.learner
    if not learner.may_be_emailed:
        return None
    context = {
        **extra,
        "enrolment": enrolment,
        "offering": enrolment.offering,
        "learner": learner,
        "site": settings.SITE_NAME,
        "url": settings.PUBLIC_BASE_URL + reverse("learning:offering", args=[enrolment.offering_id]),
        "my_learning": settings.PUBLIC_BASE_URL + reverse("learning:my-learning"),
    }
    with translation.override(learner.preferred_language or "en"):
        subject = one_line(render_to_string(f"learning/email/{template}_subject.txt", context))
        body = render_to_string(f"learning/email/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [learner.email])


def _send(enrolment, template: str, **extra) -> None:
    message = _message(enrolment, template, **extra)
    if message is not None:
        message.send()


def _enrolment(pk):
    from microcred.learning.models import Enrolment

    return Enrolment.objects.select_related("learner", "offering__version", "offering__institution").get(pk=pk)


def _offering_changed_context(enrolment, fields) -> dict | None:
    if not enrolment.is_active:
        return None
    from microcred.proposals.choices import Language

    language = enrolment.offering.language
    return {"changed": set(fields), "language_name": dict(Language.choices).get(language, language)}


@outbox_handler
def enrolment_email(enrolment_id: int, template: str, **extra) -> EmailMessage | None:
    """The outbox's builder of every enrolment e-mail (``extra``: what the template needs besides)."""
    enrolment = _enrolment(enrolment_id)
    if template == "offering_changed":
        context = _offering_changed_context(enrolment, extra.pop("fields", []))
        if context is None:  # no longer enrolled or wait-listed: nothing to tell
            return None
        extra.update(context)
    return _message(enrolment, template, **extra)


def _announce(key: str, enrolment_id: int, template: str, **extra) -> None:
    enqueue(key=key, handler=enrolment_email, payload={"enrolment_id": enrolment_id, "template": template, **extra})


def announce_enrolment_confirmed(enrolment) -> None:
    """In the enrolling transaction: "you are enrolled" or "you are on the waiting list"."""
    template = "waitlisted" if enrolment.status == "waitlisted" else "enrolled"
    _announce(f"enrolment-{template}:{enrolment.pk}", enrolment.pk, template)


def announce_promoted(enrolment) -> None:
    _announce(f"enrolment-promoted:{enrolment.pk}", enrolment.pk, "promoted")


def announce_cancelled_by_staff(enrolment, reason: str) -> None:
    _announce(f"enrolment-cancelled:{enrolment.pk}", enrolment.pk, "cancelled_by_staff", reason=reason)


def announce_offering_changed(enrolment_id: int, fields: list[str], *, change: int) -> None:
    """``change`` names the edit (its audit event), so each edit is told once to each learner."""
    _announce(f"offering-changed:{change}:{enrolment_id}", enrolment_id, "offering_changed", fields=list(fields))


def enrolment_confirmed(enrolment_pk: int) -> None:
    enrolment = _enrolment(enrolment_pk)
    _send(enrolment, "waitlisted" if enrolment.status == "waitlisted" else "enrolled")


def promoted(enrolment_pk: int) -> None:
    _send(_enrolment(enrolment_pk), "promoted")


def cancelled_by_staff(enrolment_pk: int, reason: str) -> None:
    """The learner's enrolment was cancelled by the offering's staff: say so, with the reason they gave."""
    _send(_enrolment(enrolment_pk), "cancelled_by_staff", reason=reason)


def offering_changed(enrolment_pk: int, fields: list[str]) -> None:
    """The offering's dates, place, language or fee changed: tell an enrolled or wait-listed learner the new ones."""
    enrolment = _enrolment(enrolment_pk)
    context = _offering_changed_context(enrolment, fields)
    if context is not None:
        _send(enrolment, "offering_changed", **context)
