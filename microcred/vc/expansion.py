"""Fast JSON-LD → RDF for documents whose contexts are all pinned (the "fast path").

PyLD processes every context of every document again (the top-level contexts and every type- and
property-scoped context of every node), which is nearly all of the cost of signing. This module processes
each pinned context set ONCE into immutable term definitions (JSON-LD 1.1 API §4.1 Context Processing and
§4.2 Create Term Definition), caches every transition between active contexts (top-level context list,
type-scoped and property-scoped contexts), and then walks the compacted document once, emitting RDF quads
directly — exactly what JSON-LD 1.1 Expansion (§5.1) followed by Deserialize JSON-LD to RDF (§8) produce
for the constructs implemented here, and nothing else.

Implemented (everything the pinned VC 2.0, OB 3.0.x, OB extensions, Bitstring Status List, Data Integrity,
Multikey contexts and registered extension contexts such as ``https://w3id.org/microcred/v1`` use):

* contexts: arrays of pinned context URLs at the top of the document; inline (scoped) context objects with
  ``@protected``, ``@version: 1.1``, ``@vocab`` (absolute IRI), ``null``; term definitions with ``@id``
  (IRIs, compact IRIs, terms, ``null``, keyword aliases of ``@id``/``@type``), ``@type`` (``@id``,
  ``@vocab``, ``@json``, datatype IRIs), ``@container`` (``@set``, ``@list``, ``@graph``), ``@context``
  (type-scoped with non-propagation, property-scoped with protected-term override), ``@protected``;
  protected-term redefinition rules; prefix flags of simple terms;
* documents: node objects, ``id``/``type`` (or ``@id``/``@type``), strings, numbers, booleans, ``null``,
  nested arrays, ``@id``/``@vocab`` coercion, typed literals, ``@json`` literals, ``@list`` containers of
  scalars, ``@graph`` containers of node objects (e.g. embedded proofs), blank node identifiers.

Refused with :class:`NeedsReferenceProcessor` (the caller then uses the strict PyLD path, which refuses
undefined terms etc. itself and never drops data): inline ``@context`` in the document or any nested
``@context``; value objects (``@value``), ``@list``/``@set``/``@graph``/``@included``/``@reverse``/``@nest``/
``@index``/``@language``/``@direction`` in documents; ``@language``, ``@direction``, ``@base``,
``@import``, ``@propagate``, ``@reverse``, ``@nest``, ``@index``, ``@prefix`` and other containers in
contexts; terms containing ``:`` or ``/``; keyword aliases other than ``@id``/``@type``; protected-term
redefinitions; maps inside ``@list``; non-node values in ``@graph`` containers; anything malformed.
Any :class:`~microcred.vc.exceptions.VCError` (undefined term, relative IRI, unknown context, unsafe
input) makes the caller re-run the strict path too, so errors and their precedence are exactly the strict
path's. The fast path checks every string and number it reads exactly as ``check_input`` does; since it
refuses everything it would otherwise skip, it reads every value of the document. Numbers are written with
JavaScript's semantics (``value_literal``), control characters escaped, list items all kept; a literal that
comes out twice is kept (once) only when every occurrence comes from an equal JSON string under the same
type mapping, which jsonld.js's node map merges (the issuer's profile repeated as the achievement's
creator); otherwise it is handed over, since whether jsonld.js merges it depends on the values it came from;
so are terms typed xsd:double (jsonld.js re-reads their strings with parseFloat).

Caches are per :class:`~microcred.vc.contexts.ContextRegistry` and registry generation; all cached
structures are immutable once published and every cache miss is computed under one lock, so the fast path
is safe in threaded workers. Large node objects with an IRI id (an achievement shared by a cohort) are
remembered per active context as the quads they convert to (:meth:`_Walker.identified_node`).
"""

from __future__ import annotations

import math
import pickle
import re
import threading
import weakref
from collections import Counter

from . import rdf
from ._speedups import compiled
from .contexts import ContextRegistry
from .jsonld import (
    _ABSOLUTE_IRI,
    _BAD_CHARS,
    _SURROGATE,
    MAX_DEPTH,
    MAX_SAFE_INTEGER,
    RDF_FIRST,
    RDF_JSON,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    XSD_DOUBLE,
    canonical_json,
    value_literal,
)

__all__ = ["NeedsReferenceProcessor", "expand", "to_quads"]


class NeedsReferenceProcessor(Exception):
    """Raised when the fast path does not implement something the document or its contexts use."""


def expand(document, registry):
    """Hook kept for :func:`microcred.vc.jsonld.expand`: the fast path produces quads, not expanded JSON-LD."""
    raise NeedsReferenceProcessor("the fast path converts to RDF directly; use to_quads")


class _Unsafe(Exception):
    """Internal: a value that ``check_input`` refuses; the strict path reports it with its path."""


# --- constants ----------------------------------------------------------------------------------------

KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@first",
        "@graph", "@id", "@import", "@included", "@index", "@json", "@language", "@list", "@nest",
        "@none", "@omitDefault", "@prefix", "@preserve", "@protected", "@propagate", "@requireAll",
        "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip
