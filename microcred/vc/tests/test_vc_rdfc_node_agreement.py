"""Our RDFC-1.0 decides exactly as Digital Bazaar's rdf-canonize 5 (jsonld.js, @digitalbazaar Data Integrity).

1. Work limit: for every W3C RDFC-1.0 test, at the work factor rdf-canonize's own runner gives it and at
   0-3, and for blank-node-heavy credential shapes and poison graphs (blank_node_shapes.py) plus random
   credentials and fuzz documents at the default factor, our decision (canonical form, or "too complex")
   equals rdf-canonize's, computed in ONE Node run (tests/interop/rdfc.mjs). Signing refuses whatever
   rdf-canonize refuses.
2. UTF-16 order: rdf-canonize's canonical form (UTF-16 code-unit order) equals ours with ``utf16=True``;
   credentials with multi-valued astral text signed by Digital Bazaar's stack (tests/interop/rdfc_sign.mjs)
   verify with ``microcred.vc.verify`` and tampered copies do not; we refuse to sign such documents, and
   documents with astral text on which both forms agree are signed by us and verified by Node.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import blank_node_shapes
import jsonld_fuzz
import pytest
from credential_shapes import documents, registry
from vc_testdata import VECTORS, ob_unsigned, read_text

from microcred import vc
from microcred.vc import rdfc10
from microcred.vc.canonicalization import (
    canonical_form,
    canonicalize_dataset,
    canonicalize_document,
    orders_may_differ,
    utf16_form,
)
from microcred.vc.exceptions import CanonicalizationTooComplex, InvalidProof, UnsafeInput, VCError
from microcred.vc.jsonld import to_quads
from microcred.vc.rdf import parse_nquads
from microcred.vc.rdfc10 import first_degree_orders_agree

INTEROP = Path(__file__).resolve().parents[3] / "tests" / "interop"
SUITE = VECTORS / "w3c-rdf-canon"
MANIFEST = json.loads((SUITE / "manifest.jsonld").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["entries"]
# The work factor rdf-canonize's runner of the W3C suite gives each test (by computationalComplexity).
RUNNER_WORK_FACTORS = {"low": 0, "medium": 2, "high": 3}
WORK_FACTORS = (0, 1, 2, 3)
CREDENTIALS = 300
FUZZ = 300
TOO_COMPLEX = "too complex"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the differential test against rdf-canonize needs it.")
    modules = INTEROP / "node_modules"
    needed = ("jsonld", "rdf-canonize", "@digitalbazaar/vc", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite")
    if not all((modules / name).is_dir() for name in needed):
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


def _run_node(script: str, payload: dict, tmp: Path):
    node = _node()
    (tmp / "in.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [node, script, str(tmp / "in.json"), str(tmp / "out.json")],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((tmp / "out.json").read_text(encoding="utf-8"))


def _ours(run):
    """Our decision in rdf-canonize's vocabulary: {"nquads"/"map": ...} or {"tooComplex": True}."""
    try:
        return run()
    except CanonicalizationTooComplex as exc:
        assert TOO_COMPLEX in str(exc)
        return {"tooComplex": True}


def _theirs(result: dict) -> dict:
    if "error" in result:
        assert result["tooComplex"], result["error"]  # nothing else may fail
        return {"tooComplex": True}
    return {"map": result["map"]} if "map" in result else {"nquads": result["nquads"]}


# --- the corpus and ONE Node run for it -------------------------------------------------------------------


@pytest.fixture(scope="module")
def reg():
    return registry()


@pytest.fixture(scope="module")
def w3c_jobs():
    jobs = []
    for entry in ENTRIES:
        factors = sorted({RUNNER_WORK_FACTORS[entry["computationalComplexity"]], *WORK_FACTORS})
        for factor in factors:
            jobs.append((entry, factor))
    return jobs


@pytest.fixture(scope="module")
def shapes():
    """(name, document, work factor): the credential shapes at the default factor, poison graphs at 0-3."""
    out = [(name, doc, rdfc10.DEFAULT_MAX_WORK_FACTOR) for name, doc in blank_node_shapes.credential_twins()]
    for name, doc in blank_node_shapes.poison_graphs():
        factors = WORK_FACTORS if not name.startswith("twin labelled chains 1500") else (1,)
        out += [(name, doc, factor) for factor in factors]
    return out


