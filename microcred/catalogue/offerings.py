"""The offerings the catalogue shows (the next start date, the date and fee filters, a micro-credential's upcoming
offerings, each card's next step) are the learning app's, an app above the catalogue: it registers a reader here
in its AppConfig.ready(), so the catalogue imports no app above it. Without one (the learning app not installed)
the catalogue lists no offerings, sorts every micro-credential as starting at no known date, and an offering filter
matches nothing.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import BooleanField, DateField, Expression, Value
from django.db.models.functions import Cast


class OfferingReader(Protocol):
    def next_start(self, micro_credential) -> Expression:
        """An expression for the date of the micro-credential's first upcoming offering (or None); the argument
        names it in the outer query (`OuterRef("micro_credential")`)."""

    def any_matching(self, micro_credential, query) -> Expression:
        """A boolean expression: has the micro-credential an upcoming offering that passes the catalogue query's
        start-date and fee filters?"""

    def upcoming(self, micro_credential) -> list:
        """Its upcoming offerings, with places left and whether enrolment is open."""

    def next_for(self, micro_credential_ids) -> dict[int, object]:
        """{micro-credential id: its next offering}: what a catalogue card offers as the next step."""

    def enrolments_of(self, user, offerings) -> dict[int, str]:
        """{offering id: status} of the user's active enrolments in `offerings`."""


class NoOfferings:
    def next_start(self, micro_credential) -> Expression:
        # A cast, not a bare NULL: PostgreSQL refuses a constant in ORDER BY ("sort by start" orders by it).
        return Cast(Value(None), output_field=DateField())

    def any_matching(self, micro_credential, query) -> Expression:
        return Value(False, output_field=BooleanField())

    def upcoming(self, micro_credential) -> list:
        return []

    def next_for(self, micro_credential_ids) -> dict[int, object]:
        return {}

    def enrolments_of(self, user, offerings) -> dict[int, str]:
        return {}


_reader: OfferingReader = NoOfferings()


def register_offering_reader(reader: OfferingReader) -> None:
    global _reader
    _reader = reader


def offering_reader() -> OfferingReader:
    return _reader
