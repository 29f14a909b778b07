"""The surveys app's receivers of other apps' signals."""

from __future__ import annotations


def send_surveys_when_offering_ends(sender, offering, **kwargs) -> None:
    """``learning.signals.offering_ended``: sent once per offering, inside the transaction that marks it announced,
    so the surveys commit with the marker or not at all (and a failure here makes the next run send it again)."""
    from microcred.surveys.services import send_surveys_for_offering

    send_surveys_for_offering(offering)
