"""The compiled loops of the signing core (microcred/vc/_canonical.c) give exactly what the Python ones give.

test_vc_rdfc10.py runs the W3C suite through both; the differential tests against rdf-canonize and the strict
JSON-LD path run through the compiled ones, which is what the signing core uses wherever they are built.
"""

from __future__ import annotations

import copy
import struct
from collections import Counter

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


def issued_for(some_quads) -> dict[str, str]:
    """Labels as RDFC-1.0's issuer issues them ("c14nN"), in an order unlike the blank nodes' own."""
    blanks = sorted({t for q in some_quads for t in (q[0], q[2], q[3]) if t.startswith("_:")})
    return {b: f"c14n{n}" for n, b in enumerate(reversed(blanks))}


@settings(max_examples=300, deadline=None)
@given(quads)
def test_the_blank_node_map_is_the_pythons(some_quads):
    compiled = rdfc10.compiled.blank_node_quads(some_quads)
    assert list(compiled.items()) == list(rdfc10._blank_node_quads(some_quads).items())  # the same order too


@settings(max_examples=300, deadline=None)
@given(quads)
def test_the_canonical_utf8_is_the_pythons_text_encoded(some_quads):
    issued = issued_for(some_quads)
    python = "".join(sorted(rdfc10._relabelled(some_quads, issued)))
    assert rdfc10.compiled.canonical_nquads_utf8(some_quads, issued) == python.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(quads)
def test_the_quad_counts_are_a_counters(some_quads):
    counted = rdfc10.compiled.quad_counts(some_quads)
    assert list(counted.items()) == list(Counter(some_quads).items())  # the same order too
    assert type(counted) is dict


def test_the_canonical_utf8_sorts_by_code_point_as_the_text_does():
    # U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) by code point and in UTF-8, after it in UTF-16
    some_quads = [
        ("<http://e/s>", "<http://e/p>", '"\U0001f600"', ""),
        ("<http://e/s>", "<http://e/p>", '"\ufffd"', ""),
        ("<http://e/s>", "<http://e/p>", '"a"', ""),
        ("<http://e/s>", "<http://e/p>", '"a"', ""),
        ("<http://e/s>", "<http://e/p>", '"a"', "<http://e/g>"),
    ]
    made = rdfc10.compiled.canonical_nquads_utf8(some_quads, {})
    assert made.decode("utf-8").splitlines() == [
        '<http://e/s> <http://e/p> "a" .',
        '<http://e/s> <http://e/p> "a" <http://e/g> .',
        '<http://e/s> <http://e/p> "\ufffd" .',
        '<http://e/s> <http://e/p> "\U0001f600" .',
    ]
    assert rdfc10.canonicalize_quads_utf8(some_quads) == rdfc10.canonicalize_quads(some_quads).encode("utf-8")
    with pytest.raises(KeyError, match="_:b1"):
        rdfc10.compiled.canonical_nquads_utf8([("_:b1", "<http://e/p>", "<http://e/o>", "")], {})
    with pytest.raises(TypeError):
        rdfc10.compiled.canonical_nquads_utf8([("_:b1", "<http://e/p>", 5, "")], {"_:b1": "c14n0"})
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate has no UTF-8 (the walk refuses them before)
        rdfc10.compiled.canonical_nquads_utf8([("<http://e/s>", "<http://e/p>", '"\ud800"', "")], {})


def python_labels(some_quads, **options):
    with pytest.MonkeyPatch.context() as python:
        python.setattr(rdfc10, "compiled", None)
        try:
            return rdfc10.canonical_labels(some_quads, **options)
        except rdfc10.CanonicalizationTooComplex as exc:
            return type(exc)


def compiled_labels(some_quads, **options):
    try:
        return rdfc10.canonical_labels(some_quads, **options)
    except rdfc10.CanonicalizationTooComplex as exc:
        return type(exc)


leaf_quads = st.lists(st.tuples(st.sampled_from(BLANKS), st.sampled_from(IRIS[:2]), obj, graph), max_size=30)


