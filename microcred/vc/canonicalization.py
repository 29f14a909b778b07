"""JSON-LD document → RDF dataset → RDFC-1.0 canonical N-Quads.

* :func:`canonicalize_document` — what Data Integrity (``eddsa-rdfc-2022``) hashes: strict JSON-LD to RDF
  (:mod:`microcred.vc.jsonld`) followed by RDFC-1.0 (:mod:`microcred.vc.rdfc10`).
* :func:`canonicalize_nquads` — RDFC-1.0 of an N-Quads document (used by the W3C test suite).

Two canonical forms (docs/interoperability.md, pitfall 3). RDFC-1.0 sorts N-Quads by code point (as Python, PyLD and
Oxigraph do); Digital Bazaar's rdf-canonize, under jsonld.js and the ``@digitalbazaar`` Data Integrity
stack, sorts JavaScript strings by UTF-16 code unit, both in Hash First Degree Quads (RDFC-1.0 §4.6, so even
the blank-node labels can change) and in the output. The orders differ only when the dataset has a character
outside the Basic Multilingual Plane (emoji…) and one in U+E000..U+FFFF: only then is the second form
computed (:func:`orders_may_differ`, :func:`canonical_form` with ``utf16=True``). Both forms serialize the
same dataset.

* Signing refuses a document whose two forms differ (:func:`canonicalize_dataset`,
  :func:`canonicalize_document`), so every verifier, JavaScript or not, computes the same hash.
* Verification accepts a signature over either form (see :mod:`microcred.vc.cryptosuites.eddsa_rdfc_2022`).
"""

from __future__ import annotations

from .contexts import DEFAULT_REGISTRY, ContextRegistry
from .exceptions import UnsafeInput
from .jsonld import to_quads
from .rdf import Quad, parse_nquads
from .rdfc10 import (
    DEFAULT_MAX_WORK_FACTOR,
    canonical_labels,
    canonicalize_quads,
    canonicalize_quads_utf8,
    first_degree_orders_agree,
    utf16_sort_key,
)

__all__ = [
    "UTF16_ORDER_MESSAGE",
    "canonical_form",
    "canonical_form_utf8",
    "canonical_labels",
    "canonicalize_dataset",
    "canonicalize_document",
    "canonicalize_nquads",
    "canonicalize_quads",
    "document_to_quads",
    "orders_may_differ",
    "utf16_form",
]

UTF16_ORDER_MESSAGE = (
    "The document has several text values that sort differently in UTF-16 and in Unicode code points "
    "(characters outside the Basic Multilingual Plane, such as emoji, next to characters in U+E000–U+FFFF, "
    "such as full-width letters or ligatures); JavaScript verifiers (rdf-canonize) would canonicalize it "
    "differently from RDFC-1.0, so it is not signed. Keep such text single-valued or remove one of the "
    "characters."
)


def orders_may_differ(canonical: str | bytes) -> bool:
    """Whether code-point and UTF-16 order can disagree on N-Quads made of the characters of ``canonical``
    (text, or its UTF-8 encoding, which is faster to check).

    Two strings sort differently only if, where they first differ, one has a character above U+FFFF (a
    surrogate pair in UTF-16, D800–DBFF first) and the other one in U+E000..U+FFFF.
    """
    if isinstance(canonical, str):
        if canonical.isascii():
            return False
        canonical = canonical.encode("utf-8")
    # In UTF-8 exactly the characters above U+FFFF start with a byte F0-F4, those in U+E000..U+FFFF with EE or
    # EF (continuation bytes are 80-BF); `in` on bytes is a memchr.
    return (
        not canonical.isascii()
        and (
            b"\xf0" in canonical
            or b"\xf1" in canonical
            or b"\xf2" in canonical
            or b"\xf3" in canonical
            or b"\xf4" in canonical
        )
        and (b"\xee" in canonical or b"\xef" in canonical)
    )


def document_to_quads(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list[Quad]:
    """The RDF dataset of a JSON-LD document (strict; see :mod:`microcred.vc.jsonld`)."""
    return to_quads(document, registry)


def canonical_form(quads: list[Quad], max_work_factor: int = DEFAULT_MAX_WORK_FACTOR, *, utf16: bool = False) -> str:
    """Canonical N-Quads (SHA-256) of an RDF dataset: RDFC-1.0's form, or with ``utf16=True`` rdf-canonize's."""
    return canonicalize_quads(quads, "SHA256", max_work_factor, utf16=utf16)


def canonical_form_utf8(quads: list[Quad], max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> bytes:
    """RDFC-1.0's canonical N-Quads of an RDF dataset in UTF-8 (``canonical_form(quads).encode("utf-8")``): what
    ``eddsa-rdfc-2022`` hashes."""
    return canonicalize_quads_utf8(quads, "SHA256", max_work_factor)


def utf16_form(quads: list[Quad], canonical: str, max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> str | None:
    """rdf-canonize's canonical form of a dataset whose RDFC-1.0 form is ``canonical``, or ``None`` when the
    two are the same (decided without canonicalizing again unless :func:`orders_may_differ`)."""
    if not orders_may_differ(canonical):
        return None
    if first_degree_orders_agree(quads):
        # same labels: only the output order can differ (RDFC-1.0 §4.4.3 step 7 vs rdf-canonize's sort)
        # (lines end with "\n"; str.splitlines would also split at U+2028, which literals keep unescaped)
        lines = [line + "\n" for line in canonical.split("\n")[:-1]]
        other = "".join(sorted(lines, key=utf16_sort_key))
    else:
        other = canonicalize_quads(quads, "SHA256", max_work_factor, utf16=True)
    return None if other == canonical else other


def canonicalize_dataset(quads: list[Quad], max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of an RDF dataset made by :func:`document_to_quads`.

    Raises :class:`UnsafeInput` if rdf-canonize's form of the dataset differs (see the module docstring).
    """
    canonical = canonicalize_quads(quads, "SHA256", max_work_factor)
    if utf16_form(quads, canonical, max_work_factor) is not None:
        raise UnsafeInput(UTF16_ORDER_MESSAGE)
    return canonical


def canonicalize_document(
    document: dict,
    registry: ContextRegistry = DEFAULT_REGISTRY,
    max_work_factor: int = DEFAULT_MAX_WORK_FACTOR,
) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of a JSON-LD document (refused as :func:`canonicalize_dataset`)."""
    return canonicalize_dataset(to_quads(document, registry), max_work_factor)


def canonicalize_nquads(
    text: str, hash_algorithm: str = "SHA256", max_work_factor: int = DEFAULT_MAX_WORK_FACTOR
) -> str:
    """Canonical N-Quads of an N-Quads document."""
    return canonicalize_quads(parse_nquads(text), hash_algorithm, max_work_factor)
