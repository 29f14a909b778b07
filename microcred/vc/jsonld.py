"""Strict JSON-LD → RDF for signing and verifying credentials.

"Strict" means the document is refused, never silently changed:

* every ``@context`` must be a pinned URL (or inline object) — see :mod:`microcred.vc.contexts`;
* a key or type that no context defines raises :class:`UndefinedTerm` (PyLD would drop it unsigned);
* an ``@id``/``@type``/datatype that would be a relative IRI raises :class:`RelativeIRI`;
* a language tag that is not well-formed BCP 47 (jsonld.js's test) raises :class:`InvalidLanguageTag`;
* what no verifier can represent, or what jsonld.js would turn into a dataset we cannot reproduce (lone
  UTF-16 surrogates, non-finite numbers, a value that jsonld.js would state twice) raises
  :class:`UnsafeInput` / :class:`UnsupportedJsonLd` naming the construct.

Everything else gets exactly the RDF dataset jsonld.js (as Digital Bazaar's eddsa-rdfc-2022 cryptosuite
runs it: safe mode, ``rdfDirection: 'i18n-datatype'``) computes: JSON numbers are JavaScript doubles
formatted as jsonld.js does (``toFixed(0)`` / ``toExponential(15)``), control characters are escaped in
the canonical N-Quads, values repeated in a set are merged as jsonld.js's node map merges them, list
items are kept as they are, ``@included`` nodes are part of the graph and ``@direction`` becomes an
``https://www.w3.org/ns/i18n#`` datatype.

:func:`to_quads` first tries the fast path (:mod:`microcred.vc.expansion`: pinned contexts processed once,
documents converted straight to quads, same checks); for anything it does not implement, and for every
document it would refuse, the strict reference path runs: ``check_input``, PyLD expansion (with a private
context cache per registry: docs/interoperability.md, pitfall 8) and our own RDF generation from the expanded
form. The differential tests (tests/test_vc_fast_path_differential.py) hold both paths to jsonld.js's output.
"""

from __future__ import annotations

import json
import math
import re
import threading
from decimal import Decimal

from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

