"""Multikey/DIDs, Bitstring Status List and baking."""

import base64
import gzip
import json
import secrets
import struct
import zlib

import pytest
from vc_testdata import ob_keypair, read_json

from microcred import vc
from microcred.vc import multikey
from microcred.vc.exceptions import BakingError, InvalidKey, StatusListError

W3C_KEYS = read_json("w3c-vc-di-eddsa/keyPair.json")


# --- multikey / DIDs -----------------------------------------------------------------------------------


def test_w3c_keypair_round_trip():
    key = vc.private_key_from_multibase(W3C_KEYS["privateKeyMultibase"])
    assert vc.public_key_to_multibase(key) == W3C_KEYS["publicKeyMultibase"]
    assert vc.private_key_to_multibase(key) == W3C_KEYS["privateKeyMultibase"]
    assert W3C_KEYS["privateKeyMultibase"].startswith("z3u2")
    public = vc.public_key_from_multibase(W3C_KEYS["publicKeyMultibase"])
    assert vc.public_key_to_multibase(public) == W3C_KEYS["publicKeyMultibase"]


def test_ob_keypair_hex_matches_multibase():
    kp = ob_keypair()
    key = vc.private_key_from_seed(bytes.fromhex(kp["privateKeyHex"]))
    assert multikey.public_key_bytes(key).hex() == kp["publicKeyHex"]
    assert vc.public_key_to_multibase(key) == kp["publicKeyMultibase"]


def test_did_key_of_w3c_vector():
    key = vc.private_key_from_multibase(W3C_KEYS["privateKeyMultibase"])
    signed = read_json("w3c-vc-di-eddsa/eddsa-rdfc-2022_signedDataInt.json")
    assert vc.did_key_verification_method_id(key) == signed["proof"]["verificationMethod"]
    assert vc.did_key(key) == "did:key:" + W3C_KEYS["publicKeyMultibase"]
    doc = vc.did_key_document(key)
    assert doc["id"] == vc.did_key(key)
    assert doc["verificationMethod"][0]["publicKeyMultibase"] == W3C_KEYS["publicKeyMultibase"]
    assert doc["verificationMethod"][0]["controller"] == doc["id"]
    assert doc["assertionMethod"] == [signed["proof"]["verificationMethod"]]
    resolved = vc.public_key_from_did_key(signed["proof"]["verificationMethod"])
    assert vc.public_key_to_multibase(resolved) == W3C_KEYS["publicKeyMultibase"]


def test_did_key_fragment_mismatch_refused():
    other = vc.public_key_to_multibase(vc.generate_private_key())
    with pytest.raises(InvalidKey):
        vc.public_key_from_did_key(f"did:key:{W3C_KEYS['publicKeyMultibase']}#{other}")


@pytest.mark.parametrize(
    "value",
    [
        "u" + W3C_KEYS["publicKeyMultibase"][1:],  # wrong multibase prefix
        W3C_KEYS["privateKeyMultibase"],  # private-key multicodec where a public key is expected
        "z" + multikey.base58btc_encode(b"\xe7\x01" + bytes(33)),  # secp256k1 multicodec
        "z" + multikey.base58btc_encode(b"\xed\x01" + bytes(31)),  # too short
        "z6Mk0OIl",  # not base58
    ],
)
def test_bad_public_multikeys_refused(value):
    with pytest.raises(InvalidKey):
        vc.public_key_from_multibase(value)


def test_base58_known_values_and_leading_zeros():
    assert multikey.base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"
    assert multikey.base58btc_encode(b"\0\0\x01") == "112"
    assert multikey.base58btc_decode("112") == b"\0\0\x01"
    assert multikey.base58btc_decode("") == b""
    for data in (b"", b"\0", b"\xff" * 40, bytes(range(64))):
        assert multikey.base58btc_decode(multikey.base58btc_encode(data)) == data