_KEYWORD_FORM = re.compile(r"^@[a-zA-Z]+$")
# Characters that check_input refuses (lone surrogates) or that N-Quads escapes: a string without them needs
# no more work.
_SPECIAL = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
# The absolute-IRI test of PyLD and jsonld.js (used to decide whether a key is dropped).
_IS_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_GEN_DELIMS = frozenset(":/?#[]@")
_TERM_KEYS = frozenset({"@id", "@type", "@container", "@context", "@protected"})
_CONTEXT_KEYS = frozenset({"@protected", "@version", "@vocab"})
_CONTAINERS = {"@set": 0, "@list": 1, "@graph": 2}
_NO_CONTEXT = object()  # a term definition without a scoped context ("@context": null is a context)
_MEMO_LIMIT = 512  # per active context, for document-driven keys (type combinations)
# Node objects identified by an IRI, with at least _SUBTREE_MIN_KEYS keys and at least _SUBTREE_MIN_BYTES
# pickled, are remembered per active context as the quads they convert to (see _Walker.identified_node); at
# most _SUBTREE_LIMIT of them, the most recently used. (Smaller ones cost less to walk than to look up.)
_SUBTREE_MIN_KEYS = 8
_SUBTREE_MIN_BYTES = 512
_SUBTREE_MAX_BYTES = 1 << 14
_SUBTREE_LIMIT = 64
_SUBTREE_MAX_VALUES = 4096  # JSON values read for a key at most (the compiled key; the pickle's is bounded after)
_SUBTREE_INSTANCES = 4  # numberings of one subtree kept (see _Subtree.instances)

PLAIN, LIST, GRAPH, JSON_LITERAL = 0, 1, 2, 3

_lock = threading.RLock()


def _refuse(why: str):
    raise NeedsReferenceProcessor(why)


# --- active contexts ----------------------------------------------------------------------------------


class _Term:
    """A term definition (JSON-LD 1.1 API §4.2). Never modified once its context is published."""

    __slots__ = ("container", "context", "iri", "keyword", "prefix", "protected", "type")

    def __init__(self):
        self.iri: str | None = None
        self.keyword: str | None = None  # "@id"/"@type"/... for keyword aliases
        self.prefix = False
        self.type: str | None = None
        self.container: str | None = None
        self.context = _NO_CONTEXT
        self.protected = False

    def same_as(self, other: _Term) -> bool:
        """Equal except for ``protected`` (protected-term redefinition check)."""
        return (
            self.iri == other.iri
            and self.keyword == other.keyword
            and self.prefix == other.prefix
            and self.type == other.type
            and self.container == other.container
            and (self.context is other.context or self.context == other.context)
        )


class _Prop:
    """How the values of one key are converted in one active context (memoized per context)."""

    __slots__ = ("child_ctx", "id_ctx", "kind", "pred", "suffix", "typed_string", "vctx", "vtype", "walk_view")

    def __init__(self, pred, kind, child_ctx, id_ctx, vctx, vtype):
        self.pred = pred  # "<iri>"
        # what follows the quoted lexical form of a string value (None: the value is an IRI)
        if vtype is None or vtype == rdf.XSD_STRING:
            self.suffix = ""
        elif vtype[0] == "@":
            self.suffix = None
        else:
            self.suffix = "^^<" + vtype + ">"
        self.kind = kind
        self.child_ctx = child_ctx  # active context for node objects (reverted, property-scoped)
        self.id_ctx = id_ctx  # ... for node objects that are a single @id (not reverted)
        self.vctx = vctx  # active context for scalar values (property-scoped, not reverted)
        self.vtype = vtype  # type mapping used for scalar values
        self.typed_string = vtype == rdf.XSD_STRING
        # what the compiled walk reads of every key, in one look-up (_canonical.walk_node)
        self.walk_view = (kind == PLAIN, self.pred, self.suffix, self.typed_string)


