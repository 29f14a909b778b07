"""The proof checker's JOSE pieces against independent values (RFC 8037 vector, PyJWT-made tokens)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from microcred import vc
from microcred.vc import jose
from microcred.vc.multikey import multibase_encode

TYP = "openid4vci-proof+jwt"


def test_rfc_8037_thumbprint():
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jose.jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_ed25519_did_key_resolves_to_the_same_key():
    key = Ed25519PrivateKey.generate()
    did, public = jose.key_from_did_key(vc.did_key_verification_method_id(key))
    assert did == vc.did_key(key)
    assert jose.public_jwk(public) == jose.public_jwk(key.public_key())


def test_p256_did_key_resolves_and_verifies_an_es256_proof():
    key = ec.generate_private_key(ec.SECP256R1())
    compressed = key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    did = "did:key:" + multibase_encode(b"\x80\x24" + compressed)
    assert did.startswith("did:key:zDn")  # the usual P-256 did:key prefix
    token = jwt.encode(
        {"aud": "x", "iat": int(time.time())},
        key,
        algorithm="ES256",
        headers={"typ": TYP, "kid": did + "#" + did[len("did:key:") :]},
    )
    _header, _claims, holder = jose.verify_compact_jws(token, expected_typ=TYP)
    assert holder.did == did and holder.method == "did:key" and holder.jwk["crv"] == "P-256"


def test_the_alg_must_fit_the_key():
    key = Ed25519PrivateKey.generate()
    token = jwt.encode(
        {"a": 1}, key, algorithm="EdDSA", headers={"typ": TYP, "kid": vc.did_key_verification_method_id(key)}
    )
    _header, payload, signature = token.split(".")
    forged_header = jose.b64url_encode(
        jose.json.dumps({"typ": TYP, "alg": "ES256", "kid": vc.did_key_verification_method_id(key)}).encode()
    )
    with pytest.raises(jose.JoseError, match="ES256 needs a P-256 key"):
        jose.verify_compact_jws(f"{forged_header}.{payload}.{signature}", expected_typ=TYP)


@pytest.mark.parametrize(
    "extra_header, message",
    [
        ({"x5c": ["MIIB"]}, "exactly one of kid or jwk"),
        ({"crit": ["exp"]}, "critical"),
    ],
)
def test_header_rules(extra_header, message):
    key = Ed25519PrivateKey.generate()
    headers = {"typ": TYP, "kid": vc.did_key_verification_method_id(key), **extra_header}
    token = jwt.encode({"a": 1}, key, algorithm="EdDSA", headers=headers)
    with pytest.raises(jose.JoseError, match=message):
        jose.verify_compact_jws(token, expected_typ=TYP)


def test_a_private_jwk_is_refused():
    key = Ed25519PrivateKey.generate()
    private = jwt.algorithms.OKPAlgorithm.to_jwk(key, as_dict=True)
    assert "d" in private
    token = jwt.encode({"a": 1}, key, algorithm="EdDSA", headers={"typ": TYP, "jwk": private})
    with pytest.raises(jose.JoseError, match="public key only"):
        jose.verify_compact_jws(token, expected_typ=TYP)


def test_a_point_off_the_curve_is_refused():
    jwk = {"kty": "EC", "crv": "P-256", "x": jose.b64url_encode(b"\x01" * 32), "y": jose.b64url_encode(b"\x02" * 32)}
    with pytest.raises(jose.JoseError):
        jose.key_from_jwk(jwk)


def test_a_tampered_payload_does_not_verify():
    key = Ed25519PrivateKey.generate()
    token = jwt.encode(
        {"aud": "a"}, key, algorithm="EdDSA", headers={"typ": TYP, "kid": vc.did_key_verification_method_id(key)}
    )
    header, _payload, signature = token.split(".")
    other = jose.b64url_encode(b'{"aud":"b"}')
    with pytest.raises(jose.JoseError, match="does not verify"):
        jose.verify_compact_jws(f"{header}.{other}.{signature}", expected_typ=TYP)


def test_a_did_key_with_a_foreign_fragment_is_refused():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(jose.JoseError, match="fragment"):
        jose.key_from_did_key(vc.did_key(key) + "#" + vc.did_key(other)[len("did:key:") :])
