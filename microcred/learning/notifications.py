"""E-mails to learners about their enrolment, sent after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from microcred.core.text import one_line


def _send(enrolment, template: str, **extra) -> None:
    learner = enrolment.learner
    if not learner.email or learner.erased_at is not None:
        return
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
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [learner.email])


def _enrolment(pk):
    from microcred.learning.models import Enrolment

    return Enrolment.objects.select_related("learner", "offering__version", "offering__institution").get(pk=pk)


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
    if not enrolment.is_active:
        return
    from microcred.proposals.choices import Language

    language = enrolment.offering.language
    _send(
        enrolment, "offering_changed", changed=set(fields), language_name=dict(Language.choices).get(language, language)
    )
