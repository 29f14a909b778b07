"""Hook for a fast, cached JSON-LD expander (not implemented yet).

:func:`microcred.vc.jsonld.expand` calls :func:`expand` first and falls back to the PyLD reference
processor when it raises :class:`NeedsReferenceProcessor`. Today it always defers. The planned fast path
(pre-processed term definitions per pinned context set, strict by construction) must produce the same
expanded form as PyLD on every test document before it is allowed to return anything.
"""

from __future__ import annotations


class NeedsReferenceProcessor(Exception):
    """Raised when the fast expander does not handle a document; PyLD is used instead."""


def expand(document, registry):
    raise NeedsReferenceProcessor()