class _Ctx:
    """An active context. Published (cached) instances are immutable apart from their memo tables, which
    only ever gain entries computed under the module lock."""

    __slots__ = (
        "aliases", "applied", "other_aliases", "previous", "props", "registry", "subtrees", "terms", "tops",
        "types", "vocab",
    )  # fmt: skip

    def __init__(self, registry: ContextRegistry):
        self.registry = registry
        self.terms: dict[str, _Term] = {}
        self.vocab: str | None = None
        self.previous: _Ctx | None = None
        self.applied: dict = {}
        self.props: dict[str, _Prop] = {}
        self.types: dict[tuple, tuple] = {}
        self.aliases: dict[str, str] = {}
        self.other_aliases = False
        self.tops: dict[tuple, _Ctx] = {}  # on a registry's initial context: top-level @context lists
        self.subtrees: dict[tuple, _Subtree] = {}  # node objects already converted in this context (LRU)

    def clone(self) -> _Ctx:
        new = _Ctx(self.registry)
        new.terms = dict(self.terms)
        new.vocab = self.vocab
        new.previous = self.previous
        return new

    def seal(self) -> _Ctx:
        self.aliases = {k: t.keyword for k, t in self.terms.items() if t.keyword is not None}
        self.other_aliases = any(kw not in ("@id", "@type") for kw in self.aliases.values())
        return self

    def apply(self, local, *, override_protected: bool = False, propagate: bool = True) -> _Ctx:
        """This context with ``local`` processed on top (memoized; ``local`` must be a registry object or
        a tuple of URLs, kept alive by the memo)."""
        key = (id(local), override_protected, propagate)
        hit = self.applied.get(key)
        if hit is not None and hit[0] is local:
            return hit[1]
        with _lock:
            hit = self.applied.get(key)
            if hit is not None and hit[0] is local:
                return hit[1]
            result = _process(self, local, override_protected, propagate, ()).seal()
            self.applied[key] = (local, result)
            return result

    # -- document-time IRI expansion (JSON-LD 1.1 API §5.2, base IRI absent) --

    def expand_iri(self, value: str, vocab: bool) -> str | None:
        if value[:1] == "@" and (value in KEYWORDS or _KEYWORD_FORM.match(value)):
            _refuse("keyword-like value")
        term = self.terms.get(value)
        if term is not None:
            if term.keyword is not None:
                _refuse("value is a keyword alias")
            if vocab:
                return term.iri
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix[:2] == "//":
                return value
            mapping = self.terms.get(prefix)
            if mapping is not None and mapping.prefix:
                return mapping.iri + suffix
            if _IS_ABSOLUTE.match(value):
                return value
        if vocab and self.vocab is not None:
            return self.vocab + value
        return value  # relative: refused by the caller's IRI check

    def prop(self, key: str) -> _Prop:
        hit = self.props.get(key)
        if hit is not None:
            return hit
        term = self.terms.get(key)
        if term is None:
            return self._prop_for_iri(key)
        with _lock:
            hit = self.props.get(key)
            if hit is None:
                hit = self._make_prop(key, term)
                self.props[key] = hit
            return hit

    def _prop_for_iri(self, key: str) -> _Prop:
        # A key that is not a term: an absolute or compact IRI (or a term under @vocab). Not memoized:
        # keys come from untrusted documents.
        if key[:1] == "@":
            _refuse(f"keyword {key} in a document")
        expanded = self.expand_iri(key, True)
        if expanded is None or not _IS_ABSOLUTE.match(expanded):
            _refuse("undefined term")  # the strict path raises UndefinedTerm
        if expanded[:2] == "_:" or _ABSOLUTE_IRI.match(expanded) is None:
            _refuse("blank-node or invalid property IRI")
        return _Prop("<" + expanded + ">", PLAIN, self.previous or self, self, self, None)

    def _make_prop(self, key: str, term: _Term) -> _Prop:
        iri = term.iri
        if iri is None or not _IS_ABSOLUTE.match(iri):
            _refuse("term without an absolute IRI")
        if iri[:2] == "_:" or _ABSOLUTE_IRI.match(iri) is None:
            _refuse("blank-node or invalid property IRI")
        kind = PLAIN
        if term.type == "@json":
            kind = JSON_LITERAL
        elif term.container is not None:
            kind = _CONTAINERS[term.container]
        base = self.previous or self
        if term.context is _NO_CONTEXT:
            child_ctx, id_ctx, vctx, vterm = base, self, self, term
        else:
            child_ctx = base.apply(term.context, override_protected=True)
            id_ctx = self.apply(term.context, override_protected=True)
            vctx = id_ctx
            vterm = vctx.terms.get(key)
            # A property-scoped context that redefines the property itself: not implemented.
            if vterm is None or not vterm.same_as(term):
                _refuse("property-scoped context redefines its own property")
        vtype = vterm.type
        if vtype is not None and vtype[0] != "@" and _ABSOLUTE_IRI.match(vtype) is None:
            _refuse("invalid datatype IRI")
        if vtype == XSD_DOUBLE:
            _refuse("xsd:double-typed term")  # strings are re-read with parseFloat: the strict path does it
        return _Prop("<" + iri + ">", kind, child_ctx, id_ctx, vctx, vtype)

    def with_types(self, types: tuple) -> tuple[_Ctx, list[str]]:
        """(active context after the type-scoped contexts of ``types``, the type IRIs as RDF terms)."""
        hit = self.types.get(types)
        if hit is not None:
            return hit
        result = self._compute_types(types)
        if len(self.types) < _MEMO_LIMIT:
            with _lock:
                self.types.setdefault(types, result)
        return result

    def _compute_types(self, types: tuple) -> tuple[_Ctx, list[str]]:
        iris = []
        for value in types:
            expanded = self.expand_iri(value, True)  # against the type-scoped context (this one)
            if expanded is None or expanded[:2] == "_:" or _ABSOLUTE_IRI.match(expanded) is None:
                _refuse("blank-node, null or relative type")  # the strict path reports it
            iris.append("<" + expanded + ">")
        ctx = self
        for value in sorted(types):
            term = self.terms.get(value)
            if term is not None and term.context is not _NO_CONTEXT:
                ctx = ctx.apply(term.context, propagate=False)
        if ctx is not self and ctx.aliases != self.aliases:
            _refuse("a type-scoped context changes keyword aliases")
        return ctx, iris


