"""The wallet's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry

ENTRIES = [
    Entry(80, _("My wallet"), "wallet:home", _("Your credentials: download, share, send to a wallet.")),
]
