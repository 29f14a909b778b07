"""The staff dashboard's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.reporting import permissions

ENTRIES = [
    Entry(
        95,
        _("Figures and targets"),
        "reporting:dashboard",
        _("The indicators against the alliance's targets: charts, tables, downloads and the board report."),
        shows=permissions.can_view_dashboard,
    ),
]
