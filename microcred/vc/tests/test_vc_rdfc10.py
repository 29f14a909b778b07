"""The complete W3C RDFC-1.0 test suite (manifest in vectors/w3c-rdf-canon), plus poison handling.

The work limit is compared with rdf-canonize itself in test_vc_rdfc_node_agreement.py.
"""

import json
import math
from contextlib import contextmanager

import pytest
from vc_testdata import VECTORS, read_text

from microcred.vc import rdfc10
from microcred.vc.exceptions import CanonicalizationTooComplex, NQuadsSyntaxError
from microcred.vc.rdf import escape_literal_text, literal, parse_nquads

SUITE = VECTORS / "w3c-rdf-canon"
MANIFEST = json.loads((SUITE / "manifest.jsonld").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["entries"]


# The work factor rdf-canonize's own runner of this suite gives each test, by its computationalComplexity:
# "low" tests need no Hash N-Degree Quads call at all, "medium" ones fit in O(n^2) calls, the "high" poison
# tests (evil 1-3) in O(n^3); test074 (a 10-clique) is refused even with that.
WORK_FACTORS = {"low": 0, "medium": 2, "high": 3}


def _work_factor(entry) -> int:
    return WORK_FACTORS[entry["computationalComplexity"]]


def test_manifest_is_complete():
    kinds = [e["type"] for e in ENTRIES]
    assert len(ENTRIES) == 86
    assert kinds.count("rdfc:RDFC10NegativeEvalTest") == 1
    assert kinds.count("rdfc:RDFC10MapTest") == 21


@pytest.fixture(params=["compiled", "python"])
def loops(request, monkeypatch):
    """Each vector through the compiled per-quad loops (tools/build_speedups.py) and through the Python ones."""
    if request.param == "python":
        monkeypatch.setattr(rdfc10, "compiled", None)
    else:
        assert rdfc10.compiled is not None, "the compiled loops are not built: run tools/build_speedups.py"
    return request.param


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"].lstrip("#") for e in ENTRIES])
def test_w3c_rdfc10(entry, loops):
    quads = parse_nquads(read_text("w3c-rdf-canon/" + entry["action"]))
    algorithm = entry.get("hashAlgorithm", "SHA256")
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        with count_hashes() as hashes, pytest.raises(CanonicalizationTooComplex, match="too complex"):
            rdfc10.canonicalize_quads(quads, algorithm, _work_factor(entry))
        assert hashes["n"] <= work_bound(quads, _work_factor(entry))
    elif kind == "rdfc:RDFC10MapTest":
        expected = json.loads(read_text("w3c-rdf-canon/" + entry["result"]))
        assert rdfc10.canonical_labels(quads, algorithm, _work_factor(entry)) == expected
    else:
        expected = read_text("w3c-rdf-canon/" + entry["result"])
        assert rdfc10.canonicalize_quads(quads, algorithm, _work_factor(entry)) == expected
        if algorithm == "SHA256":
            # the canonical dataset given with the text is exactly what parsing the text gives back
            text, dataset = rdfc10.canonicalize_quads_with_dataset(quads, algorithm, _work_factor(entry))
            assert text == expected
            assert len(dataset) == expected.count("\n")
            if len(expected.splitlines()) == len(dataset):  # parse_nquads also splits at U+2028, U+0085…
                assert dataset == tuple(parse_nquads(expected))


def test_remembered_first_degree_hashes_give_the_same_results():
    """Hash First Degree Quads is remembered across datasets (a cohort's shared blank nodes): a second pass
    over the suite, answered from the memo, gives the expected results again, with fewer hashes."""
    entries = [
        e for e in ENTRIES if e["type"] == "rdfc:RDFC10EvalTest" and e.get("hashAlgorithm", "SHA256") == "SHA256"
    ]
    rdfc10._FIRST_DEGREE_MEMO.clear()
    counts = []
    with count_hashes() as hashes:
        for _ in range(2):
            before = hashes["n"]
            for entry in entries:
                quads = parse_nquads(read_text("w3c-rdf-canon/" + entry["action"]))
                expected = read_text("w3c-rdf-canon/" + entry["result"])
                assert rdfc10.canonicalize_quads(quads, "SHA256", _work_factor(entry)) == expected, entry["id"]
            counts.append(hashes["n"] - before)
    assert counts[1] < counts[0]


@contextmanager
def count_hashes():
    """Count the hash computations of RDFC-1.0: the work, measured without a clock."""
    counted = {"n": 0}
    originals = dict(rdfc10.HASH_ALGORITHMS)

    def counting(factory):
        def make(*args, **kwargs):
            counted["n"] += 1
            return factory(*args, **kwargs)

        return make

    rdfc10.HASH_ALGORITHMS.update({name: counting(f) for name, f in originals.items()})
    try:
        yield counted
    finally:
        rdfc10.HASH_ALGORITHMS.update(originals)


def work_bound(quads, work_factor: int = 1) -> int:
    """An upper bound on the hashes of a refused canonicalization: one first-degree hash per blank node, then
    at most the budget (blank nodes ** work factor) deep calls, each hashing at most every quad once plus its
    own result. Without the limit a poisoned graph needs factorially many."""
    blank_nodes = {t for q in quads for t in (q[0], q[2], q[3]) if t.startswith("_:")}
    return len(blank_nodes) + len(blank_nodes) ** max(work_factor, 1) * (len(quads) + 1)


def test_poison_refused_with_default_budget_after_bounded_work():
    quads = parse_nquads(read_text("w3c-rdf-canon/rdfc10/test074-in.nq"))
    with count_hashes() as hashes, pytest.raises(CanonicalizationTooComplex):
        rdfc10.canonicalize_quads(quads)
    assert 0 < hashes["n"] <= work_bound(quads)


def test_evil_graph_needs_more_than_default_budget():
    quads = parse_nquads(read_text("w3c-rdf-canon/rdfc10/test044-in.nq"))
    with pytest.raises(CanonicalizationTooComplex):
        rdfc10.canonicalize_quads(quads, max_work_factor=1)


def test_work_factor_budget_as_rdf_canonize():
    assert rdfc10.DEFAULT_MAX_WORK_FACTOR == 1
    assert rdfc10.deep_iterations_budget(10, 0) == 0
    assert rdfc10.deep_iterations_budget(10, 1) == 10
    assert rdfc10.deep_iterations_budget(10, 3) == 1000
    assert rdfc10.deep_iterations_budget(2, 52) == 2**52
    assert rdfc10.deep_iterations_budget(2, 53) == math.inf  # above Number.MAX_SAFE_INTEGER: no limit
    assert rdfc10.deep_iterations_budget(10, 10**9) == math.inf
    assert rdfc10.deep_iterations_budget(10, math.inf) == math.inf
    for bad in (-1, 1.5, True, None):
        with pytest.raises((ValueError, TypeError)):
            rdfc10.deep_iterations_budget(10, bad)


def test_one_budget_for_the_whole_dataset():
    # Two identical blank nodes: two Hash N-Degree Quads calls, the whole budget at work factor 1.
    twins = parse_nquads("_:a <urn:p> <urn:o> .\n_:b <urn:p> <urn:o> .\n")
    expected = "_:c14n0 <urn:p> <urn:o> .\n_:c14n1 <urn:p> <urn:o> .\n"
    assert rdfc10.canonicalize_quads(twins) == expected
    with pytest.raises(CanonicalizationTooComplex, match="too complex"):
        rdfc10.canonicalize_quads(twins, max_work_factor=0)
    # A 3-ring: each of the 3 top-level calls recurses into the others, more than 3 calls in all.
    ring = parse_nquads("_:a <urn:p> _:b .\n_:b <urn:p> _:c .\n_:c <urn:p> _:a .\n")
    with pytest.raises(CanonicalizationTooComplex, match="too complex"):
        rdfc10.canonicalize_quads(ring)
    assert rdfc10.canonicalize_quads(ring, max_work_factor=2) == rdfc10.canonicalize_quads(
        ring, max_work_factor=math.inf
    )


def test_deep_blank_node_chains_need_no_python_recursion():
    # Two identical chains of 1,500 labelled blank nodes: one top-level call walks a whole chain (exactly
    # the budget in all), deeper than Python's recursion limit.
    length = 1500
    lines = []
    for chain in "xy":
        for i in range(length):
            lines.append(f'_:{chain}{i} <urn:name> "{i}" .')
            if i + 1 < length:
                lines.append(f"_:{chain}{i} <urn:next> _:{chain}{i + 1} .")
    canonical = rdfc10.canonicalize_quads(parse_nquads("\n".join(lines)))
    assert canonical.count("\n") == len(lines)
    assert f"_:c14n{2 * length - 1} " in canonical


def test_escaping_of_all_control_characters():
    text = "".join(chr(i) for i in range(0x20)) + '"\\\x7f é\U0001f303'
    assert escape_literal_text(text) == (
        "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F"
        "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D"
        '\\u001E\\u001F\\"\\\\\\u007F é\U0001f303'
    )
    assert literal("x", "http://www.w3.org/2001/XMLSchema#string") == '"x"'
    assert literal("x", language="en") == '"x"@en'


@pytest.mark.parametrize(
    "bad",
    [
        "<urn:a> <urn:b> <urn:c>",  # no dot
        '<urn:a> <urn:b> "unterminated .',
        "<rel> <urn:b> <urn:c> .",  # relative IRI
        '<urn:a> <urn:b> "x"^^"y" .',
        '<urn:a> "p" <urn:c> .',  # literal predicate
        "<urn:a> <urn:b> <urn:c> . junk",
        '<urn:a> <urn:b> "\\q" .',  # bad escape
    ],
)
def test_nquads_parser_rejects_malformed(bad):
    with pytest.raises(NQuadsSyntaxError):
        parse_nquads(bad)


def test_unknown_hash_algorithm_refused():
    with pytest.raises(Exception, match="Unsupported"):
        rdfc10.canonicalize_quads(parse_nquads("_:a <urn:p> <urn:o> ."), "MD5")
