"""The accounts app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.accounts import permissions
from microcred.core.navigation import Entry

ENTRIES = [
    Entry(10, _("My account"), "accounts:profile", _("Your details, language and roles.")),
    Entry(
        100,
        _("Administration"),
        "admin:index",
        _("Reference data, users and roles."),
        shows=permissions.can_use_admin_site,
    ),
]
