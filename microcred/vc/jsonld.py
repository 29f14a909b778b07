"""Strict JSON-LD → RDF for signing and verifying credentials.

"Strict" means the document is refused, never silently changed:

* every ``@context`` must be a pinned URL (or inline object) — see :mod:`microcred.vc.contexts`;
* a key or type that no context defines raises :class:`UndefinedTerm` (PyLD would drop it unsigned);
* an ``@id``/``@type``/datatype that would be a relative IRI raises :class:`RelativeIRI`;
* input text with C0 control characters (other than TAB, LF, CR) or lone surrogates, numbers outside
  the range JavaScript verifiers represent exactly, ``@list`` values that repeat (Node's rdf-canonize
  refuses those), and ``@direction`` (not representable without an rdfDirection mode) raise
  :class:`UnsafeInput` / :class:`UnsupportedJsonLd`.

:func:`to_quads` first tries the fast path (:mod:`microcred.vc.expansion`: pinned contexts processed once,
documents converted straight to quads, same checks); for anything it does not implement, and for every
document it would refuse, the strict reference path runs: ``check_input``, PyLD expansion (with a private
context cache per registry, see pitfall #8) and our own RDF generation from the expanded form. The
differential tests (tests/test_vc_fast_path_differential.py) hold both paths to jsonld.js's output.
"""

from __future__ import annotations

import json
import math
import re
import threading

from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from . import rdf
from .contexts import DEFAULT_REGISTRY, ContextRegistry
from .exceptions import (
    ContextNotAllowed,
    InvalidJsonLd,
    RelativeIRI,
    UndefinedTerm,
    UnsafeInput,
    UnsupportedJsonLd,
    VCError,
)

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = "<" + RDF_NS + "type>"
RDF_FIRST = "<" + RDF_NS + "first>"
RDF_REST = "<" + RDF_NS + "rest>"
RDF_NIL = "<" + RDF_NS + "nil>"
RDF_JSON = RDF_NS + "JSON"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


# --- input checks on the raw JSON -----------------------------------------------------------------


def _check_string(value: str, where: str) -> None:
    m = _BAD_CHARS.search(value)
    if m is not None:
        ch = m.group(0)
        if "\ud800" <= ch <= "\udfff":
            raise UnsafeInput(
                f"{where} contains a lone UTF-16 surrogate (U+{ord(ch):04X}); it cannot be encoded as UTF-8.",
                path=where,
            )
        raise UnsafeInput(
            f"{where} contains the control character U+{ord(ch):04X}; only TAB, LF and CR are allowed.",
            path=where,
        )


