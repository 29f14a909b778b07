"""Demo hand-off tasks (policy 7.8) in every state, on the demo approvals the proposals demo made (journey 1, the
life-cycle thinking micro-credential, and journey 2, the Green Campus Hackathon), through the real services.

Idempotent: runs only while every demo task is still as the approval created it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.core.demo import DemoStep
from microcred.handoffs import services
from microcred.handoffs.models import HandoffTask

LCA = "Life-cycle thinking for circular products"
HACKATHON = "Green Campus Hackathon"


def _user(email):
    return get_user_model().objects.get(email=email)


def _task(title: str, kind: str) -> HandoffTask | None:
    return (
        HandoffTask.objects.filter(proposal__versions__title=title, kind__code=kind)
        .select_related("proposal")
        .order_by("pk")
        .first()
    )


def _tick(task: HandoffTask, user, count: int | None = None) -> None:
    ids = list(task.items.order_by("order").values_list("pk", flat=True))
    services.update_checklist(user=user, task_id=task.pk, items=dict.fromkeys(ids[:count], True))


@transaction.atomic
def load_demo_handoffs() -> int:
    """Six tasks: done, in progress, overdue, open, cancelled, and in progress and overdue. Returns how many changed."""
    tasks = {
        (title, kind): _task(title, kind)
        for title in (LCA, HACKATHON)
        for kind in ("communication", "delivery", "evaluation")
    }
    if any(task is None for task in tasks.values()):
        return 0  # the demo approvals are not there (or the plan was changed): nothing to show
    if HandoffTask.objects.filter(pk__in=[t.pk for t in tasks.values()]).exclude(status="open").exists():
        return 0
    communication = _user("communication@demo.microcred.eu")
    quality = _user("quality@demo.microcred.eu")
    # Journey 1: the catalogue text is done; delivery is under way; the evaluation plan is overdue.
    _tick(tasks[(LCA, "communication")], communication)
    _tick(tasks[(LCA, "delivery")], _user("manager.ub@demo.microcred.eu"), 2)
    HandoffTask.objects.filter(pk=tasks[(LCA, "evaluation")].pk).update(
        due_on=timezone.localdate() - timezone.timedelta(days=3)
    )
    # Journey 2: marketing not started; no platform to set up for a one-off event; evaluation under way, late.
    services.change_status(
        user=_user("manager.um@demo.microcred.eu"),
        task_id=tasks[(HACKATHON, "delivery")].pk,
        status="cancelled",
        reason="A one-off event run by the student union: no offering or learning platform to set up.",
    )
    _tick(tasks[(HACKATHON, "evaluation")], quality, 1)
    HandoffTask.objects.filter(pk=tasks[(HACKATHON, "evaluation")].pk).update(
        due_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    return 5


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(40, "Demo hand-off tasks: {} moved on from open.", load_demo_handoffs),
]
