"""Mutations of an issued credential, as an attacker or a careless tool would make them (issue #10's fuzz).

Each mutation is ``(name, document)``. Some change what the signature covers (a leaf changed, a date moved);
others keep the signed dataset and only change its JSON spelling (a member under its full IRI or under an
alias from an inline ``@context``, a value object instead of a plain value, an array reordered). The second
kind must verify exactly as the original: same facts, same verdict.

Renames are exact: the IRI, type coercion and container of each member are found by expanding the document
with a probe value in that member, so every member of the credential can be renamed, not only a list of
known ones.
"""

from __future__ import annotations

import copy
import random
import unicodedata

from microcred.vc.exceptions import VCError
from microcred.vc.jsonld import expand

KEYWORD_KEYS = {"@context", "id", "type", "proof"}
PROBE = "urn:uuid:0b5e55ed-0000-4000-8000-00000000fade"


def _paths(value, path=()):
    """Every (path, value) of a JSON tree, leaves and containers, depth first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def _set(doc, path, value):
    _get(doc, path[:-1])[path[-1]] = value


def _find_probe(expanded, found=None):
    """(property IRI, coercion, container) of the expanded property that holds the probe value."""
    if isinstance(expanded, list):
        for item in expanded:
            hit = _find_probe(item)
            if hit:
                return hit
        return None
    if not isinstance(expanded, dict):
        return None
    for key, values in expanded.items():
        if key.startswith("@") and key not in ("@graph", "@included"):
            continue
        for item in values if isinstance(values, list) else [values]:
            if not isinstance(item, dict):
                continue
            if item.get("@value") == PROBE:
                return key, item.get("@type"), None
            if item.get("@id") == PROBE:
                return key, "@id", None
            if "@list" in item and any(
                isinstance(x, dict) and PROBE in (x.get("@value"), x.get("@id")) for x in item["@list"]
            ):
                inner = next(
                    x for x in item["@list"] if isinstance(x, dict) and PROBE in (x.get("@value"), x.get("@id"))
                )
                return key, "@id" if "@id" in inner else inner.get("@type"), "@list"
            hit = _find_probe(item)
            if hit:
                return hit
    return None


def member_meanings(doc: dict) -> dict[tuple, tuple[str, str | None, str | None]]:
    """For each member path (outside the proof) whose value is plain data: its (IRI, coercion, container)."""
    meanings = {}
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    for path, value in _paths(unsigned):
        if not path or isinstance(path[-1], int) or path[-1] in KEYWORD_KEYS or path[0] == "@context":
            continue
        if isinstance(value, dict):
            continue  # objects keep their own meaning; their members are probed one by one
        probe = copy.deepcopy(unsigned)
        _set(probe, path, [PROBE] if isinstance(value, list) else PROBE)
        try:
            hit = _find_probe(expand(probe))
        except VCError:  # a probe the contexts refuse is skipped
            continue
        if hit:
            meanings[path] = hit
    # Members whose value is an object: their IRI is found by probing an "id" inside (the object is a node).
    for path, value in _paths(unsigned):
        if not path or isinstance(path[-1], int) or path[-1] in KEYWORD_KEYS or path[0] == "@context":
            continue
        if isinstance(value, dict):
            probe = copy.deepcopy(unsigned)
            _set(probe, path, PROBE)
            try:
                hit = _find_probe(expand(probe))
            except VCError:
                continue
            if hit:
                meanings[path] = (hit[0], None, hit[2])
    return meanings


def _wrap(value, coercion, container):
    """``value`` written so that, under a key with no coercion, it means what it meant under its term."""

    def one(v):
        if isinstance(v, dict):
            return v
        if coercion == "@id" and isinstance(v, str):
            return {"@id": v}
        if coercion and coercion != "@id":
            return {"@value": v, "@type": coercion}
        return v

    wrapped = [one(v) for v in value] if isinstance(value, list) else one(value)
    if container == "@list":
        return {"@list": wrapped if isinstance(wrapped, list) else [wrapped]}
    return wrapped


def _renamed(doc, path, new_key, new_value):
    changed = copy.deepcopy(doc)
    parent = _get(changed, path[:-1])
    # keep the member's position among its siblings
    items = [(new_key, new_value) if k == path[-1] else (k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)
    return changed


def same_data_mutations(doc: dict):
    """Mutations that keep the signed dataset: renames to full IRIs, inline aliases, value objects, reorderings."""
    for n, (path, (iri, coercion, container)) in enumerate(sorted(member_meanings(doc).items(), key=str)):
        value = _get(doc, path)
        where = "/".join(map(str, path))
        yield f"full IRI {where}", _renamed(doc, path, iri, _wrap(value, coercion, container))
        alias = f"alias{n}"
        definition = {"@id": iri}
        if coercion:
            definition["@type"] = coercion
        if container:
            definition["@container"] = container
        aliased = _renamed(doc, path, alias, copy.deepcopy(value))
        aliased["@context"] = [*aliased["@context"], {alias: definition}]
        yield f"inline alias {where}", aliased
        if coercion and coercion != "@id" and not isinstance(value, (dict, list)):
            yield f"value object {where}", _renamed(doc, path, path[-1], {"@value": value, "@type": coercion})
    for path, value in _paths({k: v for k, v in doc.items() if k not in ("proof", "@context")}):
        if isinstance(value, list) and len(value) > 1 and len({repr(v) for v in value}) > 1:
            changed = copy.deepcopy(doc)
            _set(changed, path, list(reversed(value)))
            yield "reversed " + "/".join(map(str, path)), changed
    changed = copy.deepcopy(doc)
    changed["@context"] = [*doc["@context"], {"identifier_of_node": "@id"}]
    yield "inline context aliasing @id", changed


def _leaf_variants(value, rng: random.Random):
    if isinstance(value, bool):
        yield "flipped", not value
        yield "as text", str(value).lower()
    elif isinstance(value, int | float):
        yield "plus one", value + 1
        yield "as text", str(value)
        yield "as float", float(value)
    elif isinstance(value, str):
        yield "appended", value + "x"
        nfd = unicodedata.normalize("NFD", value)
        if nfd != value:
            yield "NFD", nfd
        if value:
            i = rng.randrange(len(value))
            yield "zero-width space", value[:i] + "\u200b" + value[i:]
            digits = [j for j, ch in enumerate(value) if ch.isdigit()]
            if digits:
                j = rng.choice(digits)
                yield "digit changed", value[:j] + str((int(value[j]) + 1) % 10) + value[j + 1 :]
                yield "full-width digit", value[:j] + chr(0xFF10 + int(value[j])) + value[j + 1 :]
            yield "homoglyph", value.replace("e", "\u0435", 1).replace("a", "\u0430", 1)
    yield "null", None


def changed_data_mutations(doc: dict, rng: random.Random):
    """Mutations that change what the signature covers (or the proof): none of these may verify as valid."""
    for path, value in _paths(doc):
        if not path:
            continue
        where = "/".join(map(str, path))
        if not isinstance(value, dict | list):
            for how, new in _leaf_variants(value, rng):
                if new == value and type(new) is type(value):
                    continue
                changed = copy.deepcopy(doc)
                _set(changed, path, new)
                yield f"{how} {where}", changed
        if not isinstance(path[-1], int):
            changed = copy.deepcopy(doc)
            del _get(changed, path[:-1])[path[-1]]
            yield f"deleted {where}", changed
            if path[-1] not in KEYWORD_KEYS:
                changed = copy.deepcopy(doc)
                key = path[-1]
                mangled = key.replace("e", "\u0435", 1) if "e" in key else key + "\u200b"
                yield f"homoglyph key {where}", _renamed(changed, path, mangled, copy.deepcopy(value))
    # proofs
    proof = doc["proof"][0]
    for a, b in (("created", "verificationMethod"), ("proofPurpose", "cryptosuite")):
        changed = copy.deepcopy(doc)
        changed["proof"][0][a], changed["proof"][0][b] = proof[b], proof[a]
        yield f"proof {a}<->{b}", changed
    for field, new in (
        ("proofPurpose", "authentication"),
        ("cryptosuite", "ecdsa-rdfc-2019"),
        ("type", "Ed25519Signature2020"),
        ("created", "2020-01-01T00:00:00Z"),
        ("created", "2026-02-30T00:00:00Z"),
        ("proofValue", proof["proofValue"][:-2] + "11"),
        ("proofValue", "z" + "1" * 80),
        ("expires", "2020-01-01T00:00:00Z"),
    ):
        changed = copy.deepcopy(doc)
        changed["proof"][0][field] = new
        yield f"proof {field}={new[:20]}", changed
    changed = copy.deepcopy(doc)
    changed["proof"] = [proof, copy.deepcopy(proof)]
    yield "proof duplicated", changed
    changed = copy.deepcopy(doc)
    changed["proof"] = proof
    yield "proof as an object", changed
    # dates moved
    for member in ("validFrom", "validUntil", "awardedDate"):
        for new in (
            "2020-01-01T00:00:00Z",
            "2099-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-06-30T23:59:60Z",
            "2026-06-01T12:00:00",
            "2026-06-01",
        ):
            changed = copy.deepcopy(doc)
            changed[member] = new
            yield f"date {member}={new}", changed
    # contexts
    for how, contexts in (
        ("context dropped", doc["@context"][:-1]),
        ("context reordered", [doc["@context"][0], *reversed(doc["@context"][1:])]),
        ("unknown context", [*doc["@context"], "https://evil.example/context.jsonld"]),
        ("@vocab context", [*doc["@context"], {"@vocab": "https://evil.example/#"}]),
        ("context redefines a protected term", [*doc["@context"], {"name": "https://evil.example/#name"}]),
    ):
        changed = copy.deepcopy(doc)
        changed["@context"] = contexts
        yield how, changed
    # duplicated meaning: a second status entry, or another validUntil, under the full IRI beside the term
    if "credentialStatus" in doc:
        changed = copy.deepcopy(doc)
        other = copy.deepcopy(doc["credentialStatus"])
        other["id"] = other["id"] + "0"
        other["statusListIndex"] = "0"
        changed["https://www.w3.org/2018/credentials#credentialStatus"] = other
        yield "a second status entry under the full IRI", changed
    changed = copy.deepcopy(doc)
    changed["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": "2099-01-01T00:00:00Z",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    yield "a second validUntil under the full IRI", changed
