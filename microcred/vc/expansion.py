"""Fast JSON-LD expansion (placeholder: always defers to the reference processor)."""

from __future__ import annotations


class NeedsReferenceProcessor(Exception):
    """Raised when the fast expander does not handle a document; PyLD is used instead."""


def expand(document, registry):
    raise NeedsReferenceProcessor()
