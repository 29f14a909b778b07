"""Differential tests of the fast JSON-LD → RDF path (microcred.vc.expansion).

Over more than 1,000 randomized credentials of every shape we issue (credential_shapes.py) the fast path
must produce exactly the canonical N-Quads of

* Digital Bazaar's jsonld.js + rdf-canonize (tests/interop/canonize.mjs, run ONCE over all documents), and
* our strict reference path (PyLD expansion + our RDF generation),

it must handle every one of them itself (no fallback), reproduce the W3C and 1EdTech vectors byte for
byte, and refuse (hand over to the strict path) every document the strict path refuses.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

import jsonld_fuzz
import pytest
from credential_shapes import documents, registry
from vc_testdata import ob_unsigned, read_json, read_text, w3c_registry

from microcred import vc
from microcred.vc import expansion, jsonld
from microcred.vc.canonicalization import canonicalize_document
from microcred.vc.exceptions import UnsafeInput, UnsupportedJsonLd, VCError
from microcred.vc.rdfc10 import canonicalize_quads

INTEROP = Path(__file__).resolve().parents[3] / "tests" / "interop"
CREDENTIALS = 1000  # OpenBadgeCredentials; status lists, proof configurations and signed forms come on top
FUZZ = 1000  # random term-driven documents (jsonld_fuzz.py)
# jsonld.js safe mode also refuses documents that drop a top-level (or graph-level) node without properties;
# the strict path accepts those (they have no triples to drop). Not a shape we issue.
NODE_SAFE_MODE_DROPS = ("(empty object)", "(object with only @id)")


@pytest.fixture(scope="module")
def reg():
    return registry()


@pytest.fixture(scope="module")
def corpus():
    return documents(CREDENTIALS)


@pytest.fixture(scope="module")
def fuzz(reg):
    return jsonld_fuzz.documents(reg, FUZZ)


def _fast(doc, reg):
    return canonicalize_quads(expansion.to_quads(doc, reg))


def _reference(doc, reg):
    return canonicalize_quads(jsonld.reference_to_quads(doc, reg))


def _node_available() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the differential test against jsonld.js needs it.")
    if not (INTEROP / "node_modules" / "jsonld").is_dir() or not (INTEROP / "node_modules" / "rdf-canonize").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("tests/interop/node_modules is missing and npm is not installed.")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=INTEROP,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"`npm ci` in tests/interop failed: {done.stderr.strip()[-500:]}")
    return node


@pytest.fixture(scope="module")
def node_all(corpus, fuzz, reg, tmp_path_factory):
    """jsonld.js + rdf-canonize results for the corpus and the fuzz documents, from ONE Node run."""
    node = _node_available()
    tmp = tmp_path_factory.mktemp("canonize")
    contexts = {url: reg.get(url) for url in reg.urls()}
    docs = [doc for _kind, doc in corpus] + fuzz
    (tmp / "in.json").write_text(
        json.dumps({"contexts": contexts, "documents": docs}, ensure_ascii=False), encoding="utf-8"
    )
    start = time.monotonic()
    done = subprocess.run(
        [node, "canonize.mjs", str(tmp / "in.json"), str(tmp / "out.json")],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp / "out.json").read_text(encoding="utf-8"))
    assert len(results) == len(docs)
    print(f"jsonld.js canonicalized {len(results)} documents in {time.monotonic() - start:.1f} s")
    return results


@pytest.fixture(scope="module")
def node_results(node_all, corpus):
    return node_all[: len(corpus)]


def test_corpus_covers_every_shape(corpus):
    kinds = {kind for kind, _doc in corpus}
    assert {"open-badge", "open-badge+proof", "status-list", "proof-config"} <= kinds
    assert sum(kind.startswith("open-badge") for kind, _doc in corpus) >= CREDENTIALS
    badges = [doc for kind, doc in corpus if kind == "open-badge"]
    outcomes = {len(d["credentialSubject"]["achievement"].get("learningOutcome", [])) for d in badges}
    assert outcomes == set(range(11))
    assert any("result" in d["credentialSubject"] for d in badges)
    assert any("id" in d["credentialSubject"] for d in badges)
    assert any("credentialStatus" not in d for d in badges)
    assert any(isinstance(d["credentialSubject"].get("creditsEarned"), float) for d in badges)
    # the issuer's profile repeated as the achievement's creator (repeated literals, merged)
    assert sum(d["credentialSubject"]["achievement"].get("creator") == d["issuer"] for d in badges) >= CREDENTIALS // 4
    # cohorts: one achievement for several learners (the fast path replays it, see below)
    achievements = [json.dumps(d["credentialSubject"]["achievement"]) for d in badges]
    assert len(achievements) - len(set(achievements)) >= CREDENTIALS // 5


def test_fast_path_handles_every_shape_itself(corpus, reg):
    refused = []
    for kind, doc in corpus:
        try:
            expansion.to_quads(doc, reg)
        except expansion.NeedsReferenceProcessor as exc:
            refused.append((kind, str(exc)))
    assert refused == []


def test_fast_path_equals_reference_path(corpus, reg):
    mismatches = [i for i, (_kind, doc) in enumerate(corpus) if _fast(doc, reg) != _reference(doc, reg)]
    assert mismatches == []


def test_fast_path_equals_jsonld_js(corpus, reg, node_results):
    compared = refused_utf16 = 0
    mismatches = []
    for (kind, doc), expected in zip(corpus, node_results, strict=True):
        try:
            ours = canonicalize_document(doc, reg)
        except UnsafeInput as exc:
            # Multi-valued text whose order differs in UTF-16 and code points (docs/interoperability.md,
            # pitfall 3): refused by design, and Node's form indeed differs from RDFC-1.0's.
            assert "UTF-16" in str(exc)
            assert expected.get("nquads") != _fast(doc, reg)
            refused_utf16 += 1
            continue
        if expected.get("nquads") != ours:
            mismatches.append((kind, expected, ours))
        compared += 1
    assert mismatches[:3] == []
    assert compared >= CREDENTIALS
    assert refused_utf16 < len(corpus) // 20


def test_fuzz_documents_fast_path_equals_reference_and_jsonld_js(fuzz, reg, node_all, corpus):
    """Where the fast path answers, the answer is PyLD's and jsonld.js's; where the strict path refuses, the
    fast path refuses too."""
    results = node_all[len(corpus) :]
    answered = compared = 0
    problems = []
    for doc, expected in zip(fuzz, results, strict=True):
        try:
            fast = _fast(doc, reg)
        except (expansion.NeedsReferenceProcessor, VCError):
            fast = None
        try:
            reference = _reference(doc, reg)
        except VCError:
            reference = None
        if fast is None:
            continue
        answered += 1
        if reference != fast:
            problems.append(("reference", doc))
            continue
        if "error" in expected and expected["error"].endswith(NODE_SAFE_MODE_DROPS):
            continue
        try:
            canonical = canonicalize_document(doc, reg)
        except UnsafeInput:
            continue
        compared += 1
        if expected.get("nquads") != canonical:
            problems.append(("jsonld.js", doc))
    assert problems[:3] == []
    assert answered >= FUZZ // 2
    assert compared >= FUZZ // 3


# --- W3C / 1EdTech vectors through the fast path ----------------------------------------------------------

VECTORS = [
    ("1edtech-ob3/obv3p0-unsigned.json", "1edtech-ob3/obv3p0-document-canon.txt", False),
    ("w3c-vc-di-eddsa/unsigned.json", "w3c-vc-di-eddsa/eddsa-rdfc-2022_canonDocDataInt.txt", True),
    (
        "w3c-vc-di-eddsa/eddsa-rdfc-2022_proofConfigDataInt.json",
        "w3c-vc-di-eddsa/eddsa-rdfc-2022_proofCanonDataInt.txt",
        True,
    ),
]


@pytest.mark.parametrize(("document", "canonical", "w3c"), VECTORS)
def test_vectors_byte_exact_on_the_fast_path(document, canonical, w3c):
    doc = read_json(document)
    reg = w3c_registry() if w3c else vc.DEFAULT_REGISTRY
    assert canonicalize_quads(expansion.to_quads(doc, reg)) == read_text(canonical)


def test_1edtech_proof_config_byte_exact_on_the_fast_path():
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    proof = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    assert canonicalize_quads(expansion.to_quads(config, vc.DEFAULT_REGISTRY)) == read_text(
        "1edtech-ob3/obv3p0-proof-canon.txt"
    )


# --- strictness: every document the strict path refuses, the fast path refuses too ------------------------


def _nodes(value, out):
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            _nodes(v, out)
    elif isinstance(value, list):
        for v in value:
            _nodes(v, out)
    return out


def _strings(value, out, parent=None, key=None):
    if isinstance(value, str) and parent is not None and key != "@context":
        out.append((parent, key))
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "@context":
                _strings(v, out, value, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _strings(v, out, value, i)
    return out


def _mutations(rng: random.Random, doc: dict):
    """(name, mutated document) pairs, each of which the strict path must refuse."""
    nodes = _nodes(doc, [])
    strings = _strings(doc, [])

    def mutated(fn):
        copy_ = copy.deepcopy(doc)
        fn(copy_)
        return copy_

    def pick_node(d):
        return rng.choice(_nodes(d, []))

    def pick_string(d):
        return rng.choice(_strings(d, []))

    yield "undefined term", mutated(lambda d: pick_node(d).__setitem__("favouriteColour", "blue"))
    yield "undefined typed term", mutated(lambda d: pick_node(d).__setitem__("score", 3))
    for bad in ("\ud800", "\udfff"):

        def inject(d, bad=bad):
            parent, key = pick_string(d)
            parent[key] = parent[key][:3] + bad + parent[key][3:]

        yield f"bad char {bad!r}", mutated(inject)
    for number in (float("nan"), float("inf"), -float("inf"), 10**400):
        yield f"number {number}", mutated(lambda d, n=number: d["credentialSubject"].__setitem__("creditsEarned", n))
    yield "repeated literal", mutated(lambda d: d["credentialSubject"].__setitem__("creditsEarned", [5, "5"]))
    for tag in ("en us", "en_US", "", "en-", "abcdefghi", 'en .\n<x> <y> "z"'):
        yield f"language {tag!r}", mutated(lambda d, t=tag: d.__setitem__("name", {"@value": "x", "@language": t}))
    yield "id ending in a newline", mutated(lambda d: d.__setitem__("id", d["id"] + "\n"))
    yield "id with a control character", mutated(lambda d: pick_node(d).__setitem__("id", "urn:x:\x01"))
    yield "id with an angle bracket", mutated(lambda d: pick_node(d).__setitem__("id", "urn:x:>"))
    yield "relative type", mutated(lambda d: d["type"].append("NotAType"))
    yield "nested relative type", mutated(lambda d: pick_node(d).__setitem__("type", ["Profile", "Nope"]))
    yield "nested relative id", mutated(lambda d: pick_node(d).__setitem__("id", "../x y"))
    yield "non-string id", mutated(lambda d: pick_node(d).__setitem__("id", 5))
    yield "relative id", mutated(lambda d: d.__setitem__("id", "credentials/1"))
    yield "unknown context", mutated(lambda d: d["@context"].append("https://example.org/not-pinned.jsonld"))
    yield "non-JSON value", mutated(lambda d: d.__setitem__("name", object()))
    if nodes and strings:
        yield "bad char in a key", mutated(lambda d: pick_node(d).__setitem__("name\x01", "x"))


def test_fast_path_refuses_whatever_the_strict_path_refuses(corpus, reg):
    rng = random.Random(7)
    badges = [doc for kind, doc in corpus if kind == "open-badge"]
    checked = 0
    for doc in rng.sample(badges, 50):
        for name, bad in _mutations(rng, doc):
            with pytest.raises((expansion.NeedsReferenceProcessor, VCError)):
                expansion.to_quads(bad, reg)
            with pytest.raises(VCError) as via_public:
                canonicalize_document(bad, reg)
            with pytest.raises(VCError) as via_reference:
                jsonld.reference_to_quads(bad, reg)
            assert type(via_public.value) is type(via_reference.value), name
            assert via_public.value.message == via_reference.value.message, name
            checked += 1
    assert checked >= 50 * 26


def test_deep_documents_are_refused_like_the_strict_path(reg):
    doc = ob_unsigned()
    node = doc["credentialSubject"]["achievement"]
    for _ in range(70):
        node["related"] = [{"type": ["Achievement"], "name": "x"}]
        node = node["related"][0]
    with pytest.raises(expansion.NeedsReferenceProcessor):
        expansion.to_quads(doc, reg)
    with pytest.raises(UnsafeInput, match="deeper"):
        canonicalize_document(doc, reg)


def test_repeated_list_values_kept_on_the_fast_path(reg):
    doc = ob_unsigned()
    doc["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:6a1b0ee2-7a6b-4b86-a2b5-7f9dbb1a8f3e",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A", "A", "B"],
        }
    ]
    # an RDF collection keeps every item (JSON-LD 1.1 API §8.7), as jsonld.js does
    quads = expansion.to_quads(doc, reg)
    assert [o for _s, p, o, _g in quads if p == jsonld.RDF_FIRST] == ['"A"', '"A"', '"B"']
    assert _fast(doc, reg) == _reference(doc, reg)
    doc["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"] = ["A", "B", "C", "é🎓"]
    assert _fast(doc, reg) == _reference(doc, reg)
    doc["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"] = []
    assert _fast(doc, reg) == _reference(doc, reg)


def test_repeated_literals_from_equal_strings_stay_on_the_fast_path(reg):
    """jsonld.js's node map merges equal values of one property of one node (same @value, same @type): the
    issuer's profile embedded again as the creator, a string repeated in an array. The fast path answers
    those itself; literals from values that jsonld.js keeps apart are still left to the strict path."""
    doc = ob_unsigned()
    issuer = {"id": "did:web:mc.example.eu:issuers:ub", "type": ["Profile"], "name": "UB", "url": "https://ub.edu"}
    doc["issuer"] = issuer
    doc["credentialSubject"]["achievement"]["creator"] = copy.deepcopy(issuer)
    doc["credentialSubject"]["achievement"]["tag"] = ["data", "energy", "data"]
    quads = expansion.to_quads(doc, reg)
    assert ("<did:web:mc.example.eu:issuers:ub>", "<https://schema.org/name>", '"UB"', "") in quads
    assert len(quads) == len(set(quads))
    assert _fast(doc, reg) == _reference(doc, reg)
    for repeated in ([5, "5"], [True, "true"], [2.5, 2.5]):
        other = copy.deepcopy(doc)
        other["credentialSubject"]["creditsEarned"] = repeated
        with pytest.raises(expansion.NeedsReferenceProcessor, match="repeated literal"):
            expansion.to_quads(other, reg)
    other = copy.deepcopy(doc)
    other["credentialSubject"]["achievement"]["creator"]["name"] = "UB (creator)"  # one node, two names
    assert _fast(other, reg) == _reference(other, reg)


def test_a_string_typed_xsd_string_and_the_same_string_untyped_are_left_to_the_strict_path():
    """A term typed xsd:string makes a literal written like an untyped one, but a different value for jsonld.js:
    the same word given through such a term and through the property's full IRI is one N-Quads line that the fast
    path leaves to the strict path (which refuses it: jsonld.js would sign it twice); the same word twice through
    the typed term merges."""
    reg = registry()
    typed = "https://example.org/typed-keywords/v1"
    reg.register(typed, {"@context": {"keyword": {
        "@id": "https://schema.org/keywords", "@type": "http://www.w3.org/2001/XMLSchema#string"}}})
    doc = ob_unsigned()
    doc["@context"] = [*doc["@context"], typed]
    doc["credentialSubject"]["achievement"]["keyword"] = ["data", "energy", "data"]
    assert _fast(doc, reg) == _reference(doc, reg)
    mixed = copy.deepcopy(doc)
    mixed["credentialSubject"]["achievement"]["https://schema.org/keywords"] = "data"
    with pytest.raises(expansion.NeedsReferenceProcessor, match="repeated literal"):
        expansion.to_quads(mixed, reg)
    with pytest.raises(UnsupportedJsonLd, match="two different values that make the same RDF literal"):
        jsonld.to_quads(mixed, reg)  # jsonld.js would sign the statement twice
    other = copy.deepcopy(doc)  # another word untyped: nothing repeated, nothing to decide
    other["credentialSubject"]["achievement"]["https://schema.org/keywords"] = "energy storage"
    assert _fast(other, reg) == _reference(other, reg)


@pytest.mark.parametrize("keys", ["compiled", "pickle"])
def test_identified_nodes_are_replayed_exactly(reg, monkeypatch, keys):
    """The memo of node objects with an IRI id (an achievement shared by a cohort) gives the quads the walk
    gives, blank nodes numbered from where the document has got to, whatever comes before it. With either key
    (expansion.exact_key): the compiled one where it is built, the pickle otherwise."""
    if keys == "pickle":
        monkeypatch.setattr(expansion, "compiled", None)
    else:
        assert expansion.compiled is not None, "the compiled loops are not built: run tools/build_speedups.py"
    walked_nodes = []
    walk = expansion._Walker.node
    monkeypatch.setattr(
        expansion._Walker, "node", lambda self, e, *a, **k: walked_nodes.append(e) or walk(self, e, *a, **k)
    )
    doc = ob_unsigned()
    achievement = doc["credentialSubject"]["achievement"]
    achievement["alignment"] = [
        {"type": ["Alignment"], "targetName": f"skill {n}", "targetUrl": f"https://example.org/skill/{n}"}
        for n in range(6)
    ]
    achievement.update(achievementType="Course", tag=["data", "energy"], humanCode="DA-1")
    achievement["description"] = "x" * 600  # large enough to be remembered
    expected = jsonld.reference_to_quads(doc, reg)
    first = expansion.to_quads(copy.deepcopy(doc), reg)
    walked_nodes.clear()
    again = expansion.to_quads(copy.deepcopy(doc), reg)
    assert achievement not in walked_nodes  # replayed, not walked
    assert first == again  # same quads, same blank node labels, same order
    assert canonicalize_quads(again) == canonicalize_quads(expected)
    # more blank nodes before the achievement: its replayed blank nodes are numbered after them, each
    # numbering made once and then reused (more numberings than are kept, and each one twice)
    for identifiers in [3, 1, 3, *range(expansion._SUBTREE_INSTANCES + 2), 0, 3]:
        subject = {k: v for k, v in doc["credentialSubject"].items() if k != "identifier"}
        doc["credentialSubject"] = {  # walked in this order: the identifiers' blank nodes come first
            "identifier": [
                {"type": "IdentityObject", "identityHash": f"h{n}", "identityType": "name", "hashed": False}
                for n in range(identifiers)
            ],
            **subject,
        }
        walked = expansion.to_quads(copy.deepcopy(doc), registry())  # a fresh registry: nothing remembered
        for _ in range(2):
            walked_nodes.clear()
            replayed = expansion.to_quads(copy.deepcopy(doc), reg)
            assert achievement not in walked_nodes
            assert replayed == walked, identifiers
    assert canonicalize_quads(replayed) == canonicalize_quads(jsonld.reference_to_quads(doc, reg))
    # values Python finds equal are not the same JSON: 1 and true make different literals, neither replayed as the other
    for code in (1, True, 1, True):
        doc["credentialSubject"]["achievement"] = {**achievement, "humanCode": code}
        replayed = canonicalize_quads(expansion.to_quads(copy.deepcopy(doc), reg))
        assert replayed == canonicalize_quads(jsonld.reference_to_quads(doc, reg)), code
        assert ('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in replayed) is (code is True)
    # a value of another type with the same JSON text is not the same object
    doc["credentialSubject"]["achievement"] = {**achievement, "alignment": tuple(achievement["alignment"])}
    with pytest.raises(expansion.NeedsReferenceProcessor):
        expansion.to_quads(doc, reg)


def test_unsupported_constructs_are_handed_to_the_strict_path(reg):
    base = ob_unsigned()
    cases = [
        {**base, "@context": [*base["@context"], {"extra": "https://example.org/extra"}], "extra": 1},
        {**base, "name": {"@value": "Teamwork", "@language": "en"}},
        {**base, "@graph": []},
        {
            **base,
            "credentialSubject": {**base["credentialSubject"], "@context": "https://www.w3.org/ns/credentials/v2"},
        },
    ]
    for doc in cases:
        with pytest.raises(expansion.NeedsReferenceProcessor):
            expansion.to_quads(doc, reg)
    # ... which still canonicalizes them (the first three are valid JSON-LD)
    for doc in cases[:2]:
        assert canonicalize_document(doc, reg) == canonicalize_quads(jsonld.reference_to_quads(doc, reg))


# --- caches -----------------------------------------------------------------------------------------------


def test_caches_are_thread_safe(corpus):
    sample = [doc for _kind, doc in corpus[:160]]
    expected = [_reference(doc, registry()) for doc in sample]
    fresh = registry()  # cold caches, filled concurrently
    results: dict[int, list] = {}
    errors = []

    def work(worker):
        try:
            order = list(range(len(sample)))
            random.Random(worker).shuffle(order)
            results[worker] = {i: canonicalize_quads(expansion.to_quads(sample[i], fresh)) for i in order}
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for worker_results in results.values():
        assert [worker_results[i] for i in range(len(sample))] == expected


def test_registering_a_context_invalidates_the_cache():
    reg = registry()
    url = "https://example.org/ctx/v1"
    doc = {"@context": [url], "@id": "urn:x:1", "thing": "v"}
    with pytest.raises(VCError):
        expansion.to_quads(doc, reg)
    reg.register(url, {"@context": {"thing": "https://a.example/thing"}})
    assert expansion.to_quads(doc, reg) == [("<urn:x:1>", "<https://a.example/thing>", '"v"', "")]