@st.composite
def twins(draw):
    """Blank nodes described alike (a credential's issuer and creator each with the same address), under IRIs, among
    other quads that may tie them to other blank nodes."""
    shape = draw(st.lists(st.tuples(st.sampled_from(IRIS[:2]), st.one_of(st.sampled_from(IRIS), literal)), min_size=1))
    names = draw(st.permutations(BLANKS))[: draw(st.integers(2, 4))]
    made = [(name, p, o, "") for name in names for p, o in shape[:3]]
    made += [(draw(st.sampled_from(IRIS)), IRIS[0], name, "") for name in names]
    made += draw(st.lists(quad, max_size=4))
    draw(st.randoms()).shuffle(made)
    return made


@settings(max_examples=400, deadline=None)
@given(st.one_of(quads, leaf_quads, twins()), st.sampled_from([0, 1, 2]))
def test_the_canonical_labels_are_the_pythons(some_quads, work_factor):
    # Blank nodes that share a first-degree hash, with and without other blank nodes around them (the compiled labels
    # answer the first kind only), in the order issued; and the same refusal when the work limit is too low.
    some_quads = [q for q in some_quads if q[0] != q[3] and q[2] != q[3]]
    expected = python_labels(some_quads, max_work_factor=work_factor)
    got = compiled_labels(some_quads, max_work_factor=work_factor)
    assert got == expected
    if type(got) is dict:
        assert list(got.items()) == list(expected.items())


def test_two_identical_addresses_are_labelled_without_the_python_n_degree_hashing(monkeypatch):
    address = [("<http://e/type>", "<http://e/Address>"), ("<http://e/country>", '"Spain"')]
    some_quads = [
        ("<http://e/profile>", "<http://e/address>", "_:b0", ""),
        ("<http://e/x>", "<http://e/y>", "_:b1", ""),
    ]
    some_quads += [("_:b0", p, o, "") for p, o in address] + [("_:b2", p, o, "") for p, o in address]
    some_quads.append(("<http://e/profile>", "<http://e/address>", "_:b2", ""))
    expected = python_labels(some_quads)
    monkeypatch.setattr(rdfc10, "_run_hash_n_degree", None)  # not called
    assert rdfc10.canonical_labels(some_quads) == expected


def test_canonicalization_uses_them_and_agrees_with_the_python(monkeypatch):
    some_quads = [
        ("_:x", "<http://example.org/p>", '"caf\u00e9 \U0001f600"', ""),
        ("_:x", "<http://example.org/p>", "_:y", "_:g"),
        ("_:y", "<http://example.org/p>", '"1"', "<http://example.org/g>"),
        ("_:y", "<http://example.org/p>", '"1"', "<http://example.org/g>"),
    ]
    calls = []
    for name in ("blank_node_quads", "canonical_nquads_utf8"):
        real = getattr(rdfc10.compiled, name)
        monkeypatch.setattr(
            rdfc10.compiled, name, lambda *args, real=real, name=name: calls.append(name) or real(*args)
        )
    compiled = rdfc10.canonicalize_quads(some_quads)
    assert calls == ["blank_node_quads", "canonical_nquads_utf8"]
    compiled_utf8 = rdfc10.canonicalize_quads_utf8(some_quads)
    monkeypatch.setattr(rdfc10, "compiled", None)
    assert compiled == rdfc10.canonicalize_quads(some_quads)
    assert compiled.count("\n") == 3  # the repeated quad once
    assert compiled_utf8 == rdfc10.canonicalize_quads_utf8(some_quads) == compiled.encode("utf-8")


def test_refusals_are_the_pythons():
    with pytest.raises(KeyError, match="_:b1"):
        rdfc10.compiled.canonical_nquads_utf8([("_:b1", "<http://e/p>", "<http://e/o>", "")], {})
    with pytest.raises(TypeError):
        rdfc10.compiled.blank_node_quads([("_:b1", "<http://e/p>", "<http://e/o>")])
    with pytest.raises(TypeError):
        rdfc10.compiled.canonical_nquads_utf8([("_:b1", "<http://e/p>", 5, "")], {"_:b1": "c14n0"})
    # Other sequences than lists of tuples of str go through the Python loops, with the same result.
    as_tuple = (("_:b1", "<http://e/p>", "<http://e/o>", ""),)
    assert rdfc10.canonicalize_quads(as_tuple) == "_:c14n0 <http://e/p> <http://e/o> .\n"