def _base58_one_digit_at_a_time(data: bytes) -> str:
    number, digits = int.from_bytes(data, "big"), ""
    while number:
        number, rem = divmod(number, 58)
        digits = multikey._B58_ALPHABET[rem] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def test_base58_two_digits_per_division_matches_one_digit_at_a_time():
    numbers = [n + d for n in (58, 58**2, 58**3, 58**44, 2**256, 2**512) for d in (-1, 0, 1)] + [1, 57]
    values = [n.to_bytes((n.bit_length() + 7) // 8, "big") for n in numbers]
    values += [zeros + value for zeros in (b"\0", b"\0\0\0") for value in values]
    values += [secrets.token_bytes(64) for _ in range(200)]  # signatures' length
    for data in values:
        assert multikey.base58btc_encode(data) == _base58_one_digit_at_a_time(data), data.hex()
        assert multikey.base58btc_decode(multikey.base58btc_encode(data)) == data


def test_did_web_ids():
    assert vc.did_web("localhost", "issuers/ub", port=8000) == "did:web:localhost%3A8000:issuers:ub"
    assert vc.did_web("localhost:8000", ["issuers", "ub"]) == "did:web:localhost%3A8000:issuers:ub"
    assert vc.did_web("mc.example.edu") == "did:web:mc.example.edu"
    assert vc.did_web_document_url("did:web:mc.example.edu") == "https://mc.example.edu/.well-known/did.json"
    assert (
        vc.did_web_document_url("did:web:localhost%3A8000:issuers:ub") == "https://localhost:8000/issuers/ub/did.json"
    )
    with pytest.raises(ValueError):
        vc.did_web("bad host/")
    with pytest.raises(ValueError):
        vc.did_web("example.edu", "a b")


def test_did_web_document_keeps_old_keys():
    did = vc.did_web("localhost", "issuers/ub", port=8000)
    new, old = vc.generate_private_key(), vc.generate_private_key()
    doc = vc.did_web_document(did, [("key-2", new.public_key()), ("key-1", old.public_key())])
    assert doc["id"] == did
    assert [m["id"] for m in doc["verificationMethod"]] == [f"{did}#key-2", f"{did}#key-1"]
    assert all(m["controller"] == did and m["type"] == "Multikey" for m in doc["verificationMethod"])
    assert doc["assertionMethod"] == [f"{did}#key-2", f"{did}#key-1"]
    assert doc["verificationMethod"][1]["publicKeyMultibase"] == vc.public_key_to_multibase(old)
    with pytest.raises(ValueError):
        vc.did_web_document(did, [("k", new), ("k", old)])


# --- Bitstring Status List ---------------------------------------------------------------------------


def test_new_list_is_at_least_131072_entries_and_all_zero():
    lst = vc.BitstringStatusList()
    assert lst.length == 131_072
    assert len(lst.to_bytes()) == 16_384
    encoded = lst.encode()
    assert encoded.startswith("u") and "=" not in encoded
    assert len(encoded) < 200
    with pytest.raises(StatusListError):
        vc.BitstringStatusList(1000)


def test_bit_order_index_zero_is_leftmost_bit_of_first_byte():
    lst = vc.BitstringStatusList()
    lst.set(0)
    lst.set(9)
    raw = lst.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert lst.get(0) == 1 and lst.get(1) == 0 and lst.get(9) == 1
    lst.set(0, False)
    assert lst.to_bytes()[0] == 0


def test_encoded_list_round_trip_and_format():
    lst = vc.BitstringStatusList()
    for index in (0, 7, 8, 94_567, 131_071):
        lst.set(index)
    encoded = lst.encode()
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == lst.to_bytes()
    decoded = vc.BitstringStatusList.decode(encoded)
    assert [i for i in (0, 1, 7, 8, 9, 94_566, 94_567, 131_071) if decoded.get(i)] == [
        0,
        7,
        8,
        94_567,
        131_071,
    ]
    with pytest.raises(StatusListError):
        decoded.get(131_072)


def test_decode_refuses_decompression_bomb_short_lists_and_garbage():
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="inflates"):
        vc.BitstringStatusList.decode(bomb, max_bytes=1024 * 1024)
    short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(100))).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="131072"):
        vc.BitstringStatusList.decode(short)
    for bad in ("", "zabc", "u!!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()):
        with pytest.raises(StatusListError):
            vc.BitstringStatusList.decode(bad)


def test_multi_bit_status():
    lst = vc.BitstringStatusList(131_072, status_size=2)
    lst.set(3, 2)
    assert lst.get(3) == 2 and lst.get(2) == 0
    assert lst.to_bytes()[0] == 0b0000_0010
    with pytest.raises(StatusListError):
        lst.set(1, 4)


def test_status_list_credential_signs_and_verifies():
    key = vc.generate_private_key()
    did = vc.did_key(key)
    lst = vc.BitstringStatusList()
    lst.set(94_567)
    cred = vc.status_list_credential("https://mc.example.edu/status/1", did, lst, valid_from="2025-06-01T00:00:00Z")
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["credentialSubject"]["type"] == "BitstringStatusList"
    signed = vc.sign(cred, key, vc.did_key_verification_method_id(key))
    assert vc.verify(signed, vc.public_key_from_did_key).verified
    encoded = signed["credentialSubject"]["encodedList"]
    assert vc.BitstringStatusList.decode(encoded).get(94_567) == 1
    entry = vc.status_list_entry("https://mc.example.edu/status/1", 94_567)
    assert entry["statusListIndex"] == "94567" and entry["id"] != entry["statusListCredential"]


def test_credential_with_status_entry_signs():
    doc = read_json("1edtech-ob3/obv3p0-unsigned.json")
    doc["credentialStatus"] = vc.status_list_entry("https://example.edu/status/1", 5)
    key = vc.generate_private_key()
    signed = vc.sign(doc, key, vc.did_key_verification_method_id(key))
    assert vc.verify(signed, vc.public_key_from_did_key).verified


# --- baking --------------------------------------------------------------------------------------------


def _chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def _tiny_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _chunk_types(png: bytes):
    pos, out = 8, []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        out.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return out


def test_png_bake_round_trip_and_layout():
    cred = read_json("1edtech-ob3/obv3p0-signed.json")
    baked = vc.bake_png(_tiny_png(), cred)
    assert _chunk_types(baked) == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    assert b"openbadgecredential\x00\x00\x00" in baked  # keyword, compression flag 0, method 0
    assert vc.unbake_png(baked) == cred
    rebaked = vc.bake_png(baked, {"@context": [], "id": "urn:x"})
    assert _chunk_types(rebaked).count(b"iTXt") == 1
    assert vc.unbake_png(rebaked) == {"@context": [], "id": "urn:x"}
    assert vc.unbake_png(_tiny_png()) is None


def test_png_with_two_credential_chunks_refused():
    png = _tiny_png()
    itxt = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{}")
    two = png[:33] + itxt + itxt + png[33:]
    with pytest.raises(BakingError, match="more than one"):
        vc.unbake_png(two)


def test_png_compressed_or_corrupt_refused():
    png = _tiny_png()
    compressed = _chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b"{}"))
    with pytest.raises(BakingError, match="compressed"):
        vc.unbake_png(png[:33] + compressed + png[33:])
    baked = bytearray(vc.bake_png(png, {"a": 1}))
    baked[40] ^= 0xFF
    with pytest.raises(BakingError, match="CRC"):
        vc.unbake_png(bytes(baked))
    with pytest.raises(BakingError):
        vc.unbake_png(b"GIF89a....")


