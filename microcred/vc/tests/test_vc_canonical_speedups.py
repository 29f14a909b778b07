"""The compiled per-quad loops of RDFC-1.0 (microcred/vc/_canonical.c) give exactly what the Python ones give.

test_vc_rdfc10.py runs the W3C suite through both; the differential tests against rdf-canonize and the strict
JSON-LD path run through the compiled ones, which is what the signing core uses wherever they are built.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.vc import rdfc10
from microcred.vc.rdf import escape_literal_text

pytestmark = pytest.mark.skipif(rdfc10.compiled is None, reason="never: test_vc_rdfc10 fails first when unbuilt")

BLANKS = [f"_:b{n}" for n in range(8)]
IRIS = ["<http://example.org/a>", "<http://example.org/b>", "<urn:x:\u00e9>", "<http://example.org/\U0001f600>"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
literal = text.map(lambda value: '"' + escape_literal_text(value) + '"')
subject = st.sampled_from(BLANKS + IRIS)
obj = st.one_of(st.sampled_from(BLANKS + IRIS), literal)
graph = st.sampled_from(["", "", *BLANKS[:3], IRIS[0]])
quad = st.tuples(subject, st.sampled_from(IRIS[:2]), obj, graph)
quads = st.lists(quad, max_size=30).map(lambda qs: qs + qs[: len(qs) // 3])  # with repeated quads


def labels_for(some_quads) -> dict[str, str]:
    blanks = sorted({t for q in some_quads for t in (q[0], q[2], q[3]) if t.startswith("_:")})
    return {b: f"_:c14n{n}" for n, b in enumerate(reversed(blanks))}


@settings(max_examples=300, deadline=None)
@given(quads)
def test_the_blank_node_map_is_the_pythons(some_quads):
    compiled = rdfc10.compiled.blank_node_quads(some_quads)
    assert list(compiled.items()) == list(rdfc10._blank_node_quads(some_quads).items())  # the same order too


@settings(max_examples=300, deadline=None)
@given(quads)
def test_the_canonical_text_is_the_pythons(some_quads):
    labels = labels_for(some_quads)
    python = "".join(sorted(rdfc10._relabelled(some_quads, {b: label[2:] for b, label in labels.items()})))
    assert rdfc10.compiled.relabelled_nquads(some_quads, labels) == python


def test_canonicalization_uses_them_and_agrees_with_the_python(monkeypatch):
    some_quads = [
        ("_:x", "<http://example.org/p>", '"caf\u00e9 \U0001f600"', ""),
        ("_:x", "<http://example.org/p>", "_:y", "_:g"),
        ("_:y", "<http://example.org/p>", '"1"', "<http://example.org/g>"),
        ("_:y", "<http://example.org/p>", '"1"', "<http://example.org/g>"),
    ]
    calls = []
    for name in ("blank_node_quads", "relabelled_nquads"):
        real = getattr(rdfc10.compiled, name)
        monkeypatch.setattr(
            rdfc10.compiled, name, lambda *args, real=real, name=name: calls.append(name) or real(*args)
        )
    compiled = rdfc10.canonicalize_quads(some_quads)
    assert calls == ["blank_node_quads", "relabelled_nquads"]
    monkeypatch.setattr(rdfc10, "compiled", None)
    assert compiled == rdfc10.canonicalize_quads(some_quads)
    assert compiled.count("\n") == 3  # the repeated quad once


def test_refusals_are_the_pythons():
    with pytest.raises(KeyError, match="_:b1"):
        rdfc10.compiled.relabelled_nquads([("_:b1", "<http://e/p>", "<http://e/o>", "")], {})
    with pytest.raises(TypeError):
        rdfc10.compiled.blank_node_quads([("_:b1", "<http://e/p>", "<http://e/o>")])
    with pytest.raises(TypeError):
        rdfc10.compiled.relabelled_nquads([("_:b1", "<http://e/p>", 5, "")], {"_:b1": "_:c14n0"})
    # Other sequences than lists of tuples of str go through the Python loops, with the same result.
    as_tuple = (("_:b1", "<http://e/p>", "<http://e/o>", ""),)
    assert rdfc10.canonicalize_quads(as_tuple) == "_:c14n0 <http://e/p> <http://e/o> .\n"
