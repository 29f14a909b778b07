"""The reference data's entry in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry

ENTRIES = [
    Entry(120, _("Skills look-up"), "reference:skills", _("Search ESCO skills and occupations.")),
]
