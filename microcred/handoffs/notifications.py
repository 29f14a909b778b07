"""E-mails about hand-off tasks, through the outbox (written in the transaction, sent after the commit, once)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler


def announce_task(task, person, event: str) -> None:
    """`event` is "created" or "overdue": once per task, person and event."""
    enqueue(
        key=f"handoff-{event}:{task.pk}:{person.pk}",
        handler=task_email,
        payload={"task_id": task.pk, "user_id": person.pk, "event": event},
    )


@outbox_handler
def task_email(task_id: int, user_id: int, event: str) -> EmailMessage | None:
    from microcred.handoffs.models import HandoffTask

    task = HandoffTask.objects.select_related("proposal").get(pk=task_id)
    person = get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed or task.is_closed:
        return None
    with translation.override(person.preferred_language or "en"):
        title = task.proposal.current_version.title
        if event == "created":
            subject = _("New hand-off task: %(task)s for “%(title)s”") % {"task": task.title, "title": title}
            line = _("“%(title)s” (%(ref)s) has been approved. This task is yours to take on (policy 7.8).")
        else:
            subject = _("Overdue hand-off task: %(task)s for “%(title)s”") % {"task": task.title, "title": title}
            line = _("The task for “%(title)s” (%(ref)s) is past its due date and is not done yet.")
        body = _("Hello %(name)s,\n\n%(line)s\n\nTask: %(task)s\nDue by: %(date)s\n\nOpen it: %(url)s\n") % {
            "name": person.full_name,
            "line": line % {"title": title, "ref": task.proposal.reference},
            "task": task.title,
            "date": task.due_on.isoformat(),
            "url": settings.PUBLIC_BASE_URL + reverse("handoffs:task", args=[task.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])