# --- json_key: the exact key under which the JSON-LD walk remembers a node object's quads (expansion.py) ----------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(
        [0, 1, -1, 2**70, 0.0, -0.0, 1.0, 1e-7, 2e-7, float("nan"), "", "1", "0", "true", "é", "\U0001f600"]
    ),
    st.integers(),
    st.floats(allow_nan=False),
    text,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from("abcd"), inner, max_size=4)),
    max_leaves=12,
)


def exactly_equal(a, b) -> bool:
    """The reference: equal values of equal types throughout, dict order and float bits alike."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(exactly_equal(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(exactly_equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is float:
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a == b


# Values a looser comparison than the key's would take for one another: 0 and 0.0, 0.0 and -0.0, True and 1...
SWAPS = [
    (int, 0, 0.0),
    (float, 0.0, -0.0),
    (int, 1, 1.0),
    (bool, True, 1),
    (bool, False, 0),
    (str, "1", 1),
    (str, "", None),
]


def twin(value, draw_bool):
    """A copy of value, sometimes changed in a way a looser comparison would miss."""
    if type(value) is dict:
        items = [(k, twin(v, draw_bool)) for k, v in value.items()]
        return dict(reversed(items) if draw_bool() else items)
    if type(value) is list:
        return [twin(v, draw_bool) for v in value]
    if draw_bool():
        for kind, old, new in SWAPS:
            if type(value) is kind and value == old and str(value) == str(old):  # str: 0.0 is not -0.0
                return new
    return value


@settings(max_examples=500, deadline=None)
@given(json_values, st.data())
def test_equal_keys_exactly_for_equal_values_of_equal_types(value, data):
    other = twin(value, lambda: data.draw(st.booleans()))
    key, other_key = rdfc10.compiled.json_key(value, 10_000), rdfc10.compiled.json_key(other, 10_000)
    assert (key == other_key) is exactly_equal(value, other)
    assert key == rdfc10.compiled.json_key(copy.deepcopy(value), 10_000)


def test_what_is_not_plain_json_gets_no_key():
    class Text(str):
        pass

    for value in ((1, 2), {"a": (1,)}, {1: "a"}, Text("x"), [Text("x")], "\ud800", {"a": {b"x"}}):
        with pytest.raises((TypeError, ValueError)):
            rdfc10.compiled.json_key(value, 10_000)
    with pytest.raises(ValueError, match="too large"):
        rdfc10.compiled.json_key(list(range(100)), 50)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        rdfc10.compiled.json_key(deep, 10**6)


# --- json_copy: the copy that signing hashes and returns (data_integrity._signing_copy) ---------------------------


def shares_no_container(a, b) -> bool:
    """No dict or list of ``a`` is the same object as one of ``b`` (a change to one cannot reach the other)."""
    if type(a) is dict:
        return a is not b and all(shares_no_container(a[k], b[k]) for k in a)
    if type(a) is list:
        return a is not b and all(shares_no_container(x, y) for x, y in zip(a, b, strict=True))
    return True


safe_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), st.floats(), text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(safe_json)
def test_the_json_copy_is_the_pythons(value):
    from microcred.vc.data_integrity import _copy_json

    copied = rdfc10.compiled.json_copy(value)
    assert exactly_equal(copied, value) and exactly_equal(copied, _copy_json(value))
    assert shares_no_container(copied, value)


def test_the_json_copy_refuses_what_the_python_copy_treats_apart():
    class Text(str):
        pass

    for unsafe in (2**53, -(2**53), 2**70, [1, {"a": 2**53}]):
        with pytest.raises(ValueError):
            rdfc10.compiled.json_copy(unsafe)
    for other in ((1, 2), {"a": (1,)}, {1: "a"}, Text("x"), [Text("x")], {"a": {b"x"}}):
        with pytest.raises(TypeError):
            rdfc10.compiled.json_copy(other)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        rdfc10.compiled.json_copy(deep)


def test_signing_copies_with_it_and_gives_what_the_python_copy_gives(monkeypatch):
    from microcred.vc import data_integrity

    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "a": [{"b": 1.5, "c": None}], "proof": {"x": 1}}
    calls = []
    real = rdfc10.compiled.json_copy
    monkeypatch.setattr(rdfc10.compiled, "json_copy", lambda value: calls.append(value) or real(value))
    body, proofs = data_integrity._signing_copy(document)
    assert calls and body == {k: v for k, v in document.items() if k != "proof"} and proofs == [{"x": 1}]
    assert shares_no_container(body["a"], document["a"]) and proofs[0] is not document["proof"]
    monkeypatch.setattr(data_integrity, "compiled", None)
    assert data_integrity._signing_copy(document) == (body, proofs)


def test_the_public_copy_takes_any_value_and_copies_plain_json_with_it(monkeypatch):
    from microcred import vc

    calls = []
    real = rdfc10.compiled.json_copy
    monkeypatch.setattr(rdfc10.compiled, "json_copy", lambda value: calls.append(value) or real(value))
    plain = {"a": [{"b": 2**53}], "c": (1, [2])}  # an integer and a tuple the compiled copy leaves to Python
    copied = vc.copy_json(plain)
    assert calls and copied == plain and copied["a"][0] is not plain["a"][0] and copied["c"][1] is not plain["c"][1]
    calls.clear()
    assert vc.copy_json({"a": [1]}) == {"a": [1]} and calls == [{"a": [1]}]


# --- base58btc ---------------------------------------------------------------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
some_bytes = st.tuples(st.integers(0, 5), st.binary(max_size=80)).map(lambda z: b"\0" * z[0] + z[1])


@settings(max_examples=1000, deadline=None)
@given(some_bytes)
def test_base58_encoding_is_the_pythons_and_decodes_back(data):
    from microcred.vc import multikey

    text = rdfc10.compiled.base58_encode(data)
    assert text == multikey._base58btc_encode(data)
    assert rdfc10.compiled.base58_decode(text) == data == multikey._base58btc_decode(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=B58_ALPHABET, max_size=120))
def test_base58_decoding_of_any_text_in_the_alphabet_is_the_pythons(text):
    from microcred.vc import multikey

    assert rdfc10.compiled.base58_decode(text) == multikey._base58btc_decode(text)


def test_base58_edges_and_what_the_compiled_decoding_leaves_to_the_python():
    from microcred.vc import multikey

    signature = bytes(range(64))
    for data in (b"", b"\0", b"\0\0\0", b"\xff" * 64, b"\0\x01", signature, b"\xff" * 2000):
        assert rdfc10.compiled.base58_encode(data) == multikey._base58btc_encode(data)
        assert multikey.base58btc_decode(multikey.base58btc_encode(data)) == data
    assert rdfc10.compiled.base58_encode(bytearray(b"\x01\x02")) == multikey._base58btc_encode(b"\x01\x02")
    # Characters outside the alphabet (0, O, I, l, non-ASCII) and overlong text: None, and the Python names them.
    for bad in ("z0", "O", "abcI", "l", "é", "1" * 4097):
        assert rdfc10.compiled.base58_decode(bad) is None
    with pytest.raises(multikey.InvalidKey, match="'0' is not a base58btc character"):
        multikey.base58btc_decode("z0")
    with pytest.raises(multikey.InvalidKey, match="'é' is not a base58btc character"):
        multikey.base58btc_decode("abé")
    with pytest.raises(multikey.InvalidKey, match="reasonable length"):
        multikey.base58btc_decode("2" * 4097)
    assert rdfc10.compiled.base58_decode("2" * 4096) == multikey._base58btc_decode("2" * 4096)
    with pytest.raises(TypeError):
        rdfc10.compiled.base58_encode("text")
    with pytest.raises(TypeError):
        rdfc10.compiled.base58_decode(b"bytes")


def test_proof_values_and_keys_use_the_compiled_base58(monkeypatch):
    from microcred import vc
    from microcred.vc import multikey

    calls = []
    for name in ("base58_encode", "base58_decode"):
        real = getattr(rdfc10.compiled, name)
        monkeypatch.setattr(rdfc10.compiled, name, lambda value, real=real: calls.append(value) or real(value))
    key = vc.private_key_from_seed(b"\x07" * 32)
    assert vc.public_key_from_multibase(vc.public_key_to_multibase(key)).public_bytes_raw() == (
        key.public_key().public_bytes_raw()
    )
    assert len(calls) == 2
    monkeypatch.setattr(multikey, "compiled", None)
    assert vc.public_key_to_multibase(key) == "z" + multikey._base58btc_encode(
        b"\xed\x01" + key.public_key().public_bytes_raw()
    )