def _check_number(value, where: str) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise UnsafeInput(
                f"{where} is the integer {value}, outside ±(2^53-1): JavaScript verifiers would change it.",
                path=where,
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnsafeInput(f"{where} is not a finite number.", path=where)
        if value != 0 and not (1e-6 <= abs(value) < 1e21):
            raise UnsafeInput(
                f"{where} is {value!r}; numbers must be 0 or between 1e-6 and 1e21 in magnitude "
                "so every verifier reads the same value.",
                path=where,
            )
        if value.is_integer() and abs(value) > MAX_SAFE_INTEGER:
            raise UnsafeInput(f"{where} is {value!r}, too large to be represented exactly.", path=where)
        return
    raise UnsafeInput(f"{where} has an unsupported JSON type {type(value).__name__}.", path=where)


def check_input(document) -> None:
    """Refuse JSON values that cannot be signed interoperably (see module docstring)."""
    stack = [(document, "$", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnsafeInput(f"The document nests deeper than {MAX_DEPTH} levels.", path=where)
        if isinstance(value, str):
            _check_string(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise UnsafeInput(f"{where} has a non-string key.", path=where)
                _check_string(key, f"{where} key {key[:40]!r}")
                stack.append((item, f"{where}.{key}", depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}[{i}]", depth + 1))
        elif value is None:
            continue
        else:
            _check_number(value, where)


# --- expansion ----------------------------------------------------------------------------------------

_pyld_caches: dict[int, tuple[ContextRegistry, int, LRUCache, LRUCache]] = {}
_pyld_lock = threading.Lock()


def _pyld_cache_for(registry: ContextRegistry) -> tuple[LRUCache, LRUCache]:
    # One resolved-context cache per registry and registry generation: PyLD's own module-level cache
    # is shared by every loader in the process (pitfall #8), so it is never used here.
    with _pyld_lock:
        entry = _pyld_caches.get(id(registry))
        if entry is None or entry[0] is not registry or entry[1] != registry.generation:
            entry = (registry, registry.generation, LRUCache(maxsize=256), LRUCache(maxsize=1024))
            _pyld_caches[id(registry)] = entry
        return entry[2], entry[3]


class _IdentityMemoResolver(ContextResolver):
    """PyLD's resolver keys inline (e.g. type-scoped) contexts by their JCS serialization, computed on
    every use; scoped contexts of cached remote contexts are the same objects every time, so they are
    memoized by identity first (the memo holds a strong reference, so ids cannot be reused)."""

    def __init__(self, shared_cache, identity_memo, document_loader):
        super().__init__(shared_cache, document_loader)
        self.identity_memo = identity_memo

    def resolve(self, active_ctx, context, base, cycles=None):
        if type(context) is dict and "@context" not in context:
            hit = self.identity_memo.get(id(context))
            if hit is not None and hit[0] is context:
                return [hit[1]]
            resolved = super().resolve(active_ctx, context, base, cycles)
            if len(resolved) == 1:
                self.identity_memo[id(context)] = (context, resolved[0])
            return resolved
        return super().resolve(active_ctx, context, base, cycles)


def _find_cause(exc: BaseException):
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, VCError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def expand_with_pyld(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list:
    """Expand ``document`` with PyLD, offline and strictly."""

    def dropped(key):
        raise UndefinedTerm(
            f"The property {key!r} is not defined by any of the document's JSON-LD contexts; "
            "it would not be signed. Remove it or add a context that defines it.",
            term=key,
        )

    def loader(url, options=None):
        return registry.document_loader(url, options)

    processor = pyld_jsonld.JsonLdProcessor(on_property_dropped=dropped)
    shared, memo = _pyld_cache_for(registry)
    options = {
        "documentLoader": loader,
        "base": None,
        "contextResolver": _IdentityMemoResolver(shared, memo, loader),
        "processingMode": "json-ld-1.1",
    }
    try:
        return processor.expand(document, options)
    except VCError:
        raise
    except Exception as exc:  # PyLD wraps loader errors in JsonLdError chains
        cause = _find_cause(exc)
        if cause is not None:
            raise cause from None
        raise InvalidJsonLd(f"The document is not valid JSON-LD: {exc}") from exc


def expand(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list:
    """Strictly expand a JSON-LD document (fast path when possible, PyLD otherwise)."""
    from . import expansion  # local import: expansion imports helpers from this module

    try:
        return expansion.expand(document, registry)
    except expansion.NeedsReferenceProcessor:
        return expand_with_pyld(document, registry)


# --- checks on the expanded form and RDF generation -------------------------------------------------


def _check_iri(value, what: str) -> str:
    if not isinstance(value, str) or _ABSOLUTE_IRI.match(value) is None:
        if isinstance(value, str) and value.startswith("_:"):
            return value
        raise RelativeIRI(
            f"The {what} {value!r} is not an absolute IRI (is a term missing from the contexts, "
            "or is an id relative?); refusing to sign or verify it.",
            value=value,
        )
    return value


def _canonical_double(value: float) -> str:
    mantissa, exponent = (f"{value:.15E}").split("E")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{mantissa}E{int(exponent)}"


def canonical_json(value) -> str:
    """RFC 8785 (JCS) serialization, for ``@json`` literals."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(canonical_json(k) + ":" + canonical_json(v) for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        if "e" in text:
            m, e = text.split("e")
            e_int = int(e)
            text = f"{m}e{'+' if e_int > 0 else '-'}{abs(e_int)}"
        return text
    raise UnsafeInput("Unsupported value in a JSON literal.")


class _ToRdf:
    __slots__ = ("counter", "labels", "quads")

    def __init__(self):
        self.quads: list[rdf.Quad] = []
        self.labels: dict[str, str] = {}
        self.counter = 0

    def bnode(self, label: str | None = None) -> str:
        if label is not None:
            found = self.labels.get(label)
            if found is not None:
                return found
        new = "_:b" + str(self.counter)
        self.counter += 1
        if label is not None:
            self.labels[label] = new
        return new

    def subject_of(self, node: dict) -> str:
        ident = node.get("@id")
        if ident is None:
            return self.bnode()
        if not isinstance(ident, str):
            raise InvalidJsonLd("An @id must be a string.")
        if ident.startswith("_:"):
            return self.bnode(ident)
        return "<" + _check_iri(ident, "id") + ">"

    def node(self, node: dict, graph: str) -> str:
        subject = self.subject_of(node)
        out = self.quads
        for key, values in node.items():
            if key == "@id":
                continue
            if key == "@type":
                for t in values:
                    if t.startswith("_:"):
                        raise UnsupportedJsonLd("Blank-node types are not supported.")
                    out.append((subject, RDF_TYPE, "<" + _check_iri(t, "type") + ">", graph))
            elif key == "@graph":
                for item in values:
                    if "@value" in item or "@list" in item:
                        continue  # free-floating values are dropped by JSON-LD
                    self.node(item, subject)
            elif key == "@reverse":
                for prop, items in values.items():
                    pred = "<" + _check_iri(prop, "property") + ">"
                    for item in items:
                        out.append((self.node(item, graph), pred, subject, graph))
            elif key in ("@index",):
                continue
            elif key[0] == "@":
                raise UnsupportedJsonLd(f"The JSON-LD keyword {key} is not supported here.")
            else:
                if key.startswith("_:"):
                    raise UnsupportedJsonLd("Blank-node properties are not supported.")
                pred = "<" + _check_iri(key, "property") + ">"
                for item in values:
                    out.append((subject, pred, self.object(item, graph), graph))
        return subject

    def object(self, item: dict, graph: str) -> str:
        if "@value" in item:
            return self.value(item)
        if "@list" in item:
            return self.list(item["@list"], graph)
        return self.node(item, graph)

    def list(self, items: list, graph: str) -> str:
        if not items:
            return RDF_NIL
        seen = set()
        for item in items:
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                raise UnsafeInput(
                    "An ordered list (for example allowedValue) repeats a value; Node-based verifiers "
                    "refuse such documents, so it cannot be signed.",
                )
            seen.add(key)
        head = self.bnode()
        current = head
        out = self.quads
        for i, item in enumerate(items):
            out.append((current, RDF_FIRST, self.object(item, graph), graph))
            if i == len(items) - 1:
                out.append((current, RDF_REST, RDF_NIL, graph))
            else:
                nxt = self.bnode()
                out.append((current, RDF_REST, nxt, graph))
                current = nxt
        return head

    @staticmethod
    def value(item: dict) -> str:
        value = item["@value"]
        datatype = item.get("@type")
        if "@direction" in item:
            raise UnsupportedJsonLd("Values with @direction are not supported (they cannot be signed faithfully).")
        if datatype is not None and datatype != "@json":
            _check_iri(datatype, "datatype")
        if datatype == "@json":
            return rdf.literal(canonical_json(value), RDF_JSON)
        language = item.get("@language")
        if language is not None and isinstance(value, str):
            return rdf.literal(value, language=language.lower())
        return value_literal(value, datatype)


def value_literal(value, datatype: str | None) -> str:
    """The RDF literal of a JSON-LD native value (string, number, boolean) with an optional datatype IRI
    (JSON-LD 1.1 Deserialize JSON-LD to RDF, "object to RDF"; numbers formatted as jsonld.js does)."""
    if isinstance(value, str):
        return rdf.literal(value, datatype)
    if isinstance(value, bool):
        return rdf.literal("true" if value else "false", datatype or XSD_BOOLEAN)
    if isinstance(value, (int, float)):
        if (isinstance(value, float) and (not value.is_integer() or abs(value) >= 1e21)) or (datatype == XSD_DOUBLE):
            return rdf.literal(_canonical_double(float(value)), datatype or XSD_DOUBLE)
        return rdf.literal(str(int(value)), datatype or XSD_INTEGER)
    raise InvalidJsonLd("A @value must be a string, number or boolean.")


def expanded_to_quads(expanded: list) -> list[rdf.Quad]:
    """RDF quads (string-term form) of an expanded JSON-LD document."""
    conv = _ToRdf()
    for node in expanded:
        if not isinstance(node, dict) or "@value" in node or "@list" in node:
            continue
        if set(node) <= {"@graph"}:  # a bare top-level @graph is the default graph
            for item in node.get("@graph", []):
                if "@value" not in item and "@list" not in item:
                    conv.node(item, "")
            continue
        conv.node(node, "")
    # RDF datasets are sets
    return list(dict.fromkeys(conv.quads))


def to_quads(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list[rdf.Quad]:
    """Check, strictly expand and convert a JSON-LD document to RDF quads.

    The fast path (:func:`microcred.vc.expansion.to_quads`) handles documents over pinned contexts; for
    anything it does not implement, and for every document it would refuse, the strict reference path
    (``check_input`` + PyLD + our RDF generation) runs instead, so results and errors are the strict path's.
    """
    if not isinstance(document, dict):
        raise InvalidJsonLd("A credential must be a JSON object.")
    if "@context" not in document:
        raise ContextNotAllowed("The document has no @context; JSON-LD terms cannot be interpreted.")
    from . import expansion  # local import: expansion imports helpers from this module

    try:
        return expansion.to_quads(document, registry)
    except (expansion.NeedsReferenceProcessor, VCError):
        pass
    return reference_to_quads(document, registry)


def reference_to_quads(document: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> list[rdf.Quad]:
    """The strict reference path alone: ``check_input``, PyLD expansion, our RDF generation."""
    if not isinstance(document, dict):
        raise InvalidJsonLd("A credential must be a JSON object.")
    if "@context" not in document:
        raise ContextNotAllowed("The document has no @context; JSON-LD terms cannot be interpreted.")
    check_input(document)
    return expanded_to_quads(expand_with_pyld(document, registry))