@pytest.fixture(scope="module")
def random_documents(reg):
    """Random credentials of every shape we issue and fuzz documents our strict path accepts and jsonld.js
    turns into RDF (its safe mode also drops empty top-level nodes, which we accept)."""
    docs = [doc for _kind, doc in documents(CREDENTIALS, seed=7)]
    for doc in jsonld_fuzz.documents(reg, FUZZ, seed=3):
        try:
            to_quads(doc, reg)
        except VCError:
            continue
        docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def astral_datasets():
    """N-Quads where an emoji and a full-width letter meet: in the output order only, or in a blank graph's
    first-degree quads, whose lines are ordered by the blank subjects' labels in the output."""
    out = []
    for i in range(20):
        out.append(f'<urn:s> <urn:p> "x\U0001f393{i}" .\n<urn:s> <urn:p> "x\uff21{i}" .\n_:s <urn:p> "x\U0001f393" .\n')
        out.append(
            f'_:a <urn:p> "x\U0001f393{i}" _:g .\n_:b <urn:p> "x\uff21{i}" _:g .\n_:g <urn:name> "graph" .\n'
            '_:h <urn:name> "graph" .\n_:h <urn:q> "y" _:g .\n'
        )
    return out


@pytest.fixture(scope="module")
def node(w3c_jobs, shapes, random_documents, astral_datasets, reg, tmp_path_factory):
    """rdf-canonize's results for all of it, from ONE Node run."""
    jobs = [
        {
            "nquads": read_text("w3c-rdf-canon/" + entry["action"]),
            "maxWorkFactor": factor,
            "hashAlgorithm": entry.get("hashAlgorithm", "SHA256"),
            "map": entry["type"] == "rdfc:RDFC10MapTest",
        }
        for entry, factor in w3c_jobs
    ]
    jobs += [{"document": doc, "maxWorkFactor": factor} for _name, doc, factor in shapes]
    jobs += [{"document": doc} for doc in random_documents]
    jobs += [{"nquads": text} for text in astral_datasets]
    contexts = {url: reg.get(url) for url in reg.urls()}
    results = _run_node("rdfc.mjs", {"contexts": contexts, "jobs": jobs}, tmp_path_factory.mktemp("rdfc"))
    assert len(results) == len(jobs)
    out = {}
    for name, count in (("w3c", len(w3c_jobs)), ("shapes", len(shapes)), ("random", len(random_documents))):
        out[name], results = results[:count], results[count:]
    out["astral"] = results
    return out


# --- 1. work limit ----------------------------------------------------------------------------------------


def test_rdf_canonize_runs_the_w3c_suite_as_its_own_runner(w3c_jobs, node):
    """Node is configured as rdf-canonize's runner: at the runner's work factors it meets the suite."""
    checked = 0
    for (entry, factor), result in zip(w3c_jobs, node["w3c"], strict=True):
        if factor != RUNNER_WORK_FACTORS[entry["computationalComplexity"]]:
            continue
        if entry["type"] == "rdfc:RDFC10NegativeEvalTest":
            assert result.get("tooComplex"), entry["id"]
        elif entry["type"] == "rdfc:RDFC10MapTest":
            assert result["map"] == json.loads(read_text("w3c-rdf-canon/" + entry["result"])), entry["id"]
        else:
            assert result["nquads"] == read_text("w3c-rdf-canon/" + entry["result"]), entry["id"]
        checked += 1
    assert checked == len(ENTRIES)


def test_w3c_suite_decisions_equal_rdf_canonize(w3c_jobs, node):
    mismatches = []
    refused = dict.fromkeys(WORK_FACTORS, 0)
    for (entry, factor), result in zip(w3c_jobs, node["w3c"], strict=True):
        quads = parse_nquads(read_text("w3c-rdf-canon/" + entry["action"]))
        algorithm = entry.get("hashAlgorithm", "SHA256")
        if entry["type"] == "rdfc:RDFC10MapTest":
            ours = _ours(lambda q=quads, a=algorithm, f=factor: {"map": rdfc10.canonical_labels(q, a, f)})
        else:
            ours = _ours(lambda q=quads, a=algorithm, f=factor: {"nquads": rdfc10.canonicalize_quads(q, a, f)})
        theirs = _theirs(result)
        if ours != theirs:
            mismatches.append((entry["id"], factor, ours.get("tooComplex"), theirs.get("tooComplex")))
        refused[factor] += "tooComplex" in theirs
    assert mismatches == []
    # the limit matters: more refusals with smaller work factors, some at the default one
    assert refused[0] > refused[1] > refused[2] > refused[3] > 0
    print(f"W3C RDFC-1.0: {len(w3c_jobs)} (test, work factor) pairs equal; refused per factor: {refused}")


