"""Blank-node-heavy JSON-LD documents, for the work-limit differential against rdf-canonize.

* :func:`credential_twins`: OpenBadgeCredentials with k identical blank-node subtrees (alignments, related
  achievements, identifiers, creator and co-lead profiles with an address, geo coordinates and m identical
  identifier entries, results with m identical alignments), with and without subject and achievement ids,
  so that many blank nodes share their first-degree hash and canonicalization needs Hash N-Degree Quads.
* :func:`poison_graphs`: the classic hard graphs of blank nodes (cliques, rings, double rings, twin chains,
  stars, complete bipartite graphs, grids), as flat JSON-LD with an inline context.

Only the structure is chosen here; what is accepted or refused is decided by rdf-canonize in the test.
"""

from __future__ import annotations

import copy
import itertools

from credential_shapes import CREDENTIAL_CONTEXTS

P = "http://example.com/p"
Q = "http://example.com/q"
NAME = "http://example.com/name"
INLINE_CONTEXT = {
    "p": {"@id": P, "@type": "@id"},
    "q": {"@id": Q, "@type": "@id"},
    "name": NAME,
}


def _base(subject_id: bool, achievement_id: bool) -> dict:
    achievement: dict = {
        "type": ["Achievement"],
        "name": "Teamwork",
        "criteria": {"narrative": "Team members are nominated by their peers."},
    }
    if achievement_id:
        achievement["id"] = "https://mc.example.eu/catalogue/teamwork/v1/"
    subject: dict = {"type": ["AchievementSubject"], "achievement": achievement}
    if subject_id:
        subject["id"] = "did:example:ebfeb1f712ebc6f1c276e12ec21"
    return {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": "urn:uuid:2f1f4a7e-6f0b-4a8e-9d52-8d3f0e3c1a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:mc.example.eu:issuers:ub", "type": ["Profile"], "name": "University"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": subject,
    }


def _alignment(_m: int) -> dict:
    return {
        "type": ["Alignment"],
        "targetName": "work in teams",
        "targetUrl": "http://data.europa.eu/esco/skill/6d3edede-8951-4621-a835-e04323300fa0",
        "targetFramework": "ESCO",
    }


def _related(_m: int) -> dict:
    return {"type": ["Related"], "version": "1", "inLanguage": "en"}


def _identifier_entry(_m: int) -> dict:
    return {"type": "IdentifierEntry", "identifier": "UB-0042", "identifierType": "sourcedId"}


def _identity(_m: int) -> dict:
    return {"type": "IdentityObject", "identityHash": "Ana García", "identityType": "name", "hashed": False}


def _profile(m: int) -> dict:
    profile = {
        "type": ["Profile"],
        "name": "Partner university",
        "address": {
            "type": ["Address"],
            "addressCountry": "Spain",
            "geo": {"type": "GeoCoordinates", "latitude": 41.5, "longitude": 2.25},
        },
    }
    if m:
        profile["otherIdentifier"] = [_identifier_entry(0) for _ in range(m)]
    return profile


def _result(m: int) -> dict:
    result = {"type": ["Result"], "value": "A", "status": "Completed"}
    if m:
        result["alignment"] = [_alignment(0) for _ in range(m)]
    return result


def _achievement(m: int) -> dict:
    achievement = {"type": ["Achievement"], "name": "Module", "criteria": {"narrative": "Pass the module."}}
    if m:
        achievement["alignment"] = [_alignment(0) for _ in range(m)]
    return achievement


# (name, where the k copies go, template); "subject" and "achievement" name the credential's nodes
PLACEMENTS = [
    ("alignments", "achievement", "alignment", _alignment),
    ("related", "achievement", "related", _related),
    ("other-identifiers", "achievement", "otherIdentifier", _identifier_entry),
    ("creators", "achievement", "creator", _profile),
    ("co-leads", "achievement", "coLeadInstitution", _profile),
    ("results", "subject", "result", _result),
    ("identities", "subject", "identifier", _identity),
    ("nested-achievements", "subject", "achievement", _achievement),
]


