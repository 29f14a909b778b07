"""JSON-LD document → RDF dataset → RDFC-1.0 canonical N-Quads.

* :func:`canonicalize_document` — what Data Integrity (``eddsa-rdfc-2022``) hashes: strict JSON-LD to RDF
  (:mod:`microcred.vc.jsonld`) followed by RDFC-1.0 (:mod:`microcred.vc.rdfc10`).
* :func:`canonicalize_nquads` — RDFC-1.0 of an N-Quads document (used by the W3C test suite).

Before output, the canonical order is checked to be the same in Unicode code points (RDFC-1.0, Python,
PyLD, Oxigraph) and in UTF-16 code units (Digital Bazaar's rdf-canonize, pitfall #3); if the two orders
differ the document is refused, because a Node verifier would compute a different hash.
"""

from __future__ import annotations

import re

from .contexts import DEFAULT_REGISTRY, ContextRegistry
from .exceptions import UnsafeInput
from .jsonld import to_quads
from .rdf import Quad, parse_nquads
from .rdfc10 import DEFAULT_MAX_WORK_FACTOR, canonical_labels, canonicalize_quads

__all__ = [
    "canonical_labels",
    "canonicalize_dataset",
    "canonicalize_document",
    "canonicalize_nquads",
    "canonicalize_quads",
    "document_to_quads",
]


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _has_astral(text: str) -> bool:
    return not text.isascii() and _ASTRAL.search(text) is not None


def _check_utf16_order(canonical: str) -> None:
    lines = canonical.splitlines(keepends=True)
    if sorted(lines, key=lambda s: s.encode("utf-16-be")) != lines:
        raise UnsafeInput(
            "The document has several text values that sort differently in UTF-16 and in Unicode code "
            "points (characters outside the Basic Multilingual Plane, such as emoji, in multi-valued "
            "text); JavaScript verifiers would compute a different signature. Keep such text single-valued."
        )


def document_to_quads(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list[Quad]:
    """The RDF dataset of a JSON-LD document (strict; see :mod:`microcred.vc.jsonld`)."""
    return to_quads(document, registry)


def canonicalize_dataset(quads: list[Quad], max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of an RDF dataset made by :func:`document_to_quads`."""
    canonical = canonicalize_quads(quads, "SHA256", max_work_factor)
    if _has_astral(canonical):
        _check_utf16_order(canonical)
    return canonical


def canonicalize_document(
    document: dict,
    registry: ContextRegistry = DEFAULT_REGISTRY,
    max_work_factor: int = DEFAULT_MAX_WORK_FACTOR,
) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of a JSON-LD document."""
    return canonicalize_dataset(to_quads(document, registry), max_work_factor)


def canonicalize_nquads(
    text: str, hash_algorithm: str = "SHA256", max_work_factor: int = DEFAULT_MAX_WORK_FACTOR
) -> str:
    """Canonical N-Quads of an N-Quads document."""
    return canonicalize_quads(parse_nquads(text), hash_algorithm, max_work_factor)