from . import rdf
from .contexts import DEFAULT_REGISTRY, ContextRegistry
from .exceptions import (
    ContextNotAllowed,
    InvalidJsonLd,
    InvalidLanguageTag,
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
I18N = "https://www.w3.org/ns/i18n#"  # rdfDirection 'i18n-datatype' (JSON-LD 1.1 API §8.6, step 13)

# \Z, not $: "$" also matches before a final newline, which would end up raw in the N-Quads.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*\Z")
# Characters refused in keys, ids and types (they can only make an invalid or relative IRI; the strict path
# reports which) and, for the fast path, in context strings.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# Lone UTF-16 surrogates: not encodable as UTF-8, so no verifier hashes them faithfully (rdf-canonize
# would hash U+FFFD instead, making two documents one).
_SURROGATE = re.compile("[\ud800-\udfff]")
# jsonld.js's well-formedness test of BCP 47 tags (its REGEX_BCP47, applied after toLowerCase()).
_LANGUAGE_TAG = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*")


# --- language tags (BCP 47 as jsonld.js checks it) ----------------------------------------------------


def language_tag(value, where: str = "a value") -> str:
    """The language tag jsonld.js writes: lower-cased (JSON-LD 1.1 API §5.1.2 step 13.4.8.2 and jsonld.js's
    toLowerCase()) and well-formed in jsonld.js's BCP 47 test, which in safe mode refuses any other tag.
    A tag is written raw into N-Quads (RDF 1.1 N-Quads LANGTAG), so anything else is refused."""
    if not isinstance(value, str):
        raise InvalidJsonLd(f"The @language of {where} must be a string.")
    lowered = value.lower()
    if _LANGUAGE_TAG.fullmatch(lowered) is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InvalidLanguageTag(
            f"The language tag {shown!r} of {where} is not a well-formed BCP 47 tag (letters, then "
            "hyphen-separated groups of up to 8 letters or digits, e.g. 'en' or 'pt-BR'); "
            "JSON-LD verifiers refuse it.",
            path=where,
        )
    return lowered


# --- JavaScript number semantics (ECMA-262, as jsonld.js applies them) ----------------------------------
#
# A verifier in JavaScript reads every JSON number as an IEEE 754 double (JSON.parse), and jsonld.js's
# toRDF turns a number into a literal by its isDouble test (String(v) contains "." or |v| >= 1e21):
# doubles as value.toExponential(15) with trailing zeros removed ("1.5E0"), others as value.toFixed(0)
# (JSON-LD 1.1 API §8.6 "Object to RDF Conversion", steps 10–11, in jsonld.js's form).


def js_number(value) -> float | int:
    """The value JavaScript's JSON.parse reads for a JSON number: safe integers stay exact ``int``, every
    other number is the nearest double (ties to even, as ECMA-262 StringToNumber and Python both round)."""
    if type(value) is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    return number


def _js_shortest(number: float) -> tuple[str, int]:
    """(digits, n) of ECMA-262 Number::toString: the shortest digit string s (k digits, no trailing zero)
    with |number| = 0.s × 10^n. Python's repr picks the same shortest, closest digits."""
    mantissa, _, exponent = repr(abs(number)).partition("e")
    integer, _, fraction = mantissa.partition(".")
    digits = integer + fraction
    stripped = digits.lstrip("0")
    n = len(integer) + (int(exponent) if exponent else 0) - (len(digits) - len(stripped))
    return stripped.rstrip("0"), n


def js_number_string(value) -> str:
    """ECMA-262 Number::toString of a JSON number (what JSON.stringify and the JCS of ``@json`` write)."""
    number = js_number(value)
    if type(number) is int:
        return str(number)
    if number != number or number in (math.inf, -math.inf):
        raise UnsafeInput("A JSON literal holds a number that is not finite.")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits, n = _js_shortest(number)
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    exponent = ("e+" if e >= 0 else "e-") + str(abs(e))
    if k == 1:
        return sign + digits + exponent
    return sign + digits[0] + "." + digits[1:] + exponent


def _js_is_double(number) -> bool:
    """jsonld.js's types.isDouble: String(v) contains "." or |v| >= 1e21."""
    if type(number) is int:
        return False
    magnitude = abs(number)
    if magnitude >= 1e21:
        return True  # includes Infinity
    if number.is_integer():
        return False
    if magnitude >= 1e-6:
        return True  # fixed notation with a fraction
    # exponent notation ("1e-7" or "1.5e-7"): a "." only when there are several significant digits
    return len(_js_shortest(number)[0]) > 1


def _js_to_fixed_0(number) -> str:
    """Number.prototype.toFixed(0) for |number| < 1e21: the nearest integer, ties away from zero, with the
    sign of the number ("-0" for a tiny negative number)."""
    if type(number) is int:
        return str(number)
    magnitude = abs(number)
    whole = math.floor(magnitude)
    if magnitude - whole >= 0.5:  # exact: magnitude - floor(magnitude) is representable
        whole += 1
    return ("-" if number < 0 else "") + str(int(whole))


def _js_to_exponential_15(number) -> str:
    r"""``number.toExponential(15).replace(/(\d)0*e\+?/, '$1E')`` as jsonld.js writes xsd:double: the exact
    binary value rounded to 16 significant digits, ties away from zero (not Python's ties to even)."""
    if number != number:
        return "NaN"
    if number in (math.inf, -math.inf):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0.0E0"  # toExponential drops the sign of -0
    sign = "-" if number < 0 else ""
    numerator, denominator = abs(float(number)).as_integer_ratio()
    e = Decimal(abs(float(number))).adjusted()  # floor(log10(|x|)), exact: Decimal(float) is exact
    shift = 15 - e
    if shift >= 0:
        scaled_n, scaled_d = numerator * 10**shift, denominator
    else:
        scaled_n, scaled_d = numerator, denominator * 10**-shift
    digits, remainder = divmod(scaled_n, scaled_d)
    if 2 * remainder >= scaled_d:
        digits += 1
    if digits == 10**16:
        digits //= 10
        e += 1
    text = str(digits)
    fraction = text[1:].rstrip("0") or "0"
    return f"{sign}{text[0]}.{fraction}E{e}"


# ECMA-262 WhiteSpace and LineTerminator (JavaScript's \s, and parseFloat's StrWhiteSpaceChar)
_JS_WHITESPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# jsonld.js's url.isAbsolute (/^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/ with JavaScript's \s)
_JS_ABSOLUTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+,\-.]*|_):[^" + _JS_WHITESPACE + r"]*\Z")
_JS_FLOAT_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def _js_parse_float(text: str) -> float:
    """ECMA-262 parseFloat: the longest StrDecimalLiteral prefix after StrWhiteSpace, NaN if none."""
    match = _JS_FLOAT_PREFIX.match(text.lstrip(_JS_WHITESPACE))
    return float(match.group(0)) if match else math.nan