# --- context processing (JSON-LD 1.1 API §4.1 / §4.2), subset ------------------------------------------


def _check_context_strings(value) -> None:
    if isinstance(value, str):
        if _BAD_CHARS.search(value):
            _refuse("control character in a context")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_context_strings(k)
            _check_context_strings(v)
    elif isinstance(value, list):
        for v in value:
            _check_context_strings(v)


def _process(active: _Ctx, local, override_protected: bool, propagate: bool, remote: tuple) -> _Ctx:
    result = active.clone()
    if isinstance(local, dict) and "@propagate" in local:
        _refuse("@propagate")
    if not propagate and result.previous is None:
        result.previous = active
    contexts = local if isinstance(local, (list, tuple)) else (local,)
    for context in contexts:
        if context is None:
            if not propagate:
                _refuse("null type-scoped context")
            if not override_protected and any(t.protected for t in result.terms.values()):
                _refuse("null context with protected terms")
            result = _Ctx(active.registry)
            continue
        if isinstance(context, str):
            if override_protected or not propagate or not _IS_ABSOLUTE.match(context):
                _refuse("remote context URL in a scoped context, or relative context URL")
            if context in remote:
                _refuse("recursive context inclusion")
            document = active.registry.get_shared(context)  # ContextNotAllowed unless pinned
            loaded = document.get("@context") if isinstance(document, dict) else None
            if not isinstance(loaded, (dict, list)):
                _refuse("remote context without @context")
            result = _process(result, loaded, False, True, (*remote, context))
            continue
        if not isinstance(context, dict):
            _refuse("invalid local context")
        _check_context_strings(context)
        for key in context:
            if key[:1] == "@" and key not in _CONTEXT_KEYS:
                _refuse(f"context keyword {key}")
        if "@version" in context and context["@version"] != 1.1:
            _refuse("invalid @version")
        protected = context.get("@protected", False)
        if not isinstance(protected, bool):
            _refuse("invalid @protected")
        if "@vocab" in context:
            vocab = context["@vocab"]
            if vocab is None:
                result.vocab = None
            elif (
                isinstance(vocab, str)
                and _IS_ABSOLUTE.match(vocab)
                and _ABSOLUTE_IRI.match(vocab)
                and not vocab.startswith("_:")
                and vocab not in context
                and vocab not in result.terms
                and vocab.split(":", 1)[0] not in context
                and vocab.split(":", 1)[0] not in result.terms
            ):
                result.vocab = vocab
            else:
                _refuse("@vocab that is not a plain absolute IRI")
        defined: dict[str, bool] = {}
        for term in context:
            if term not in _CONTEXT_KEYS:
                _create_term(result, context, term, defined, protected, override_protected, remote)
    return result


def _expand_in_context(active: _Ctx, value: str, local: dict, defined: dict, protected, override, remote):
    """IRI expansion during context processing (vocab=True, no base), creating dependencies first."""
    if value in KEYWORDS:
        return value
    if _KEYWORD_FORM.match(value):
        _refuse("keyword-like IRI in a context")
    if value in local and defined.get(value) is not True:
        _create_term(active, local, value, defined, protected, override, remote)
    term = active.terms.get(value)
    if term is not None:
        return term.keyword or term.iri
    if value in active.terms:
        return None
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix[:2] == "//":
            return value
        if prefix in local and not defined.get(prefix):
            _create_term(active, local, prefix, defined, protected, override, remote)
        mapping = active.terms.get(prefix)
        if mapping is not None and mapping.prefix:
            return mapping.iri + suffix
        if _IS_ABSOLUTE.match(value):
            return value
    if active.vocab is not None:
        return active.vocab + value
    return value


