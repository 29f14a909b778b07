"""The audit log's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.audit import permissions
from microcred.core.navigation import Entry

ENTRIES = [
    Entry(
        110,
        _("Audit log"),
        "audit:list",
        _("Every decision, issuance and revocation."),
        shows=permissions.can_view_audit_log,
    ),
]
