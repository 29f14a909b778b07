"""eddsa-rdfc-2022 signing/verification against the W3C and 1EdTech vectors, and tamper tests."""

import copy
import hashlib
import re
import sys

import pytest
from vc_testdata import ob_keypair, ob_unsigned, read_json, read_text, w3c_registry

from microcred import vc
from microcred.vc.cryptosuites import eddsa_rdfc_2022
from microcred.vc.exceptions import (
    InvalidProof,
    KeyResolutionError,
    MalformedProof,
    MissingProof,
    UnsafeInput,
    UnsupportedCryptosuite,
    VCError,
)
from microcred.vc.rdf import parse_nquads

W3C = "w3c-vc-di-eddsa/"


def _w3c_key():
    return vc.private_key_from_multibase(read_json(W3C + "keyPair.json")["privateKeyMultibase"])


def _ob_key():
    return vc.private_key_from_seed(bytes.fromhex(ob_keypair()["privateKeyHex"]))


def _ob_resolver(vm_id):
    kp = ob_keypair()
    if vm_id != kp["verificationMethod"]:
        raise LookupError(f"unknown verification method {vm_id}")
    return kp["publicKeyMultibase"]


def _w3c_resolver(vm_id):
    return vc.public_key_from_did_key(vm_id)


# --- W3C vc-di-eddsa vector ----------------------------------------------------------------------------


def test_w3c_vector_intermediate_values_byte_for_byte():
    registry = w3c_registry()
    unsigned = read_json(W3C + "unsigned.json")
    proof_config = read_json(W3C + "eddsa-rdfc-2022_proofConfigDataInt.json")
    data = eddsa_rdfc_2022.hash_data(unsigned, proof_config, registry)
    assert data.canonical_document == read_text(W3C + "eddsa-rdfc-2022_canonDocDataInt.txt")
    assert data.canonical_proof_config == read_text(W3C + "eddsa-rdfc-2022_proofCanonDataInt.txt")
    assert data.combined.hex() == read_text(W3C + "eddsa-rdfc-2022_combinedHashDataInt.txt").strip()
    assert (
        eddsa_rdfc_2022.create_proof_value(_w3c_key(), data)
        == read_text(W3C + "eddsa-rdfc-2022_sigBTC58DataInt.txt").strip()
    )


def test_w3c_vector_sign_reproduces_signed_document():
    expected = read_json(W3C + "eddsa-rdfc-2022_signedDataInt.json")
    proof = expected["proof"]
    signed = vc.sign(
        read_json(W3C + "unsigned.json"),
        _w3c_key(),
        proof["verificationMethod"],
        created=proof["created"],
        registry=w3c_registry(),
    )
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert signed["proof"][0] == proof
    assert {k: v for k, v in signed.items() if k != "proof"} == {k: v for k, v in expected.items() if k != "proof"}


def test_w3c_signed_vector_verifies():
    result = vc.verify(read_json(W3C + "eddsa-rdfc-2022_signedDataInt.json"), _w3c_resolver, registry=w3c_registry())
    assert result.verified, result.error
    assert result.verification_method.startswith("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#")


# --- 1EdTech OB 3.0 vector --------------------------------------------------------------------------


def test_ob_vector_intermediate_values_byte_for_byte():
    kp = ob_keypair()
    data = eddsa_rdfc_2022.hash_data(ob_unsigned(), kp["proofOptions"])
    assert data.canonical_document == read_text("1edtech-ob3/obv3p0-document-canon.txt")
    assert data.canonical_proof_config == read_text("1edtech-ob3/obv3p0-proof-canon.txt")
    assert data.document_hash.hex() == kp["expected"]["documentHashHex"]
    assert data.proof_config_hash.hex() == kp["expected"]["proofHashHex"]
    assert hashlib.sha256(data.canonical_document.encode()).hexdigest() == kp["expected"]["documentHashHex"]
    signature = _ob_key().sign(data.combined)
    assert signature.hex() == kp["expected"]["signatureHex"]
    assert eddsa_rdfc_2022.create_proof_value(_ob_key(), data) == kp["expected"]["proofValue"]


def test_ob_vector_sign_reproduces_signed_document():
    kp = ob_keypair()
    expected = read_json("1edtech-ob3/obv3p0-signed.json")
    signed = vc.sign(ob_unsigned(), _ob_key(), kp["verificationMethod"], created=kp["proofOptions"]["created"])
    assert signed["proof"] == [expected["proof"]]
    assert {k: v for k, v in signed.items() if k != "proof"} == {k: v for k, v in expected.items() if k != "proof"}
    assert vc.public_key_to_multibase(_ob_key()) == kp["publicKeyMultibase"]


def test_ob_signed_vector_verifies_as_object_and_as_array():
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    result = vc.verify(signed, _ob_resolver)
    assert result.verified
    # the proof configuration's dataset as signed: the canonical N-Quads of the vector, parsed
    assert result.proof_dataset == tuple(parse_nquads(read_text("1edtech-ob3/obv3p0-proof-canon.txt")))
    signed["proof"] = [signed["proof"]]
    assert vc.verify(signed, _ob_resolver).verified