def test_shapes_decisions_equal_rdf_canonize(shapes, node, reg):
    mismatches = []
    refused = accepted = 0
    for (name, doc, factor), result in zip(shapes, node["shapes"], strict=True):
        quads = to_quads(doc, reg)
        ours = _ours(lambda q=quads, f=factor: {"nquads": rdfc10.canonicalize_quads(q, "SHA256", f, utf16=True)})
        theirs = _theirs(result)
        if ours != theirs:
            mismatches.append((name, factor, ours.get("tooComplex"), theirs.get("tooComplex")))
        if "tooComplex" in theirs:
            refused += 1
        else:
            accepted += 1
    assert mismatches == []
    assert refused >= 50
    assert accepted >= 50
    print(f"blank-node shapes: {len(shapes)} equal, {accepted} accepted and {refused} refused by both")


def test_we_never_sign_what_rdf_canonize_refuses(shapes, node, reg):
    """At the default work factor, what signing canonicalizes: refused exactly when rdf-canonize refuses."""
    for (name, doc, factor), result in zip(shapes, node["shapes"], strict=True):
        if factor != rdfc10.DEFAULT_MAX_WORK_FACTOR:
            continue
        if "error" in result:
            with pytest.raises(CanonicalizationTooComplex, match=TOO_COMPLEX):
                canonicalize_document(doc, reg)
        else:
            assert canonicalize_document(doc, reg) == result["nquads"], name


def test_random_documents_equal_rdf_canonize_in_both_orders(random_documents, node, reg):
    """Over random credentials and fuzz documents: rdf-canonize's output is our UTF-16 form; our RDFC-1.0
    form is the same, or differs only where the orders differ, and then signing refuses the document."""
    compared = differing = 0
    mismatches = []
    for doc, result in zip(random_documents, node["random"], strict=True):
        if "error" in result:
            continue
        quads = to_quads(doc, reg)
        canonical = canonical_form(quads)
        utf16 = canonical_form(quads, utf16=True)
        if utf16 != result["nquads"]:
            mismatches.append(doc)
        compared += 1
        if canonical == utf16:
            assert utf16_form(quads, canonical) is None
            assert canonicalize_document(doc, reg) == canonical
        else:
            assert orders_may_differ(canonical)
            assert utf16_form(quads, canonical) == utf16
            with pytest.raises(UnsafeInput, match="UTF-16"):
                canonicalize_document(doc, reg)
            differing += 1
    assert mismatches[:3] == []
    assert compared >= CREDENTIALS
    assert differing >= 3


def test_astral_datasets_utf16_form_equals_rdf_canonize(astral_datasets, node):
    relabelled = reordered = 0
    for text, result in zip(astral_datasets, node["astral"], strict=True):
        quads = parse_nquads(text)
        canonical = canonical_form(quads)
        theirs = result["nquads"]
        assert canonical_form(quads, utf16=True) == theirs
        if canonical == theirs:  # another first-degree hash, by chance in the same place
            assert utf16_form(quads, canonical) is None
            assert canonicalize_dataset(quads) == canonical
            continue
        assert utf16_form(quads, canonical) == theirs
        with pytest.raises(UnsafeInput, match="UTF-16"):
            canonicalize_dataset(quads)
        if first_degree_orders_agree(quads):
            reordered += 1
        else:
            relabelled += 1
            # a check of the output order alone would not see it (the labels order those lines)
            lines = canonical.split("\n")[:-1]
            assert sorted(lines, key=rdfc10.utf16_sort_key) == lines
    assert reordered >= 5
    assert relabelled >= 5


# --- 2. UTF-16 order: credentials signed by Digital Bazaar's stack ----------------------------------------

TAGS = ("x\U0001f393", "x\uff21")  # an emoji and a full-width letter: UTF-16 and code points disagree


def _tagged(named: bool, suffix: str = "") -> dict:
    doc = ob_unsigned()
    achievement = doc["credentialSubject"]["achievement"]
    if not named:
        del doc["credentialSubject"]["id"]
        del achievement["id"]
    achievement["tag"] = [tag + suffix for tag in TAGS]
    return doc


def _relabelled(reg) -> dict:
    """A credential whose blank nodes get other canonical labels in UTF-16 order (the order changes a
    first-degree hash), not just another line order."""
    for i in range(100):
        doc = _tagged(False, str(i))
        quads = to_quads(doc, reg)
        canonical = canonical_form(quads)
        utf16 = utf16_form(quads, canonical)
        if utf16 is not None and sorted(utf16.splitlines()) != sorted(canonical.splitlines()):
            return doc
    raise AssertionError("no credential found whose labels change with the order")


