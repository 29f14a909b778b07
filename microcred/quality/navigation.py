"""The quality app's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.quality import permissions

ENTRIES = [
    Entry(
        98,
        _("Council reports and recommendations"),
        "quality:home",
        _("Survey results reported to the Academic Council, and its recommendations followed until closed."),
        shows=permissions.can_view_quality_pages,
    ),
]
