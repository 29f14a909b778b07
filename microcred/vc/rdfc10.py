"""RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024).

Written from the specification text (https://www.w3.org/TR/rdf-canon/): sections 4.4 (canonicalization),
4.5 (issue identifier), 4.6 (hash first degree quads), 4.7 (hash related blank node) and 4.8 (hash N-degree
quads). Quads use the string-term representation of :mod:`microcred.vc.rdf`.

Defence against "poisoned" datasets (spec §6 / pitfall #6): every call of Hash N-Degree Quads is counted.
As in Digital Bazaar's rdf-canonize, the budget is ``(number of blank nodes without a unique first-degree
hash) ** max_work_factor`` calls per blank node; going over raises
:class:`~microcred.vc.exceptions.CanonicalizationTooComplex` instead of running for minutes.
"""

from __future__ import annotations

import hashlib
from itertools import permutations

from .exceptions import CanonicalizationError, CanonicalizationTooComplex
from .rdf import Quad

HASH_ALGORITHMS = {"SHA256": hashlib.sha256, "SHA384": hashlib.sha384}
DEFAULT_MAX_WORK_FACTOR = 1
MAX_BLANK_NODES = 5_000
MAX_PERMUTATIONS = 100_000


class IdentifierIssuer:
    """Issues ``prefix + counter`` identifiers, remembering the order of issue (spec §4.5)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str, counter: int = 0, issued: dict[str, str] | None = None):
        self.prefix = prefix
        self.counter = counter
        self.issued: dict[str, str] = issued if issued is not None else {}

    def issue(self, existing: str) -> str:
        ident = self.issued.get(existing)
        if ident is None:
            ident = self.prefix + str(self.counter)
            self.counter += 1
            self.issued[existing] = ident
        return ident

    def copy(self) -> IdentifierIssuer:
        return IdentifierIssuer(self.prefix, self.counter, dict(self.issued))


class _State:
    __slots__ = ("bnode_quads", "budget", "calls", "canonical", "first_degree", "hash", "permutations")

    def __init__(self, hash_fn, budget: int):
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.canonical = IdentifierIssuer("c14n")
        self.hash = hash_fn
        self.first_degree: dict[str, str] = {}
        self.budget = budget
        self.calls: dict[str, int] = {}
        self.permutations = 0


def _hex(state: _State, data: str) -> str:
    return state.hash(data.encode("utf-8")).hexdigest()


def _hash_first_degree(state: _State, ref: str) -> str:
    cached = state.first_degree.get(ref)
    if cached is not None:
        return cached
    lines = []
    for s, p, o, g in state.bnode_quads[ref]:
        # Terms are in canonical form: only blank nodes start with "_" (subject, object, graph).
        if s[0] == "_":
            s = "_:a" if s == ref else "_:z"
        if o[0] == "_":
            o = "_:a" if o == ref else "_:z"
        if g:
            if g[0] == "_":
                g = "_:a" if g == ref else "_:z"
            lines.append(f"{s} {p} {o} {g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    result = state.hash("".join(lines).encode("utf-8")).hexdigest()
    state.first_degree[ref] = result
    return result


def _hash_related(state: _State, related: str, quad: Quad, issuer: IdentifierIssuer, position: str) -> str:
    ident = state.canonical.issued.get(related) or issuer.issued.get(related)
    ident = _hash_first_degree(state, related) if ident is None else "_:" + ident
    # position s/o: position + <predicate> + identifier; position g: no predicate
    data = "g" + ident if position == "g" else position + quad[1] + ident
    return _hex(state, data)


def _hash_n_degree(state: _State, ident: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
    count = state.calls.get(ident, 0) + 1
    state.calls[ident] = count
    if count > state.budget:
        raise CanonicalizationTooComplex(
            "The document's blank-node structure is too complex to canonicalize safely "
            f"(more than {state.budget} deep hashing rounds for one blank node; possible dataset poisoning)."
        )
    # 1-3: group related blank nodes by their related hash.
    groups: dict[str, list[str]] = {}
    for quad in state.bnode_quads[ident]:
        s, _p, o, g = quad
        for term, position in ((s, "s"), (o, "o"), (g, "g")):
            if term[:2] == "_:" and term != ident:
                h = _hash_related(state, term, quad, issuer, position)
                # duplicates are kept on purpose (as rdf-canonize does)
                groups.setdefault(h, []).append(term)
    # 4-5
    data = []
    canonical_issued = state.canonical.issued
    for related_hash in sorted(groups):
        data.append(related_hash)
        chosen_path = ""
        chosen_issuer: IdentifierIssuer | None = None
        for perm in permutations(groups[related_hash]):
            state.permutations += 1
            if state.permutations > MAX_PERMUTATIONS:
                raise CanonicalizationTooComplex(
                    "The document's blank-node structure is too complex to canonicalize safely "
                    f"(more than {MAX_PERMUTATIONS} blank-node permutations; possible dataset poisoning)."
                )
            issuer_copy = issuer.copy()
            path = ""
            recursion = []
            skip = False
            for related in perm:
                canon = canonical_issued.get(related)
                if canon is not None:
                    path += "_:" + canon
                else:
                    if related not in issuer_copy.issued:
                        recursion.append(related)
                    path += "_:" + issuer_copy.issue(related)
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    skip = True
                    break
            if skip:
                continue
            for related in recursion:
                result_hash, result_issuer = _hash_n_degree(state, related, issuer_copy)
                path += "_:" + issuer_copy.issue(related)
                path += "<" + result_hash + ">"
                issuer_copy = result_issuer
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    skip = True
                    break
            if skip:
                continue
            if not chosen_path or path < chosen_path:
                chosen_path = path
                chosen_issuer = issuer_copy
        data.append(chosen_path)
        assert chosen_issuer is not None
        issuer = chosen_issuer
    return _hex(state, "".join(data)), issuer


def canonical_labels(
    quads: list[Quad],
    hash_algorithm: str = "SHA256",
    max_work_factor: int = DEFAULT_MAX_WORK_FACTOR,
) -> dict[str, str]:
    """Run RDFC-1.0 and return the issued identifiers map (input label without ``_:`` → ``c14nN``)."""
    try:
        hash_fn = HASH_ALGORITHMS[hash_algorithm.upper().replace("-", "")]
    except KeyError:
        raise CanonicalizationError(f"Unsupported canonicalization hash algorithm {hash_algorithm!r}.") from None

    bnode_quads: dict[str, list[Quad]] = {}
    for quad in quads:
        s, _p, o, g = quad
        # Terms are in canonical form: only blank nodes start with "_".
        if s[0] == "_":
            lst = bnode_quads.get(s)
            if lst is None:
                bnode_quads[s] = [quad]
            else:
                lst.append(quad)
        if o[0] == "_" and o != s:
            lst = bnode_quads.get(o)
            if lst is None:
                bnode_quads[o] = [quad]
            else:
                lst.append(quad)
        if g and g[0] == "_" and g != s and g != o:
            lst = bnode_quads.get(g)
            if lst is None:
                bnode_quads[g] = [quad]
            else:
                lst.append(quad)
    if len(bnode_quads) > MAX_BLANK_NODES:
        raise CanonicalizationTooComplex(
            f"The document has {len(bnode_quads)} blank nodes; at most {MAX_BLANK_NODES} are accepted."
        )
    state = _State(hash_fn, budget=0)
    state.bnode_quads = bnode_quads

    # 3. first-degree hashes
    by_hash: dict[str, list[str]] = {}
    for bnode in bnode_quads:
        by_hash.setdefault(_hash_first_degree(state, bnode), []).append(bnode)

    # 4. unique hashes get canonical identifiers in hash order
    non_unique = []
    for h in sorted(by_hash):
        members = by_hash[h]
        if len(members) == 1:
            state.canonical.issue(members[0])
        else:
            non_unique.append(h)

    # 5. N-degree hashing for the shared hashes
    n_shared = sum(len(by_hash[h]) for h in non_unique)
    state.budget = max(1, n_shared) ** max_work_factor if max_work_factor > 0 else 0
    for h in non_unique:
        paths = []
        for bnode in by_hash[h]:
            if bnode in state.canonical.issued:
                continue
            temp = IdentifierIssuer("b")
            temp.issue(bnode)
            paths.append(_hash_n_degree(state, bnode, temp))
        paths.sort(key=lambda r: r[0])
        for _h, issuer in paths:
            for existing in issuer.issued:
                state.canonical.issue(existing)

    return {k[2:]: v for k, v in state.canonical.issued.items()}


def canonicalize_quads(
    quads: list[Quad],
    hash_algorithm: str = "SHA256",
    max_work_factor: int = DEFAULT_MAX_WORK_FACTOR,
) -> str:
    """Canonical N-Quads (sorted, deduplicated, blank nodes relabelled ``_:c14nN``) of a dataset."""
    labels = {"_:" + k: "_:" + v for k, v in canonical_labels(quads, hash_algorithm, max_work_factor).items()}
    lines = set()
    add = lines.add
    for s, p, o, g in quads:
        if s[0] == "_":
            s = labels[s]
        if o[0] == "_":
            o = labels[o]
        if g:
            if g[0] == "_":
                g = labels[g]
            add(f"{s} {p} {o} {g} .\n")
        else:
            add(f"{s} {p} {o} .\n")
    return "".join(sorted(lines))
