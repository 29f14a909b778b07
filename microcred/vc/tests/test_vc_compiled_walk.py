"""The compiled JSON-LD walk (``_canonical.walk_node``) does exactly what the Python walk (``_Walker._node`` and
``_Walker.plain``) does: the same quads in the same order, the same blank node numbers, the same lists of literals
to check for merging, or the same refusal with the same message.

The differential tests against jsonld.js and the strict path (test_vc_fast_path_differential.py) judge the walk's
output; this file holds the compiled walk to the Python one on the documents those tests use, on the same documents
made hostile at random places (values of every Python type, keyword keys, control characters, lone surrogates,
nesting beyond the depth limit), and on values whose comparison runs Python code that changes the document
being walked.
"""

from __future__ import annotations

import copy
import random

import jsonld_fuzz
import pytest
from credential_shapes import documents, registry

from microcred.vc import expansion

pytestmark = pytest.mark.skipif(expansion.compiled is None, reason="the compiled loops are not built here")


def walked(document, reg, *, compiled: bool):
    """What walking ``document`` gives: (quads, unmergeable, typed strings, blank nodes made, blank node look-ups),
    or the exception's type and message."""
    saved = expansion.compiled
    if not compiled:
        expansion.compiled = None
    try:
        ctx = expansion._top_context(reg, document["@context"])
        walker = expansion._Walker()
        subject = walker.node(document, ctx, "", 0, top=True)
    except Exception as exc:  # the type and message are what is compared
        return type(exc), str(exc)
    finally:
        expansion.compiled = saved
    return subject, walker.quads, walker.unmergeable, walker.typed_strings, walker.counter, walker.named


def assert_same(document, reg):
    python = walked(copy.deepcopy(document), reg, compiled=False)
    compiled = walked(copy.deepcopy(document), reg, compiled=True)
    assert compiled == python, document


@pytest.fixture(scope="module")
def reg():
    return registry()


@pytest.fixture(scope="module")
def shapes():
    return [doc for _kind, doc in documents(300)]


@pytest.fixture(scope="module")
def corpus(reg, shapes):
    return shapes + jsonld_fuzz.documents(reg, 300)


def test_the_documents_of_the_differential_tests_walk_alike(corpus, shapes, reg, monkeypatch):
    for document in corpus:
        assert_same(document, reg)
    # and the compiled walk is the one that walked them: the Python one is never asked to (their keys are all str)
    handed_over = []
    python_node = expansion._Walker._node
    monkeypatch.setattr(expansion._Walker, "_node", lambda *args: handed_over.append(args) or python_node(*args))
    for document in shapes:
        assert type(walked(document, reg, compiled=True)[0]) is str
    assert handed_over == []


class Weird(dict):
    """A dict subclass: the compiled walk hands it to the Python one."""


class LoudStr(str):
    pass


ROUNDS = 1500

HOSTILE = [
    None, True, False, 0, -1, 2**53, 2**60, 1.5, float("nan"), float("inf"), "", "x", "_:b0", "_:x", "@id",
    "@vocab", "urn:x", "https://ex.org/é", "a\x01b", "tab\there", 'quote"', "back\\slash", "del\x7f", "lone\ud800",
    "🎓", "ﬀ", b"bytes", (1, 2), [], [[]], [None], [1, "a", None, {"id": "urn:y"}], {}, {"@id": "urn:z"},
    {"id": "_:b9"}, {"@id": 5}, {"@type": 5}, {"@type": ["A", 3]}, {"@type": "\x02"}, {"@foo": 1},
    {"@context": {}}, {"id": "urn:a", "@id": "urn:b"}, {"type": "A", "@type": "B"}, {1: "int key"},
    {LoudStr("name"): "str subclass key"}, Weird(name="subclass"), {"name": LoudStr("subclass value")},
    {"id": "ex:foo"}, {"id": "xsd:string"}, {"id": "rdf:type"}, {"id": "name:x"}, {"id": "VerifiableCredential"},
    {"id": "https:x"}, {"id": "a b:c"}, {"id": "1a:b"}, {"id": "https://ex.org/a\u00a0b"}, {"id": "http://ex.org/\n"},
    {"id": "urn:x", "type": "Profile"}, {"id": ":x"}, {"id": "x:"}, {"id": "x://"}, {"id": "_:"}, {"id": "@x:y"},
    {"creditsAvailable": 2**53 - 1}, {"creditsAvailable": -(2**53) + 1}, {"creditsAvailable": 2**53},
    {"creditsAvailable": True}, {"hashed": 5}, {"hashed": False}, {"ectsCredits": 7}, {"identityHash": 3},
    {"creditsEarned": -2}, {"creditsEarned": False}, {"salt": 12}, {"https://ex.org/untyped": [1, True, -0]},
    {"bad\x01key": 1}, {"\ud800": 1}, {"https://ex.org/p": "full IRI key"}, {"ex:p": "compact"},
    {"id": "urn:big", **{f"https://ex.org/p{n}": n for n in range(40)}},
    {"id": "https://ex.org/n/9", "type": "Achievement", "name": "a", "description": "b", "criteria": {"narrative": "c"},
     "version": "1", "inLanguage": "en", "achievementType": "Course", "creditsAvailable": 5},
    object(),
]  # fmt: skip


