"""JCS (RFC 8785) and the eddsa-jcs-2022 cryptosuite (Data Integrity EdDSA Cryptosuites v1.0 §3.3): RFC 8785's own
examples, the W3C test vectors byte for byte, tamper tests, the proof's @context rule, and agreement with the
`canonicalize` package the Node cryptosuite uses, on random numbers and text."""

from __future__ import annotations

import json
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from vc_testdata import ob_keypair, ob_unsigned, read_json, read_text, w3c_registry

from microcred import vc
from microcred.vc.cryptosuites import eddsa_jcs_2022
from microcred.vc.exceptions import InvalidProof, MalformedProof, UndefinedTerm, UnsafeInput, UnsupportedCryptosuite
from microcred.vc.jcs import canonicalize, number_to_string

W3C = "w3c-vc-di-eddsa/"
JCS = "eddsa-jcs-2022"
INTEROP = Path(__file__).resolve().parents[3] / "tests" / "interop"

# --- RFC 8785 ---------------------------------------------------------------------------------------------

# RFC 8785 Appendix B: IEEE 754 doubles (hex) and their serialization.
RFC8785_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), RFC8785_NUMBERS)
def test_rfc8785_number_serialization(bits, expected):
    assert number_to_string(struct.unpack(">d", bytes.fromhex(bits))[0]) == expected


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinity_are_refused(bits):
    with pytest.raises(UnsafeInput):
        canonicalize([struct.unpack(">d", bytes.fromhex(bits))[0]])


