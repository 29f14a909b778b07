"""The demo's colours: each institution of the demo gets a colour of its own, so that the badges, cards and pages of
two universities never look alike (the colours derived from a slug may coincide: reference.branding). Demo data
only: an institution whose colours the alliance admin has set keeps them."""

from __future__ import annotations

from microcred.core.demo import DemoDataMissing, DemoStep
from microcred.reference.models import Institution

#: Short name → (main colour, accent). Each main colour takes white text at 7:1 or more and its accent at 4.5:1 or
#: more (checked by reference/tests/test_demo_colours.py).
DEMO_COLOURS = {
    "CHARM-EU": ("#14345c", "#f7c948"),
    "UB": ("#7a1f3d", "#f6c7a1"),
    "TCD": ("#0b4f5c", "#f6bd60"),
    "UU": ("#8b1d1d", "#ffd166"),
    "ELTE": ("#3c2a73", "#f4b183"),
    "UM": ("#1d5c4a", "#e9d28a"),
    "ÅAU": ("#274060", "#a8dadc"),
    "JMU": ("#4a235a", "#f7b7a3"),
    "HRW": ("#2f4f2f", "#d4e09b"),
    "UiB": ("#6b2a0b", "#fde2b3"),
}


def load_demo_colours() -> int:
    """Give each demo institution without colours its demo colours; returns how many were given them."""
    institutions = list(Institution.objects.filter(short_name__in=DEMO_COLOURS))
    if not Institution.objects.exists():
        raise DemoDataMissing("No member institutions yet: run `manage.py load_reference_data` first.")
    given = 0
    for institution in institutions:
        if institution.colour or institution.accent_colour:
            continue
        institution.colour, institution.accent_colour = DEMO_COLOURS[institution.short_name]
        institution.save(update_fields=["colour", "accent_colour"])
        given += 1
    return given


# The step of `manage.py load_demo_data` (microcred.core.demo): before everything else, nothing depends on it.
DEMO_STEPS = [
    DemoStep(5, "Demo colours: {} institutions given colours of their own.", load_demo_colours),
]