@pytest.fixture(scope="module")
def key():
    return vc.private_key_from_seed(bytes(range(32)))


def _issued_by(doc: dict, key) -> dict:
    # Digital Bazaar's verifier wants the issuer to be the controller of the signing key
    issuer = doc["issuer"]
    return {**doc, "issuer": {**issuer, "id": vc.did_key(key)} if isinstance(issuer, dict) else vc.did_key(key)}


@pytest.fixture(scope="module")
def astral(reg, key):
    """(name, unsigned credential) with multi-valued astral text whose two canonical forms differ."""
    cases = [("named nodes", _tagged(True)), ("blank nodes", _tagged(False)), ("relabelled", _relabelled(reg))]
    for i, (kind, doc) in enumerate(documents(400, seed=11)):
        if kind == "open-badge":
            quads = to_quads(doc, reg)
            if utf16_form(quads, canonical_form(quads)) is not None:
                cases.append((f"random credential {i}", doc))
    return [(name, _issued_by(doc, key)) for name, doc in cases]


@pytest.fixture(scope="module")
def agreeing(key):
    """Credentials with astral text on which both orders agree (we sign them)."""
    single = ob_unsigned()
    single["name"] = "Teamwork \U0001f91d"
    multi = ob_unsigned()
    multi["credentialSubject"]["achievement"]["tag"] = ["x\U0001f393", "y"]
    return [_issued_by(single, key), _issued_by(multi, key)]


@pytest.fixture(scope="module")
def node_signing(astral, agreeing, key, reg, tmp_path_factory):
    did = vc.did_key(key)
    docs = {url: reg.get(url) for url in reg.urls()}
    docs[did] = vc.did_key_document(key)
    ours = [vc.sign(doc, key, vc.did_key_verification_method_id(key), registry=reg) for doc in agreeing]
    payload = {
        "docs": docs,
        "key": {
            "secretKeyMultibase": vc.private_key_to_multibase(key),
            "publicKeyMultibase": vc.public_key_to_multibase(key),
            "verificationMethod": vc.did_key_verification_method_id(key),
            "controller": did,
        },
        "sign": [doc for _name, doc in astral],
        "verify": ours,
    }
    return _run_node("rdfc_sign.mjs", payload, tmp_path_factory.mktemp("rdfc-sign"))


def _resolve(vm: str):
    return vc.public_key_from_did_key(vm)


def test_astral_cases_really_differ(astral, reg):
    assert len(astral) >= 5
    for name, doc in astral:
        quads = to_quads(doc, reg)
        assert utf16_form(quads, canonical_form(quads)) is not None, name


def test_credentials_signed_by_digital_bazaar_with_astral_text_verify(astral, node_signing, reg):
    for (name, doc), signed in zip(astral, node_signing["signed"], strict=True):
        assert "credential" in signed, (name, signed.get("error"))
        credential = signed["credential"]
        result = vc.verify(credential, _resolve, registry=reg)
        assert result.verified, (name, result.error)
        assert set(result.dataset) == set(to_quads(doc, reg))


def test_tampered_credentials_signed_by_digital_bazaar_do_not_verify(astral, node_signing, reg):
    for (name, _doc), signed in zip(astral, node_signing["signed"], strict=True):
        credential = signed["credential"]
        tampered = copy.deepcopy(credential)
        tampered["name"] = tampered.get("name", "") + "\U0001f393"
        result = vc.verify(tampered, _resolve, registry=reg)
        assert not result.verified, name
        assert isinstance(result.error, InvalidProof), (name, result.error)
    # the astral text itself changed
    credential = copy.deepcopy(node_signing["signed"][0]["credential"])
    credential["credentialSubject"]["achievement"]["tag"][0] = "y\U0001f393"
    assert isinstance(vc.verify(credential, _resolve, registry=reg).error, InvalidProof)


def test_we_refuse_to_sign_documents_whose_orders_differ(astral, key, reg):
    for name, doc in astral:
        with pytest.raises(UnsafeInput, match="UTF-16") as refused:
            vc.sign(doc, key, vc.did_key_verification_method_id(key), registry=reg)
        assert "JavaScript" in str(refused.value), name


def test_credentials_we_sign_with_astral_text_verify_in_node(node_signing, agreeing):
    assert len(node_signing["verified"]) == len(agreeing)
    for outcome in node_signing["verified"]:
        assert outcome["verified"], outcome["errors"]
