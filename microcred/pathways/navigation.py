"""The pathways app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.pathways import permissions

ENTRIES = [
    Entry(
        22,
        _("Pathways"),
        "pathways:index",
        _("Stackable pathways: propose one, follow the alliance's pathways and their components."),
        shows=permissions.sees_pathway_menu,
    ),
]
