"""Random JSON-LD documents over the pinned contexts, driven by the terms each active context defines.

Complements credential_shapes.py (the shapes we issue) with arbitrary combinations of every term, type-
and property-scoped context of the pinned contexts: typed values, @id/@vocab coercion, @list, @graph and
@json terms, blank node identifiers, compact IRIs, nested arrays, nulls, booleans and numbers. Used only to
choose keys; the fast path's output is judged by PyLD and jsonld.js, never by itself.
"""

from __future__ import annotations

import contextlib
import random

from microcred.vc import expansion

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/"
CONTEXT_SETS = [
    [VC_V2, OB + "context-3.0.3.json", OB + "extensions.json", "https://w3id.org/microcred/v1"],
    [VC_V2],
    [VC_V2, OB + "context-3.0.2.json"],
    [VC_V2, OB + "context-3.0.3.json"],
    [VC_V2, "https://w3id.org/security/data-integrity/v2"],
    [VC_V2, "https://www.w3.org/ns/credentials/status/v1"],
    ["https://w3id.org/security/multikey/v1"],
    [VC_V2, "https://w3id.org/security/data-integrity/v1", "https://w3id.org/security/multikey/v1"],
]
STRINGS = [
    "x", "A", "https://ex.org/a", "urn:x:1", "did:key:z6Mk1", "_:b1", "_:b2", "assertionMethod", "ex:foo",
    "é🎓", "2024-01-01", "2024-01-01T00:00:00Z", "", "tab\tand\nnewline", 'quote"back\\slash', "عربى",
]  # fmt: skip
NUMBERS = [0, 1, -3, 42, 2.5, 1.0, 0.001, 3.14159, 9007199254740991, 123456.75]
IDS = ["https://ex.org/n/1", "https://ex.org/n/2", "urn:uuid:1", "_:n1", "_:n2", "did:ex:1"]


def _scalar(rng: random.Random, ctx):
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(STRINGS)
    if roll < 0.5:
        return rng.choice(NUMBERS)
    if roll < 0.6:
        return rng.choice([True, False])
    if roll < 0.65:
        return None
    return rng.choice(list(ctx.terms))  # a term as a value (matters for @vocab-typed terms)


def _node(rng: random.Random, ctx, depth: int) -> dict:
    node: dict = {}
    types = sorted(t for t in ctx.terms if t[:1].isupper())
    if types and rng.random() < 0.7:
        chosen = rng.sample(types, min(len(types), rng.choice([1, 1, 1, 2])))
        node["type"] = chosen if rng.random() < 0.7 else chosen[0]
        with contextlib.suppress(expansion.NeedsReferenceProcessor):
            ctx, _iris = ctx.with_types(tuple(chosen))
    if rng.random() < 0.5:
        node["id"] = rng.choice(IDS)
    keys = sorted(t for t, term in ctx.terms.items() if term.keyword is None)
    for key in rng.sample(keys, min(len(keys), rng.randint(0, 5))):
        try:
            child = ctx.prop(key).child_ctx
        except expansion.NeedsReferenceProcessor:
            child = ctx
        roll = rng.random()
        if roll < 0.45 or depth > 3:
            node[key] = _scalar(rng, ctx)
        elif roll < 0.75:
            node[key] = _node(rng, child, depth + 1)
        else:
            node[key] = [
                _node(rng, child, depth + 1) if rng.random() < 0.4 else _scalar(rng, ctx)
                for _ in range(rng.randint(0, 3))
            ]
    return node


def documents(registry, count: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        contexts = rng.choice(CONTEXT_SETS)
        try:
            top = expansion._top_context(registry, contexts)
        except expansion.NeedsReferenceProcessor:
            continue  # e.g. a protected-term conflict between the chosen contexts
        out.append({"@context": list(contexts), **_node(rng, top, 0)})
    return out
