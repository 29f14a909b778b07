"""The catalogue's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.catalogue import permissions
from microcred.core.navigation import Entry

ENTRIES = [
    Entry(
        70,
        _("Category overviews"),
        "catalogue:manage-overviews",
        _("Write and publish the catalogue's category overviews."),
        shows=permissions.can_manage_category_overviews,
    ),
]