def credential_twins() -> list[tuple[str, dict]]:
    out = []
    for (name, where, key, template), k, m, subject_id, achievement_id in itertools.product(
        PLACEMENTS, (2, 3, 5), (0, 1, 2, 3), (True, False), (True, False)
    ):
        if m and template in (_alignment, _related, _identifier_entry, _identity):
            continue  # leaves: m does not apply
        doc = _base(subject_id, achievement_id)
        subject = doc["credentialSubject"]
        node = subject if where == "subject" else subject["achievement"]
        node[key] = [template(m) for _ in range(k)]
        out.append((f"{name} k={k} m={m} subject-id={subject_id} achievement-id={achievement_id}", doc))
    # everything at once
    for k, m in itertools.product((2, 3), (1, 2)):
        doc = _base(False, False)
        subject = doc["credentialSubject"]
        for _name, where, key, template in PLACEMENTS[:-1]:
            node = subject if where == "subject" else subject["achievement"]
            node[key] = [template(m) for _ in range(k)]
        out.append((f"kitchen-sink k={k} m={m}", doc))
    return out


def _graph(nodes: dict[str, dict]) -> dict:
    # (a top-level node without properties would be dropped, which jsonld.js's safe mode refuses)
    graph = [{"@id": ident, **props} for ident, props in nodes.items() if props]
    return {"@context": copy.deepcopy(INLINE_CONTEXT), "@graph": graph}


def _link(nodes: dict, a: str, prop: str, b: str) -> None:
    nodes.setdefault(a, {}).setdefault(prop, []).append(b)
    nodes.setdefault(b, {})


def clique(k: int) -> dict:
    nodes: dict = {}
    for i, j in itertools.permutations(range(k), 2):
        _link(nodes, f"_:n{i}", "p", f"_:n{j}")
    return _graph(nodes)


def ring(k: int, double: bool = False, copies: int = 1) -> dict:
    nodes: dict = {}
    for c in range(copies):
        for i in range(k):
            _link(nodes, f"_:r{c}x{i}", "p", f"_:r{c}x{(i + 1) % k}")
            if double:
                _link(nodes, f"_:r{c}x{(i + 1) % k}", "q", f"_:r{c}x{i}")
    return _graph(nodes)


def twin_chains(length: int, labelled: bool, copies: int = 2) -> dict:
    """``copies`` identical chains; ``labelled``: node i of each chain has the literal i (so only the copies
    share first-degree hashes, and one Hash N-Degree Quads call walks a whole chain)."""
    nodes: dict = {}
    for c in range(copies):
        for i in range(length):
            ident = f"_:c{c}x{i}"
            nodes.setdefault(ident, {})
            if labelled:
                nodes[ident]["name"] = str(i)
            if i + 1 < length:
                _link(nodes, ident, "p", f"_:c{c}x{i + 1}")
    return _graph(nodes)


def star(k: int) -> dict:
    nodes: dict = {}
    for i in range(k):
        _link(nodes, "_:hub", "p", f"_:leaf{i}")
    return _graph(nodes)


def bipartite(m: int, n: int) -> dict:
    nodes: dict = {}
    for i, j in itertools.product(range(m), range(n)):
        _link(nodes, f"_:u{i}", "p", f"_:v{j}")
    return _graph(nodes)


def grid(w: int, h: int) -> dict:
    nodes: dict = {}
    for x, y in itertools.product(range(w), range(h)):
        if x + 1 < w:
            _link(nodes, f"_:g{x}x{y}", "p", f"_:g{x + 1}x{y}")
        if y + 1 < h:
            _link(nodes, f"_:g{x}x{y}", "q", f"_:g{x}x{y + 1}")
    return _graph(nodes)


def poison_graphs() -> list[tuple[str, dict]]:
    out = [(f"clique {k}", clique(k)) for k in range(2, 11)]
    out += [(f"ring {k}", ring(k)) for k in (3, 4, 5, 8, 13)]
    out += [(f"double ring {k}", ring(k, double=True)) for k in (3, 4, 6, 9)]
    out += [(f"{c} rings {k}", ring(k, copies=c)) for k, c in ((3, 2), (4, 3), (6, 2))]
    out += [(f"{c} double rings {k}", ring(k, double=True, copies=c)) for k, c in ((3, 2), (5, 2))]
    out += [(f"twin chains {n}", twin_chains(n, labelled=False)) for n in (2, 3, 5, 8)]
    out += [(f"twin labelled chains {n}", twin_chains(n, labelled=True)) for n in (3, 20, 1500)]
    out += [("triple labelled chains 10", twin_chains(10, labelled=True, copies=3))]
    out += [(f"star {k}", star(k)) for k in (2, 5, 9)]
    out += [(f"bipartite {m}x{n}", bipartite(m, n)) for m, n in ((2, 2), (2, 3), (3, 3), (3, 4))]
    out += [(f"grid {w}x{h}", grid(w, h)) for w, h in ((2, 2), (3, 3), (4, 3))]
    return out