def _create_term(active: _Ctx, local: dict, term: str, defined: dict, protected_default, override, remote):
    state = defined.get(term)
    if state is True:
        return
    if state is False:
        _refuse("cyclic term definition")
    if not term or term[0] == "@" or ":" in term or "/" in term:
        _refuse(f"unsupported term {term!r}")
    defined[term] = False
    value = local[term]
    previous = active.terms.pop(term, None)
    simple = False
    if value is None:
        value = {"@id": None}
    elif isinstance(value, str):
        value = {"@id": value}
        simple = True
    elif not isinstance(value, dict):
        _refuse("invalid term definition")
    if not set(value) <= _TERM_KEYS:
        _refuse(f"term definition keys {sorted(set(value) - _TERM_KEYS)}")
    definition = _Term()
    prot = value.get("@protected", protected_default)
    if not isinstance(prot, bool):
        _refuse("invalid @protected")
    definition.protected = prot
    if "@type" in value:
        type_ = value["@type"]
        if not isinstance(type_, str):
            _refuse("invalid type mapping")
        type_ = _expand_in_context(active, type_, local, defined, protected_default, override, remote)
        if type_ in ("@id", "@vocab", "@json"):
            pass
        elif (
            not isinstance(type_, str)
            or type_.startswith("_:")
            or not _IS_ABSOLUTE.match(type_)
            or _ABSOLUTE_IRI.match(type_) is None
        ):
            _refuse("unsupported type mapping")
        definition.type = type_
    if "@id" in value and value["@id"] != term:
        ident = value["@id"]
        if ident is None:
            definition.iri = None
        elif not isinstance(ident, str):
            _refuse("invalid IRI mapping")
        else:
            if ident not in KEYWORDS and _KEYWORD_FORM.match(ident):
                _refuse("keyword-like IRI mapping")
            expanded = _expand_in_context(active, ident, local, defined, protected_default, override, remote)
            if expanded is None:
                _refuse("IRI mapping to a null term")
            if expanded in KEYWORDS:
                if expanded == "@context" or set(value) - {"@id", "@protected"}:
                    _refuse("keyword alias with options")
                definition.keyword = expanded
            elif _IS_ABSOLUTE.match(expanded):
                definition.iri = expanded
                if simple and (expanded[-1] in _GEN_DELIMS or expanded.startswith("_:")):
                    definition.prefix = True
            else:
                _refuse("relative IRI mapping")
    elif active.vocab is not None:
        definition.iri = active.vocab + term
    else:
        _refuse("term without IRI mapping")
    if "@container" in value:
        container = value["@container"]
        if isinstance(container, list) and len(container) == 1:
            container = container[0]
        if container not in _CONTAINERS or definition.keyword is not None:
            _refuse(f"container {container!r}")
        definition.container = container
    if "@context" in value:
        scoped = value["@context"]
        # Validate the scoped context now, as JSON-LD processors do (an invalid one makes the whole
        # context invalid even if the term is never used).
        try:
            _process(active, scoped, True, True, remote)
        except Exception as exc:
            raise NeedsReferenceProcessor(f"scoped context of {term!r}: {exc}") from None
        definition.context = scoped
    if not override and previous is not None and previous.protected:
        if not definition.same_as(previous):
            _refuse(f"redefinition of protected term {term!r}")
        definition = previous
    active.terms[term] = definition
    defined[term] = True


# --- per-registry roots ---------------------------------------------------------------------------------

_roots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _root(registry: ContextRegistry) -> _Ctx:
    entry = _roots.get(registry)
    generation = registry.generation
    if entry is not None and entry[0] == generation:
        return entry[1]
    with _lock:
        entry = _roots.get(registry)
        if entry is None or entry[0] != generation:
            entry = (generation, _Ctx(registry).seal())
            _roots[registry] = entry
        return entry[1]


def _top_context(registry: ContextRegistry, context) -> _Ctx:
    root = _root(registry)
    if isinstance(context, str):
        key = (context,)
    elif isinstance(context, list) and context and all(type(c) is str for c in context):
        key = tuple(context)
    else:
        _refuse("inline or empty top-level @context")
    hit = root.tops.get(key)
    if hit is not None:  # its URLs were looked at when it was made
        return hit
    for url in key:
        if _BAD_CHARS.search(url):
            raise _Unsafe()
    with _lock:
        hit = root.tops.get(key)
        if hit is None:
            hit = _process(root, key, False, True, ()).seal()
            if len(root.tops) < _MEMO_LIMIT:
                root.tops[key] = hit
        return hit


# --- the document walk ------------------------------------------------------------------------------------


def _check_number(value) -> None:
    """check_input's number check: what JavaScript reads must be finite (value_literal does the rest)."""
    if type(value) is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return
        try:
            float(value)
        except OverflowError:
            raise _Unsafe() from None
        return
    if type(value) is float:
        if not math.isfinite(value):
            raise _Unsafe()
        return
    raise _Unsafe()  # bool is handled by the callers; other types are not JSON