def test_png_jws_round_trip():
    jws = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"
    assert vc.unbake_png(vc.bake_png(_tiny_png(), jws)) == jws


SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'


def test_svg_bake_round_trip():
    cred = read_json("1edtech-ob3/obv3p0-signed.json")
    cred["name"] = "Tricky ]]> name"
    baked = vc.bake_svg(SVG, cred)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    svg_tag_end = baked.index(">", baked.index("<svg")) + 1
    assert baked[svg_tag_end:].startswith("<openbadges:credential><![CDATA[")
    assert baked.count("<openbadges:credential") == 1
    assert vc.unbake_svg(baked) == cred
    rebaked = vc.bake_svg(baked, {"id": "urn:y"})
    assert rebaked.count("<openbadges:credential") == 1
    assert rebaked.count("xmlns:openbadges") == 1
    assert vc.unbake_svg(rebaked) == {"id": "urn:y"}
    assert vc.unbake_svg(SVG) is None


def test_svg_jws_and_two_elements():
    jws = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"
    baked = vc.bake_svg(SVG, jws)
    assert f'verify="{jws}"' in baked
    assert vc.unbake_svg(baked) == jws
    doubled = baked.replace("<circle", '<openbadges:credential verify="a.b.c"/><circle')
    with pytest.raises(BakingError):
        vc.unbake_svg(doubled)
    with pytest.raises(BakingError):
        vc.bake_svg("<html></html>", {"a": 1})


def test_baked_png_credential_still_verifies():
    cred = read_json("1edtech-ob3/obv3p0-signed.json")
    out = vc.unbake_png(vc.bake_png(_tiny_png(), cred))
    assert vc.verify(out, lambda vm: ob_keypair()["publicKeyMultibase"]).verified
    assert json.dumps(out, sort_keys=True) == json.dumps(cred, sort_keys=True)
