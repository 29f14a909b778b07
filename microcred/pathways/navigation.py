"""The pathways app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.credentials import permissions as credential_permissions
from microcred.pathways import permissions

ENTRIES = [
    Entry(
        22,
        _("Pathways"),
        "pathways:index",
        _("Stackable pathways: propose one, follow the alliance's pathways and their components."),
        shows=permissions.sees_pathway_menu,
    ),
    Entry(
        91,
        _("Pathway credentials"),
        "pathways:awards-to-review",
        _("Pathway credentials whose component was revoked, and awarding a pathway to those who completed it."),
        shows=credential_permissions.is_any_credential_officer,
    ),
]