def test_sign_does_not_modify_input_and_emits_proof_array():
    doc = ob_unsigned()
    before = copy.deepcopy(doc)
    signed = vc.sign(doc, _ob_key(), ob_keypair()["verificationMethod"])
    assert doc == before
    assert isinstance(signed["proof"], list)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signed["proof"][0]["created"])
    assert vc.verify(signed, _ob_resolver).verified


def _shares_objects(a, b) -> bool:
    """Whether two JSON values share a dict or a list."""
    seen = set()
    stack = [a]
    while stack:
        value = stack.pop()
        if isinstance(value, dict | list):
            seen.add(id(value))
            stack.extend(value.values() if isinstance(value, dict) else value)
    stack = [b]
    while stack:
        value = stack.pop()
        if isinstance(value, dict | list):
            if id(value) in seen:
                return True
            stack.extend(value.values() if isinstance(value, dict) else value)
    return False


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_signed_copy_is_what_was_signed_even_if_the_input_changes_meanwhile(cryptosuite):
    """The document is copied before it is hashed, and that copy is returned: a change made to the input while
    it is being signed (another thread, a signer on a device that takes its time) cannot end up in a signed
    credential that does not verify."""
    doc = ob_unsigned()
    doc["proof"] = [{"type": "DataIntegrityProof", "note": ["kept"]}]  # an earlier proof is copied too
    key = _ob_key()

    class MeddlingSigner:
        public_key = key.public_key()

        def sign(self, data: bytes) -> bytes:
            doc["name"] = "Changed while signing"
            doc["credentialSubject"]["achievement"]["name"] = "Changed too"
            return key.sign(data)

    signed = vc.sign(doc, MeddlingSigner(), ob_keypair()["verificationMethod"], cryptosuite=cryptosuite)
    assert signed["name"] == ob_unsigned()["name"]
    assert signed["credentialSubject"] == ob_unsigned()["credentialSubject"]
    assert signed["proof"][0] == {"type": "DataIntegrityProof", "note": ["kept"]}
    assert not _shares_objects(doc, signed)
    assert vc.verify(signed, _ob_resolver).verified


def test_documents_nested_beyond_the_recursion_limit_are_refused_with_a_message():
    doc = ob_unsigned()
    value = "leaf"
    for _ in range(5 * sys.getrecursionlimit()):
        value = [value]
    doc["credentialSubject"]["description"] = value
    with pytest.raises(UnsafeInput, match="nests deeper than"):
        vc.sign(doc, _ob_key(), ob_keypair()["verificationMethod"])


def test_second_signature_makes_a_proof_set_and_both_verify():
    kp = ob_keypair()
    other = vc.generate_private_key()
    once = vc.sign(ob_unsigned(), _ob_key(), kp["verificationMethod"])
    twice = vc.sign(once, other, vc.did_key_verification_method_id(other))
    assert len(twice["proof"]) == 2
    assert vc.verify(twice, _ob_resolver).verified
    assert vc.verify(twice, _w3c_resolver).verified  # did:key proof
    only_second = dict(twice, proof=[twice["proof"][1]])
    assert vc.verify(only_second, _w3c_resolver).verified


# --- tampering ----------------------------------------------------------------------------------------


def _leaf_paths(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("@context", "proof"):
                yield from _leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaf_paths(v, (*path, i))
    else:
        yield path


def _tampered(document, path):
    doc = copy.deepcopy(document)
    target = doc
    for step in path[:-1]:
        target = target[step]
    old = target[path[-1]]
    target[path[-1]] = (old + "x") if isinstance(old, str) else old + 1
    return doc


OB_SIGNED_LEAVES = list(_leaf_paths(read_json("1edtech-ob3/obv3p0-signed.json")))
W3C_SIGNED_LEAVES = list(_leaf_paths(read_json(W3C + "eddsa-rdfc-2022_signedDataInt.json")))


def test_tamper_lists_are_not_empty():
    assert len(OB_SIGNED_LEAVES) >= 14
    assert len(W3C_SIGNED_LEAVES) >= 8


@pytest.mark.parametrize("path", OB_SIGNED_LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_changing_any_signed_value_of_ob_vector_fails(path):
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    result = vc.verify(_tampered(signed, path), _ob_resolver)
    assert not result.verified
    assert isinstance(result.error, VCError)


@pytest.mark.parametrize("path", W3C_SIGNED_LEAVES, ids=lambda p: ".".join(map(str, p)))
def test_changing_any_signed_value_of_w3c_vector_fails(path):
    signed = read_json(W3C + "eddsa-rdfc-2022_signedDataInt.json")
    result = vc.verify(_tampered(signed, path), _w3c_resolver, registry=w3c_registry())
    assert not result.verified


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("created", "2010-01-01T19:23:25Z", InvalidProof),
        ("created", "yesterday", MalformedProof),
        ("proofPurpose", "authentication", MalformedProof),
        ("cryptosuite", "eddsa-jcs-2022", InvalidProof),  # a suite we verify, but not the one that signed
        ("cryptosuite", "ecdsa-rdfc-2019", UnsupportedCryptosuite),
        ("type", "Ed25519Signature2020", UnsupportedCryptosuite),
        (
            "proofValue",
            "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCs",
            InvalidProof,
        ),
        ("proofValue", "uAAAA", MalformedProof),
        ("proofValue", "z111", MalformedProof),
        ("proofValue", "z0OIl", MalformedProof),
        ("verificationMethod", "https://example.edu/issuers/565049#other", KeyResolutionError),
    ],
)
def test_tampered_or_malformed_proof_fields(field, value, error):
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    signed["proof"][field] = value
    result = vc.verify(signed, _ob_resolver)
    assert not result.verified
    assert type(result.error) is error
    with pytest.raises(error):
        result.raise_for_error()