def _check_json(value, depth: int) -> None:
    """check_input over a @json value."""
    if depth > MAX_DEPTH:
        raise _Unsafe()
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise _Unsafe()
    elif isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str) or _SURROGATE.search(k):
                raise _Unsafe()
            _check_json(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_json(v, depth + 1)
    elif value is not None and value is not True and value is not False:
        _check_number(value)


class _Subtree:
    """The quads of one node object converted in one active context at one depth, in the order the walk
    emits them, with the blank nodes it created as their local numbers (0, 1, …: ``"_:b" + str(counter +
    n)`` when replayed), and its subject. Immutable once published."""

    __slots__ = ("bnodes", "instances", "quads", "subject", "typed_strings", "unmergeable")

    def __init__(self, quads: tuple, bnodes: int, subject, unmergeable: tuple, typed_strings: tuple):
        self.quads = quads
        self.bnodes = bnodes
        self.subject = subject
        self.unmergeable = unmergeable  # what the walk added to _Walker.unmergeable / typed_strings
        self.typed_strings = typed_strings
        # {first blank node number: (quads, unmergeable, typed_strings, subject) with the labels filled in}: a
        # cohort's credentials embed their achievement at the same place, so it is replayed from the same
        # number each time and its quads are made once. The only part that changes; a function of the
        # number alone, so a race between threads at worst makes one twice.
        self.instances: dict[int, tuple] = {}

    def instance(self, base: int) -> tuple:
        """The recorded quads with the blank nodes numbered from ``base`` (``"_:b" + str(base + n)``)."""
        found = self.instances.get(base)
        if found is not None:
            return found
        labels = ["_:b" + str(base + n) for n in range(self.bnodes)]

        def filled(recorded: tuple) -> tuple:
            return tuple(
                [
                    quad if type(quad) is tuple else tuple([labels[t] if type(t) is int else t for t in quad])
                    for quad in recorded
                ]
            )

        subject = self.subject
        found = (
            filled(self.quads),
            filled(self.unmergeable),
            filled(self.typed_strings),
            labels[subject] if type(subject) is int else subject,
        )
        if len(self.instances) >= _SUBTREE_INSTANCES:
            self.instances.clear()
        self.instances[base] = found
        return found


class _Walker:
    __slots__ = ("counter", "labels", "named", "quads", "typed_strings", "unmergeable")

    def __init__(self):
        self.quads: list[rdf.Quad] = []
        self.labels: dict[str, str] = {}
        self.counter = 0
        self.named = 0  # how many times a blank node identifier of the document was looked up
        # Where literals came from, for repeated ones (see _repeats_merge): every literal quad made from a
        # value that is not a JSON string (number, boolean, @json), and every one made from a string under a
        # term typed xsd:string (written like an untyped one, but a different value for jsonld.js).
        self.unmergeable: list[rdf.Quad] = []
        self.typed_strings: list[rdf.Quad] = []

    def bnode(self) -> str:
        label = "_:b" + str(self.counter)
        self.counter += 1
        return label

    def named_bnode(self, label: str) -> str:
        self.named += 1
        found = self.labels.get(label)
        if found is None:
            found = self.labels[label] = self.bnode()
        return found

    def iri_term(self, value: str) -> str:
        if value[:2] == "_:":
            return self.named_bnode(value)
        if _ABSOLUTE_IRI.match(value) is None:
            _refuse("relative IRI")  # the strict path raises RelativeIRI
        return "<" + value + ">"

    def node(self, element: dict, ctx: _Ctx, graph: str, depth: int, top: bool = False) -> str:
        """Emit the quads of a node object; ``ctx`` is the active context after reverting a non-propagated
        context and applying the property-scoped context (Expansion steps 7–9). Returns its subject.

        Compiled where the loops are built (``_canonical.walk_node``, the same steps as :meth:`_node` and
        :meth:`plain`, handing the rarer cases back to this class's methods), :meth:`_node` otherwise."""
        if compiled is not None:
            return compiled.walk_node(self, element, ctx, graph, depth, top)
        return self._node(element, ctx, graph, depth, top)

    def _node(self, element: dict, ctx: _Ctx, graph: str, depth: int, top: bool = False) -> str:
        # check_input depths: the node is at ``depth``, its values at depth + 1, array items at depth + 2
        if depth >= MAX_DEPTH and (depth > MAX_DEPTH or element):
            raise _Unsafe()
        aliases = ctx.aliases
        ident = types = None
        props = []
        for key, value in element.items():
            kw = aliases.get(key)
            if kw is None:
                if key[:1] == "@":
                    if key == "@id" or key == "@type":
                        kw = key
                    elif key == "@context" and top:
                        continue
                    else:
                        _refuse(f"{key} in a document")
                else:
                    props.append((key, value))
                    continue
            if kw == "@id":
                if ident is not None or type(value) is not str:
                    _refuse("several or non-string @id")
                ident = value
            elif kw == "@type":
                if types is not None:
                    _refuse("several @type keys")
                types = value
            else:
                _refuse(f"alias of {kw}")

        if types is not None:
            if type(types) is str:
                types = (types,)
            elif type(types) is list:
                for t in types:
                    if type(t) is not str:
                        _refuse("non-string type")
                if types and depth + 2 > MAX_DEPTH:
                    raise _Unsafe()
                types = tuple(types)
            else:
                _refuse("invalid @type")
            for t in types:
                if _BAD_CHARS.search(t):
                    raise _Unsafe()
            ctx, type_iris = ctx.with_types(types)
        else:
            type_iris = ()

        if ident is None:
            subject = self.bnode()
        else:
            if _BAD_CHARS.search(ident):
                raise _Unsafe()
            subject = self.iri_term(ctx.expand_iri(ident, False))

        out = self.quads
        for t in type_iris:
            out.append((subject, RDF_TYPE, t, graph))
        memo = ctx.props
        depth += 1
        for key, value in props:
            prop = memo.get(key)
            if prop is None:
                if key not in ctx.terms and _BAD_CHARS.search(key):
                    raise _Unsafe()
                prop = ctx.prop(key)
            if prop.kind == PLAIN:
                # inlined: a single string value that needs neither checks nor escapes
                if type(value) is str and prop.suffix is not None and _SPECIAL.search(value) is None:
                    out.append((subject, prop.pred, '"' + value + '"' + prop.suffix, graph))
                    if prop.typed_string:
                        self.typed_strings.append(out[-1])
                else:
                    self.plain(subject, prop, value, ctx, graph, depth)
            else:
                self.values(subject, prop, value, ctx, graph, depth)
        return subject

    def identified_node(self, element: dict, ctx: _Ctx, depth: int) -> str:
        """:meth:`node` in the default graph for a node object with an IRI ``id`` (an achievement, an issuer
        profile: described the same way in every credential that embeds it), replayed from ``ctx.subtrees``
        when the same object was converted in the same active context at the same depth before.

        "The same object" is decided on an exact key: ``_canonical.json_key`` where the compiled loops are built
        (equal keys: equal JSON values of equal types, dict order and float bits alike), its pickle otherwise
        (pickling is exact too: types, dict order, every character and float bit). Equal values of equal types
        are what the walk turns into the same quads, blank nodes aside. Objects that name a blank node
        identifier (shared with the rest of the document) or that the walk refuses are never remembered."""
        try:
            key = exact_key(element)
        except Exception:  # not plain JSON data (the walk decides), or too large to remember
            return self.node(element, ctx, "", depth)
        if not _SUBTREE_MIN_BYTES <= len(key) <= _SUBTREE_MAX_BYTES:
            return self.node(element, ctx, "", depth)
        key = (depth, key)
        cache = ctx.subtrees
        hit = cache.get(key)
        if hit is not None:
            with _lock:  # most recently used last
                cache.pop(key, None)
                cache[key] = hit
            base = self.counter
            self.counter = base + hit.bnodes
            quads, unmergeable, typed_strings, subject = hit.instance(base)
            self.quads.extend(quads)
            if unmergeable:
                self.unmergeable.extend(unmergeable)
            if typed_strings:
                self.typed_strings.extend(typed_strings)
            return subject
        starts = len(self.quads), len(self.unmergeable), len(self.typed_strings)
        base, named = self.counter, self.named
        subject = self.node(element, ctx, "", depth)
        if self.named != named:
            return subject
        local = {"_:b" + str(base + n): n for n in range(self.counter - base)}

        def template(quads):
            if not local:
                return tuple(quads)
            return tuple([local.get(t, t) for t in q] if any(t in local for t in q) else q for q in quads)

        entry = _Subtree(
            template(self.quads[starts[0] :]),
            len(local),
            local.get(subject, subject),
            template(self.unmergeable[starts[1] :]),
            template(self.typed_strings[starts[2] :]),
        )
        with _lock:
            cache[key] = entry
            while len(cache) > _SUBTREE_LIMIT:
                del cache[next(iter(cache))]
        return subject

    def values(self, subject: str, prop: _Prop, value, ctx: _Ctx, graph: str, depth: int) -> None:
        kind = prop.kind
        if kind == PLAIN:
            self.plain(subject, prop, value, ctx, graph, depth)
            return
        if depth > MAX_DEPTH:
            raise _Unsafe()
        if kind == JSON_LITERAL:
            if value is None:
                _refuse("null @json value")
            _check_json(value, depth)
            self.quads.append((subject, prop.pred, rdf.literal(canonical_json(value), RDF_JSON), graph))
            self.unmergeable.append(self.quads[-1])  # a @json object is never === another
        elif kind == LIST:
            self.list(subject, prop, value, graph, depth)
        else:
            self.graph(subject, prop, value, ctx, graph, depth)

    def plain(self, subject: str, prop: _Prop, value, ctx: _Ctx, graph: str, depth: int) -> None:
        """``value`` is at check_input depth ``depth``."""
        if depth > MAX_DEPTH:
            raise _Unsafe()
        if type(value) is list:
            for item in value:
                self.plain(subject, prop, item, ctx, graph, depth + 1)
            return
        if value is None:
            return
        if type(value) is dict:
            if ctx.other_aliases and any(k in ctx.aliases for k in value):
                _refuse("keyword alias in a nested object")
            child = prop.child_ctx
            if len(value) == 1:
                (key,) = value
                if key == "@id" or ctx.aliases.get(key) == "@id":
                    child = prop.id_ctx
                obj = self.node(value, child, graph, depth)
            elif (
                len(value) >= _SUBTREE_MIN_KEYS
                and graph == ""
                and type(value.get("id")) is str
                and value["id"][:2] != "_:"
            ):
                obj = self.identified_node(value, child, depth)
            else:
                obj = self.node(value, child, graph, depth)
        else:
            obj = self.scalar(prop, value)
            if obj[0] == '"':
                quad = (subject, prop.pred, obj, graph)
                self.quads.append(quad)
                if type(value) is not str:
                    self.unmergeable.append(quad)
                elif prop.typed_string:
                    self.typed_strings.append(quad)
                return
        self.quads.append((subject, prop.pred, obj, graph))

    def scalar(self, prop: _Prop, value) -> str:
        if type(value) is str:
            suffix = prop.suffix
            if _SPECIAL.search(value) is not None:
                if _SURROGATE.search(value):
                    raise _Unsafe()
                if suffix is not None:
                    return '"' + rdf.escape_literal_text(value) + '"' + suffix
            elif suffix is not None:
                return '"' + value + '"' + suffix
            expanded = prop.vctx.expand_iri(value, prop.vtype == "@vocab")
            if expanded is None:
                _refuse("null IRI")
            return self.iri_term(expanded)
        vtype = prop.vtype
        if value is True or value is False:
            return value_literal(value, None if vtype is None or vtype[0] == "@" else vtype)
        _check_number(value)
        return value_literal(value, None if vtype is None or vtype[0] == "@" else vtype)

    def list(self, subject: str, prop: _Prop, value, graph: str, depth: int) -> None:
        items = value if type(value) is list else [value]
        if type(value) is list and value and depth + 1 > MAX_DEPTH:
            raise _Unsafe()
        terms = []
        for item in items:
            if item is None:
                continue
            if type(item) is list or type(item) is dict:
                _refuse("nested list or node object in a list")
            terms.append(self.scalar(prop, item))  # repeated items stay: a list keeps every item
        out = self.quads
        if not terms:
            out.append((subject, prop.pred, RDF_NIL, graph))
            return
        head = self.bnode()
        out.append((subject, prop.pred, head, graph))
        current = head
        last = len(terms) - 1
        for i, term in enumerate(terms):
            out.append((current, RDF_FIRST, term, graph))
            nxt = RDF_NIL if i == last else self.bnode()
            out.append((current, RDF_REST, nxt, graph))
            current = nxt

    def graph(self, subject: str, prop: _Prop, value, ctx: _Ctx, graph: str, depth: int) -> None:
        items = value if type(value) is list else [value]
        if type(value) is list:
            depth += 1
        for item in items:
            if depth > MAX_DEPTH:
                raise _Unsafe()
            if item is None:
                continue
            if type(item) is not dict:
                _refuse("non-node value in a @graph container")
            if ctx.other_aliases and any(k in ctx.aliases for k in item):
                _refuse("keyword alias in a nested object")
            child = prop.child_ctx
            if len(item) == 1:
                (key,) = item
                if key == "@id" or ctx.aliases.get(key) == "@id":
                    child = prop.id_ctx
            name = self.bnode()
            self.quads.append((subject, prop.pred, name, graph))
            self.node(item, child, name, depth)


if compiled is not None:
    compiled.walk_setup(
        {
            "unsafe": _Unsafe,
            "refuse": NeedsReferenceProcessor,
            "rdf_type": RDF_TYPE,
            "max_depth": MAX_DEPTH,
            "subtree_min_keys": _SUBTREE_MIN_KEYS,
            "subtree_min_bytes": _SUBTREE_MIN_BYTES,
            "subtree_max_bytes": _SUBTREE_MAX_BYTES,
            "subtree_max_values": _SUBTREE_MAX_VALUES,
        }
    )


def exact_key(element) -> bytes:
    """Bytes equal for two JSON values exactly when the values are equal with equal types throughout (see
    :meth:`_Walker.identified_node`); an exception for what is not plain JSON data."""
    if compiled is not None:
        return compiled.json_key(element, _SUBTREE_MAX_VALUES)
    return pickle.dumps(element, protocol=5)


def to_quads(document: dict, registry: ContextRegistry) -> list[rdf.Quad]:
    """RDF quads of ``document`` (same set as strict expansion + toRdf), or :class:`NeedsReferenceProcessor`.

    Raises ``NeedsReferenceProcessor`` for anything not implemented and for every document the strict path
    would refuse; never returns a result that differs from the strict path's.
    """
    try:
        ctx = _top_context(registry, document["@context"])
        walker = _Walker()
        walker.node(document, ctx, "", 0, top=True)
    except _Unsafe:
        raise NeedsReferenceProcessor("unsafe input (reported by the strict path)") from None
    except RecursionError:
        raise NeedsReferenceProcessor("too deep") from None
    quads = walker.quads
    if not walker.unmergeable and not walker.typed_strings:  # every repeated quad merges (see _repeats_merge)
        return list(dict.fromkeys(quads))
    # one pass: the distinct quads in order, and how often each was made
    counts = compiled.quad_counts(quads) if compiled is not None else Counter(quads)
    if len(counts) != len(quads) and not _repeats_merge(walker, counts):
        # Whether jsonld.js merges a repeated literal depends on the values it came from (its node map tells
        # 5 and "5" apart, and 1e-7 and 2e-7, which both make "0"): the strict path decides.
        raise NeedsReferenceProcessor("repeated literal")
    return list(counts)


def _repeats_merge(walker: _Walker, counts: dict) -> bool:
    """Whether every literal the document makes more than once comes each time from an equal JSON string
    under the same type mapping, hence from equal expanded values (same ``@value``, same ``@type``), which
    jsonld.js's node map (util.compareValues) and the strict path merge into one statement: the issuer's
    profile embedded again as the achievement's creator, a string repeated in an array. A literal's text
    tells the type mapping of a string, except that untyped and xsd:string-typed ones are written alike."""
    # Only the literals listed in unmergeable / typed_strings can fail (all of them are literal quads), so only
    # theirs are looked up among the counts (``counts``: of every quad the walk made): a cohort's credentials
    # each repeat the issuer's profile.
    unmergeable, typed_strings = walker.unmergeable, walker.typed_strings
    for quad in unmergeable:
        if counts[quad] > 1:
            return False
    if typed_strings:
        for quad, typed in Counter(typed_strings).items():
            if typed < counts[quad]:  # made from a string both with and without the xsd:string mapping
                return False
    return True