def test_rfc8785_main_example():
    # RFC 8785 §3.2.2 (input) and §3.2.3 (output)
    text = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], '
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}'
    )
    assert canonicalize(json.loads(text)) == (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_rfc8785_property_sorting_by_utf16_code_units():
    # RFC 8785 §3.2.3: the emoji (a surrogate pair, D83D…) sorts before U+FB33, unlike in code-point order
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = [json.loads(f"[{line.split(':')[0]}]")[0] for line in canonicalize(document)[1:-1].split('",')]
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert sorted(document) != names  # code-point order differs: the test can tell


def test_integers_are_read_as_javascript_doubles_and_lone_surrogates_refused():
    assert canonicalize({"a": 1, "b": 100.0, "c": -0.0, "d": 2**53}) == '{"a":1,"b":100,"c":0,"d":9007199254740992}'
    assert canonicalize([2**53 + 1]) == "[9007199254740992]"  # as JavaScript's JSON.parse reads it
    with pytest.raises(UnsafeInput):
        canonicalize({"a": "\ud800"})
    with pytest.raises(UnsafeInput):
        canonicalize({"a": object()})
    with pytest.raises(UnsafeInput):
        canonicalize([10**400])


# --- the W3C eddsa-jcs-2022 vectors -----------------------------------------------------------------------


def _w3c_key():
    return vc.private_key_from_multibase(read_json(W3C + "keyPair.json")["privateKeyMultibase"])


def _w3c_resolver(vm_id):
    return vc.public_key_from_did_key(vm_id)


def _w3c_signed() -> dict:
    return read_json(W3C + "eddsa-jcs-2022_signedJCS.json")


def test_w3c_vector_intermediate_values_byte_for_byte():
    proof = _w3c_signed()["proof"]
    data = eddsa_jcs_2022.hash_data(read_json(W3C + "unsigned.json"), proof, w3c_registry())
    assert data.canonical_document == read_text(W3C + "eddsa-jcs-2022_canonDocJCS.txt").strip()
    assert data.canonical_proof_config == read_text(W3C + "eddsa-jcs-2022_proofCanonJCS.txt").strip()
    assert data.combined.hex() == read_text(W3C + "eddsa-jcs-2022_combinedHashJCS.txt").strip()
    assert eddsa_jcs_2022.create_proof_value(_w3c_key(), data) == proof["proofValue"]


def test_w3c_vector_sign_reproduces_the_signed_document():
    expected = _w3c_signed()
    proof = expected["proof"]
    signed = vc.sign(
        read_json(W3C + "unsigned.json"),
        _w3c_key(),
        proof["verificationMethod"],
        created=proof["created"],
        registry=w3c_registry(),
        cryptosuite=JCS,
    )
    assert signed["proof"] == [proof]  # with the document's @context in the proof (§3.3.1 step 2)
    assert {k: v for k, v in signed.items() if k != "proof"} == {k: v for k, v in expected.items() if k != "proof"}


def test_w3c_signed_vector_verifies_with_the_signed_dataset():
    result = vc.verify(_w3c_signed(), _w3c_resolver, registry=w3c_registry())
    assert result.verified, result.error
    assert result.proof["cryptosuite"] == JCS
    subjects = {s for s, _p, _o, _g in result.dataset}
    assert "<did:example:abcdefgh>" in subjects
    assert any(p == "<http://purl.org/dc/terms/created>" for _s, p, _o, _g in result.proof_dataset)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


SIGNED_LEAVES = [p for p in _leaves(read_json(W3C + "eddsa-jcs-2022_signedJCS.json")) if p[-1] != "proofValue"]


@pytest.mark.parametrize("path", SIGNED_LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_changing_any_signed_value_fails(path):
    signed = _w3c_signed()
    target = signed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = target[path[-1]] + "x"
    result = vc.verify(signed, _w3c_resolver, registry=w3c_registry())
    assert not result.verified and result.error is not None


def test_json_spelling_changes_that_rdfc_would_not_see_break_a_jcs_signature():
    signed = _w3c_signed()
    signed["credentialSubject"]["alumniOf"] = {"@value": "The School of Examples"}  # the same RDF literal
    assert type(vc.verify(signed, _w3c_resolver, registry=w3c_registry()).error) is InvalidProof


def test_document_context_must_start_with_the_proof_context():
    signed = _w3c_signed()
    signed["@context"] = list(reversed(signed["@context"]))
    result = vc.verify(signed, _w3c_resolver, registry=w3c_registry())
    assert type(result.error) is MalformedProof and "@context" in result.error.message


def test_a_context_added_after_signing_is_not_covered_and_facts_come_from_the_signed_document():
    # §3.3.2 step 4.2: the document is hashed with the proof's @context; the extra context is not signed, so
    # nothing read from the verified dataset can come from it.
    signed = _w3c_signed()
    signed["@context"] = [*signed["@context"], {"alumniOf": "https://evil.example/alumniOf"}]
    result = vc.verify(signed, _w3c_resolver, registry=w3c_registry())
    assert result.verified, result.error
    assert not any("evil.example" in p for _s, p, _o, _g in result.dataset)


def test_a_proof_without_context_hashes_the_document_context():
    # §3.3.5 step 4: the proof configuration gets the document's @context even when the proof has none
    unsigned = read_json(W3C + "unsigned.json")
    proof = {k: v for k, v in _w3c_signed()["proof"].items() if k not in ("@context", "proofValue")}
    data = eddsa_jcs_2022.hash_data(unsigned, proof, w3c_registry())
    assert data.canonical_proof_config == read_text(W3C + "eddsa-jcs-2022_proofCanonJCS.txt").strip()


# --- signing OB 3.0 credentials ---------------------------------------------------------------------------


def _ob_key():
    return vc.private_key_from_seed(bytes.fromhex(ob_keypair()["privateKeyHex"]))


def _ob_resolver(vm_id):
    return ob_keypair()["publicKeyMultibase"]


def test_ob_credential_signs_and_verifies_and_the_dataset_is_the_rdfc_one():
    signed = vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"], cryptosuite=JCS)
    assert signed["proof"][0]["@context"] == ob_unsigned()["@context"]
    result = vc.verify(signed, _ob_resolver)
    assert result.verified, result.error
    assert set(result.dataset) == set(vc.document_to_quads(ob_unsigned()))
    signed["name"] = signed["name"] + " (changed)"
    assert type(vc.verify(signed, _ob_resolver).error) is InvalidProof


def test_signing_refuses_what_is_not_strict_json_ld():
    doc = ob_unsigned()
    doc["credentialSubject"]["notAnObTerm"] = "x"
    with pytest.raises(UndefinedTerm):
        vc.sign(doc, _ob_key(), ob_keypair()["verificationMethod"], cryptosuite=JCS)


def test_a_signed_document_with_an_undefined_term_verifies_its_signature_but_cannot_be_read():
    doc = ob_unsigned()
    proof = eddsa_jcs_2022.proof_options(
        doc,
        {
            "type": "DataIntegrityProof",
            "cryptosuite": JCS,
            "created": "2025-01-01T00:00:00Z",
            "verificationMethod": ob_keypair()["verificationMethod"],
            "proofPurpose": "assertionMethod",
        },
    )
    doc["credentialSubject"]["notAnObTerm"] = "x"
    data = eddsa_jcs_2022.hash_data(doc, proof)
    proof["proofValue"] = "z" + vc.multikey.base58btc_encode(_ob_key().sign(data.combined))
    result = vc.verify({**doc, "proof": proof}, _ob_resolver)
    assert type(result.error) is UndefinedTerm  # not "altered": the signature matched


def test_unknown_cryptosuite_is_refused_clearly():
    signed = vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"], cryptosuite=JCS)
    signed["proof"][0]["cryptosuite"] = "eddsa-jcs-2019"
    error = vc.verify(signed, _ob_resolver).error
    assert type(error) is UnsupportedCryptosuite
    assert "eddsa-jcs-2019" in error.message and "eddsa-jcs-2022" in error.message


def test_a_jcs_signature_does_not_pass_as_rdfc():
    signed = vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"], cryptosuite=JCS)
    signed["proof"][0]["cryptosuite"] = "eddsa-rdfc-2022"
    assert type(vc.verify(signed, _ob_resolver).error) is InvalidProof


# --- agreement with the Node `canonicalize` package (used by @digitalbazaar/eddsa-jcs-2022-cryptosuite) ----


def _random_corpus(seed: int = 8785, count: int = 3000) -> list:
    rng = random.Random(seed)
    values = []
    for _ in range(count):
        bits = rng.getrandbits(64)
        number = struct.unpack(">d", bits.to_bytes(8, "big"))[0]
        if number == number and abs(number) != float("inf"):
            values.append(number)
        values.append(rng.uniform(-1e6, 1e6))
        values.append(round(rng.uniform(-1000, 1000), rng.randint(0, 8)))
        values.append(rng.randint(-(2**53), 2**53))
    alphabet = [chr(c) for c in range(0x20)] + list('"\\/aZ09 ~\x7f\u0080\u00e9\u2028\ufb33\uffff') + ["\U0001f600"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(400)]
    return [values, {text: i for i, text in enumerate(texts)}, texts]


def test_agrees_with_the_node_canonicalize_package(tmp_path):
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "canonicalize").is_dir():
        pytest.skip("Node.js and tests/interop/node_modules (npm ci) are needed for the agreement test.")
    corpus = _random_corpus()
    (tmp_path / "in.json").write_text(json.dumps(corpus, ensure_ascii=False), encoding="utf-8")
    script = (
        "import canonicalize from 'canonicalize'; import {readFileSync} from 'node:fs';"
        "const items = JSON.parse(readFileSync(process.argv[1], 'utf8'));"
        "process.stdout.write(JSON.stringify(items.map(item => canonicalize(item))));"
    )
    done = subprocess.run(
        [node, "--input-type=module", "-e", script, str(tmp_path / "in.json")],
        cwd=INTEROP,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = json.loads(done.stdout.decode("utf-8"))
    ours = [canonicalize(item) for item in corpus]
    assert len(theirs) == 3
    for mine, node_form in zip(ours, theirs, strict=True):
        assert mine == node_form