def test_removed_proof_field_is_malformed():
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    del signed["proof"]["proofValue"]
    assert type(vc.verify(signed, _ob_resolver).error) is MalformedProof


def test_missing_proof():
    result = vc.verify(ob_unsigned(), _ob_resolver)
    assert not result and type(result.error) is MissingProof


def test_wrong_key_fails():
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    result = vc.verify(signed, lambda vm: vc.generate_private_key().public_key())
    assert type(result.error) is InvalidProof


def test_added_property_breaks_the_signature_or_is_refused():
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    signed["description"] = "added later"
    assert type(vc.verify(signed, _ob_resolver).error) is InvalidProof
    signed = read_json("1edtech-ob3/obv3p0-signed.json")
    signed["credentialSubject"]["notAnObTerm"] = "x"
    assert type(vc.verify(signed, _ob_resolver).error) is vc.UndefinedTerm


def test_unknown_cryptosuite_cannot_sign():
    with pytest.raises(UnsupportedCryptosuite):
        vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"], cryptosuite="ecdsa-rdfc-2019")


def test_sign_refuses_bad_created():
    with pytest.raises(MalformedProof):
        vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"], created="2020-01-01")


def test_a_proof_signed_now_is_dated_now_to_the_second(monkeypatch):
    """Without ``created`` the proof is dated with the current second, whose stamp is made once a second."""
    from datetime import UTC, datetime

    from microcred.vc import data_integrity

    before = datetime.now(UTC).replace(microsecond=0)
    signed = vc.sign(ob_unsigned(), _ob_key(), ob_keypair()["verificationMethod"])
    after = datetime.now(UTC)
    created = vc.parse_datetime_stamp(signed["proof"][-1]["created"])
    assert before <= created <= after
    assert signed["proof"][-1]["created"] == data_integrity.format_datetime(created)
    # another second, another stamp (the clock read through time.time, as datetime.now reads it)
    monkeypatch.setattr(data_integrity.time, "time", lambda: 1_780_000_000.75)
    assert data_integrity.now_stamp() == "2026-05-28T20:26:40Z"
    monkeypatch.setattr(data_integrity.time, "time", lambda: 1_780_000_001.01)
    assert data_integrity.now_stamp() == "2026-05-28T20:26:41Z"


def test_date_times_are_read_alike_whether_remembered_or_not():
    """parse_datetime_stamp remembers the instants of short stamps (a batch's credentials share theirs), never of
    long ones: a fraction of a second may be any length, and what is kept must stay small."""
    from datetime import UTC, datetime, timedelta, timezone

    from microcred.vc import data_integrity

    data_integrity._instant_of.cache_clear()
    short = "2026-06-01T12:00:00.5+02:00"
    assert vc.parse_datetime_stamp(short) == datetime(2026, 6, 1, 10, 0, 0, 500000, tzinfo=UTC)
    assert vc.parse_datetime_stamp(short) is vc.parse_datetime_stamp(short)  # remembered
    assert data_integrity._instant_of.cache_info().currsize == 1
    long = "2026-06-01T12:00:00." + "1" * 10_000 + "Z"
    assert vc.parse_datetime_stamp(long) == datetime(2026, 6, 1, 12, 0, 0, 111111, tzinfo=UTC)
    assert data_integrity._instant_of.cache_info().currsize == 1  # not kept
    for wrong in ("2026-02-30T00:00:00Z", "2026-06-01T24:00:00Z", "2026-06-01T12:00:00+14:30", "2026-06-01"):
        for _ in range(2):  # refused the second time too (a refusal is not remembered as an instant)
            with pytest.raises(ValueError):
                vc.parse_datetime_stamp(wrong)
    assert vc.parse_datetime_stamp("2026-06-01T12:00:00-01:30").utcoffset() == timedelta(0)
    assert vc.parse_datetime_stamp("2026-06-01T12:00:00-01:30") == datetime(
        2026, 6, 1, 12, 0, tzinfo=timezone(-timedelta(hours=1, minutes=30))
    )