def _deep(levels: int, leaf):
    value = leaf
    for n in range(levels):
        value = [value] if n % 2 else {"name": value}
    return value


HOSTILE += [_deep(60, "x"), _deep(70, "x"), _deep(140, {"id": "urn:deep"})]


def _places(value, depth=0):
    """Every (container, key) in a JSON value where a value can be put, down to 40 levels."""
    if depth > 40:
        return
    if type(value) is dict:
        for key in list(value):
            yield value, key
            yield from _places(value[key], depth + 1)
    elif type(value) is list:
        for index in range(len(value)):
            yield value, index
            yield from _places(value[index], depth + 1)


def test_hostile_values_anywhere_walk_alike(corpus, reg):
    made_hostile(corpus, reg, ROUNDS, seed=20261206)


def made_hostile(corpus, reg, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(rounds):
        document = copy.deepcopy(rng.choice(corpus))
        for _ in range(rng.randint(1, 3)):
            places = list(_places(document))
            if not places:
                break
            container, key = rng.choice(places)
            choice = rng.random()
            if choice < 0.7:
                container[key] = copy.deepcopy(rng.choice(HOSTILE))
            elif choice < 0.85 and type(container) is dict:
                keyword = rng.choice(["@type", "@id", "id", "type", "@context", "@graph", "@foo", "@value"])
                container[keyword] = copy.deepcopy(rng.choice(HOSTILE))
            elif type(container) is dict:
                del container[key]
        assert_same(document, reg)


class Meddler(str):
    """A key whose comparison with "@id" empties the dict it is the key of (the walk must hold on to its values)."""

    victim: dict | None = None

    def __eq__(self, other):
        if Meddler.victim is not None:
            Meddler.victim.clear()
            Meddler.victim = None
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_a_document_changed_while_it_is_walked_walks_alike(reg):
    def document():
        nested = {Meddler("name"): "value"}
        Meddler.victim = nested
        return {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": nested,
        }

    python = walked(document(), reg, compiled=False)
    compiled = walked(document(), reg, compiled=True)
    assert compiled == python


def test_a_cohort_replays_its_shared_achievement_alike(shapes, reg, monkeypatch):
    # A cohort's credentials embed the same achievement: the compiled walk replays it from the active context's
    # memory (from the second credential on, without the Python method) with the blank node numbers each needs.
    credentials = [doc for doc in shapes if "achievement" in doc.get("credentialSubject", {})]
    cohort = []
    for document in credentials[:12]:
        document = copy.deepcopy(document)
        document["@context"] = credentials[0]["@context"]
        document["credentialSubject"]["achievement"] = copy.deepcopy(credentials[0]["credentialSubject"]["achievement"])
        cohort.append(document)
    python = [walked(copy.deepcopy(doc), reg, compiled=False) for doc in cohort]
    asked = []
    method = expansion._Walker.identified_node
    monkeypatch.setattr(expansion._Walker, "identified_node", lambda *args: asked.append(args) or method(*args))
    compiled = [walked(copy.deepcopy(doc), reg, compiled=True) for doc in cohort]
    assert compiled == python
    assert len({len(result[1]) for result in compiled}) > 1  # the learners' parts differ
    assert len(asked) == 1  # only the first credential's achievement was not remembered under the compiled key
