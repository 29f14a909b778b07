"""The credentials app's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.credentials import permissions

ENTRIES = [
    Entry(
        90,
        _("Issue credentials"),
        "credentials:issue-queue",
        _("Learners ready for a credential; issued credentials and revocation."),
        shows=permissions.is_any_credential_officer,
    ),
]
