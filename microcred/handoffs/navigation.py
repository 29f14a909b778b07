"""The hand-offs app's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.handoffs import permissions

ENTRIES = [
    Entry(
        25,
        _("My tasks"),
        "handoffs:list",
        _("Hand-off tasks after an approval: catalogue text, delivery set-up, evaluation plan."),
        shows=permissions.sees_task_list,
    ),
]
