"""The learning app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.learning import permissions

ENTRIES = [
    Entry(
        50,
        _("My learning"),
        "learning:my-learning",
        _("Your enrolments, waiting lists and results."),
        shows=permissions.shows_my_learning,
    ),
    Entry(
        60,
        _("Offerings"),
        "learning:offerings",
        _("Offer micro-credentials, enrolments, results."),
        shows=permissions.delivers_offerings,
    ),
]
