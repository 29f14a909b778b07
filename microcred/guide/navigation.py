"""The guide's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry

ENTRIES = [
    Entry(
        81,
        _("Guide: what to learn next"),
        "guide:index",
        _("Micro-credentials and pathways ranked by how much of an occupation or of chosen skills they cover."),
    ),
]
