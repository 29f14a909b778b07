"""The demo's colours: distinct, readable, and never over colours the alliance admin chose."""

import pytest

from microcred.reference import branding
from microcred.reference.demo import DEMO_COLOURS, load_demo_colours
from microcred.reference.models import Institution


def test_every_demo_colour_is_distinct_and_readable():
    primaries = [primary for primary, _ in DEMO_COLOURS.values()]
    assert len(set(primaries)) == len(primaries)
    for primary, accent in DEMO_COLOURS.values():
        assert branding.contrast_ratio(branding.WHITE, primary) >= 7
        assert branding.contrast_ratio(accent, primary) >= 4.5


@pytest.mark.django_db
def test_the_demo_step_colours_institutions_once_and_keeps_chosen_colours():
    ub = Institution.objects.create(slug="ub", short_name="UB", name="University of Barcelona", country="Spain")
    uu = Institution.objects.create(
        slug="uu", short_name="UU", name="Utrecht University", country="Netherlands", colour="#123456"
    )
    assert load_demo_colours() == 1
    ub.refresh_from_db()
    uu.refresh_from_db()
    assert (ub.colour, ub.accent_colour) == DEMO_COLOURS["UB"] and uu.colour == "#123456"
    assert load_demo_colours() == 0  # idempotent
    assert branding.palette_for(ub).primary == "#7a1f3d"