# --- input checks on the raw JSON -----------------------------------------------------------------


def _check_string(value: str, where: str) -> None:
    m = _SURROGATE.search(value)
    if m is not None:
        raise UnsafeInput(
            f"{where} contains a lone UTF-16 surrogate (U+{ord(m.group(0)):04X}); it cannot be encoded as UTF-8.",
            path=where,
        )


def _check_number(value, where: str) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        number = js_number(value)
        if type(number) is float and not math.isfinite(number):
            raise UnsafeInput(
                f"{where} is not a finite number (a JavaScript verifier would read "
                f"{'NaN' if number != number else 'Infinity'}); unsupported.",
                path=where,
            )
        return
    raise UnsafeInput(f"{where} has an unsupported JSON type {type(value).__name__}.", path=where)


def check_input(document) -> None:
    """Refuse JSON values that no verifier can represent (see module docstring), and invalid language tags
    where jsonld.js checks them (value objects, default languages of contexts)."""
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
                if key == "@language" and isinstance(item, str):
                    language_tag(item, f"{where}.@language")
                stack.append((item, f"{where}.{key}", depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}[{i}]", depth + 1))
        elif value is None:
            continue
        else:
            _check_number(value, where)


def check_signing_input(document) -> None:
    """The checks signing adds to :func:`check_input`: an integer beyond ±(2^53−1) is refused, because a
    JavaScript verifier reads the nearest double instead (9007199254740993 becomes 9007199254740992), so
    the signature could cover a different number than the document states (verification reads it as
    JavaScript does)."""
    stack = [document]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is dict:
            extend(value.values())
        elif kind is list:
            extend(value)
        elif kind is str or kind is float or kind is bool or not isinstance(value, int):
            continue
        elif abs(value) > MAX_SAFE_INTEGER and math.isfinite(number := js_number(value)):  # else: check_input
            where = _path_of(document, value)
            read = "" if number == value else f" (this one as {js_number_string(number)})"
            raise UnsafeInput(
                f"{where} is the integer {value}, outside ±(2^53-1): JavaScript verifiers read such integers "
                f"as the nearest double{read} (I-JSON, RFC 7493 §2.2), so it is not signed. Write it as a string.",
                path=where,
            )


def _path_of(document, target) -> str:
    stack = [(document, "$")]
    while stack:
        value, where = stack.pop()
        if type(value) is dict:
            stack.extend((item, f"{where}.{key}") for key, item in value.items())
        elif type(value) is list:
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
        elif value is target:
            return where
    return "$"


# --- expansion ----------------------------------------------------------------------------------------

_pyld_caches: dict[int, tuple[ContextRegistry, int, LRUCache, LRUCache]] = {}
_pyld_lock = threading.Lock()


def _pyld_cache_for(registry: ContextRegistry) -> tuple[LRUCache, LRUCache]:
    # One resolved-context cache per registry and registry generation: PyLD's own module-level cache
    # is shared by every loader in the process (docs/interoperability.md, pitfall 8), so it is never used here.
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
        if isinstance(value, str) and _JS_ABSOLUTE.match(value) is not None:
            # jsonld.js takes it as absolute and rdf-canonize writes \uXXXX escapes for it; not supported.
            raise UnsupportedJsonLd(
                f"The {what} {value!r} is an IRI with characters that N-Quads must escape (control "
                'characters or <>"{}|^`\\) or with an unusual scheme; such IRIs are not supported.',
                value=value,
            )
        raise RelativeIRI(
            f"The {what} {value!r} is not an absolute IRI (is a term missing from the contexts, "
            "or is an id relative?); refusing to sign or verify it.",
            value=value,
        )
    return value


def canonical_json(value) -> str:
    """RFC 8785 (JCS) serialization of a ``@json`` value as JavaScript computes it (numbers as ECMA-262
    Number::toString of the double JSON.parse reads, keys sorted by UTF-16 code units)."""
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
    if isinstance(value, (int, float)):
        return js_number_string(value)
    raise UnsafeInput("Unsupported value in a JSON literal.")


def value_key(value, datatype, language, index):
    """How jsonld.js's node map tells values of one property apart (its util.compareValues): @value with
    JavaScript's ===, @type, @language and @index; ``@direction`` is not compared. A ``@json`` object or
    array is never === another, so each one counts (``None`` here)."""
    if value is True or value is False:
        jsvalue = (bool, value)
    elif isinstance(value, (int, float)):
        jsvalue = (float, js_number(value))
    elif isinstance(value, (dict, list)):
        return None
    else:
        jsvalue = (str, value)
    return (jsvalue, datatype, language, index)


class _ToRdf:
    """Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8.6) from the expanded form, as jsonld.js's toRDF does
    it through its node map: values of one property of one node are merged by :func:`value_key`, node
    references by their id, list items never."""

    __slots__ = ("counter", "indexes", "labels", "quads", "values")

    def __init__(self):
        self.quads: list[rdf.Quad] = []
        self.labels: dict[str, str] = {}
        self.counter = 0
        self.values: dict[tuple, dict] = {}  # (graph, subject, predicate) -> {value key: literal}
        self.indexes: dict[tuple[str, str], str] = {}  # (graph, subject) -> @index

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
            elif key == "@included":
                # JSON-LD 1.1 §9.13 included nodes: nodes of the same graph, not linked to this one
                for item in values:
                    if "@value" in item or "@list" in item:
                        continue
                    self.node(item, graph)
            elif key == "@reverse":
                for prop, items in values.items():
                    pred = "<" + _check_iri(prop, "property") + ">"
                    for item in items:
                        out.append((self.node(item, graph), pred, subject, graph))
            elif key == "@index":
                # jsonld.js's node map refuses one node with two different @index values
                found = self.indexes.setdefault((graph, subject), values)
                if found != values:
                    raise InvalidJsonLd(f"The node {subject} has conflicting @index values.")
            elif key[0] == "@":
                raise UnsupportedJsonLd(f"The JSON-LD keyword {key} is not supported here.")
            else:
                if key.startswith("_:"):
                    raise UnsupportedJsonLd("Blank-node properties are not supported.")
                pred = "<" + _check_iri(key, "property") + ">"
                for item in values:
                    if "@value" in item:
                        self.property_value(subject, pred, item, graph)
                    else:
                        out.append((subject, pred, self.object(item, graph), graph))
        return subject

    def property_value(self, subject: str, pred: str, item: dict, graph: str) -> None:
        """A value of a node's property, merged with the property's other values as jsonld.js merges them."""
        term = self.value(item)
        key = value_key(item["@value"], item.get("@type"), item.get("@language"), item.get("@index"))
        if key is not None:
            seen = self.values.setdefault((graph, subject, pred), {})
            found = seen.get(key)
            if found is not None:
                if found != term:
                    # jsonld.js keeps whichever of the two it meets first; we do not reproduce its order.
                    raise UnsupportedJsonLd(
                        f"The property {pred} repeats the text {item['@value']!r} with different @direction; "
                        "jsonld.js would sign only one of them, so this is not supported."
                    )
                return
            seen[key] = term
        self.quads.append((subject, pred, term, graph))

    def object(self, item: dict, graph: str) -> str:
        if "@value" in item:
            return self.value(item)
        if "@list" in item:
            return self.list(item["@list"], graph)
        return self.node(item, graph)

    def list(self, items: list, graph: str) -> str:
        # An RDF collection (JSON-LD 1.1 API §8.7 List to RDF Conversion): every item is kept, repeated
        # or not, on its own list node.
        if not items:
            return RDF_NIL
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
        # jsonld.js's _objectToRDF order: @json, boolean, number, @direction, @language, string.
        value = item["@value"]
        datatype = item.get("@type")
        if datatype is not None and datatype != "@json":
            _check_iri(datatype, "datatype")
        if datatype == "@json":
            return rdf.literal(canonical_json(value), RDF_JSON)
        if not isinstance(value, str):
            return value_literal(value, datatype)
        if "@direction" in item:
            # rdfDirection 'i18n-datatype' (JSON-LD 1.1 API §8.6 step 13), which eddsa-rdfc-2022 uses
            direction = item["@direction"]
            if direction not in ("ltr", "rtl"):
                raise InvalidJsonLd(f"@direction must be 'ltr' or 'rtl', not {direction!r}.")
            language = item.get("@language")
            language = language_tag(language, "a value") if language else ""
            return rdf.literal(value, I18N + language + "_" + direction)
        language = item.get("@language")
        if language is not None:
            return rdf.literal(value, language=language_tag(language, "a value"))
        return value_literal(value, datatype)


def value_literal(value, datatype: str | None) -> str:
    """The RDF literal of a JSON-LD native value (string, number, boolean) with an optional datatype IRI
    (JSON-LD 1.1 API §8.6 "Object to RDF Conversion", numbers and xsd:double exactly as jsonld.js)."""
    if isinstance(value, str):
        if datatype == XSD_DOUBLE:
            # jsonld.js re-reads a string typed xsd:double with parseFloat and writes it as a double
            return rdf.literal(_js_to_exponential_15(_js_parse_float(value)), datatype)
        return rdf.literal(value, datatype)
    if value is True or value is False:
        return rdf.literal("true" if value else "false", datatype or XSD_BOOLEAN)
    if type(value) is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER and datatype != XSD_DOUBLE:
        return rdf.literal(str(value), datatype or XSD_INTEGER)
    if isinstance(value, (int, float)):
        number = js_number(value)
        if type(number) is float and not math.isfinite(number):
            raise UnsafeInput("A number is not finite (JavaScript would read Infinity); unsupported.")
        if datatype == XSD_DOUBLE or _js_is_double(number):
            return rdf.literal(_js_to_exponential_15(number), datatype or XSD_DOUBLE)
        return rdf.literal(_js_to_fixed_0(number), datatype or XSD_INTEGER)
    raise InvalidJsonLd("A @value must be a string, number or boolean.")


def check_no_repeated_literals(quads: list[rdf.Quad]) -> list[rdf.Quad]:
    """``quads`` without repeated node references and types (jsonld.js's node map merges those too); a
    repeated literal, which is left only where jsonld.js keeps two different values that give one literal
    (5 and "5" typed alike, two doubles equal in 16 digits, equal ``@json`` objects, values differing in
    ``@index`` only), is refused: rdf-canonize writes such a statement twice, an RDF dataset (and
    RDFC-1.0 here) once, so the signature could not be checked."""
    unique = list(dict.fromkeys(quads))
    if len(unique) != len(quads):
        seen = set()
        for quad in quads:
            if quad in seen and quad[2][0] == '"':
                raise UnsupportedJsonLd(
                    f"The property {quad[1]} has two different values that make the same RDF literal "
                    f'{quad[2][:80]} (for example 5 and "5", or equal @json objects); jsonld.js signs that '
                    "statement twice, which is not supported. Remove the repeated value."
                )
            seen.add(quad)
    return unique


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
    return check_no_repeated_literals(conv.quads)


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
