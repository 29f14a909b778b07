"""The recognition app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.recognition import permissions

ENTRIES = [
    Entry(
        84,
        _("Recognition of my credentials"),
        "recognition:mine",
        _("Ask a member university to recognise a credential for credit in one of its programmes."),
    ),
    Entry(
        86,
        _("Recognition requests"),
        "recognition:queue",
        _("Decide on learners' requests for recognition, and keep the agreements register."),
        shows=permissions.may_view_queue,
    ),
]
