"""SD-JWT / SD-JWT VC (microcred.vc.sd_jwt) and Token Status Lists (microcred.vc.token_status_list)."""

from __future__ import annotations

import json
import time
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred import vc
from microcred.vc import sd_jwt, token_status_list
from microcred.vc.sd_jwt import Disclosable, SdJwtError

ISSUER = Ed25519PrivateKey.generate()
KID = "did:web:example.org#key-1"
AUD = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"


def _issuer_key(header, claims):
    assert header["kid"] == KID
    return ISSUER.public_key()


def _issue(holder, *, decoys=0, payload=None):
    payload = payload or {
        "iss": "did:web:example.org",
        "vct": "https://example.org/vct/award",
        "iat": int(time.time()),
        "exp": int(time.time()) + 3600,
        "name": Disclosable("Zoë Ødegård"),
        "grade": Disclosable("8.5"),
        "achievement": {"title": "Data analysis", "ects": 5, "outcomes": [Disclosable("one"), "two"]},
    }
    return sd_jwt.issue(payload, signer=ISSUER, kid=KID, holder_jwk=sd_jwt.public_jwk(holder), decoys=decoys)


def _verify(compact, **kwargs):
    kwargs.setdefault("issuer_key", _issuer_key)
    return sd_jwt.verify(compact, **kwargs)


@pytest.mark.parametrize("holder", [Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())])
def test_issue_present_verify_with_key_binding(holder):
    issued = _issue(holder, decoys=2)
    header = json.loads(sd_jwt.b64url_decode(issued.jwt.split(".")[0]))
    assert header == {"typ": "dc+sd-jwt", "kid": KID, "alg": "EdDSA"}
    payload = json.loads(sd_jwt.b64url_decode(issued.jwt.split(".")[1]))
    assert payload["_sd_alg"] == "sha-256" and "name" not in payload and "grade" not in payload
    assert len(payload["_sd"]) == 4  # two claims and two decoys, sorted
    assert payload["_sd"] == sorted(payload["_sd"])
    assert payload["achievement"]["outcomes"][1] == "two" and set(payload["achievement"]["outcomes"][0]) == {"..."}
    assert payload["cnf"]["jwk"] == sd_jwt.public_jwk(holder)

    presentation = sd_jwt.present(issued.compact, holder_key=holder, aud=AUD, nonce=NONCE)
    result = _verify(presentation, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert result.claims["name"] == "Zoë Ødegård" and result.claims["grade"] == "8.5"
    assert result.claims["achievement"]["outcomes"] == ["one", "two"]
    assert "_sd" not in result.claims and "_sd_alg" not in result.claims
    assert result.key_binding["aud"] == AUD and result.key_binding["nonce"] == NONCE


def test_selective_disclosure_hides_what_is_not_presented():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    only_grade = sd_jwt.present(
        issued.compact, keep=lambda d: len(d) == 3 and d[1] == "grade", holder_key=holder, aud=AUD, nonce=NONCE
    )
    result = _verify(only_grade, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert result.claims["grade"] == "8.5" and "name" not in result.claims
    assert result.claims["achievement"]["outcomes"] == ["two"]
    # The name's disclosure is not in the presentation at all (the JWT keeps only its digest; the key-binding
    # JWT comes last): read every disclosure presented, not a substring of random base64 that may hold "Zo", and
    # of each its claim name and value, not its salt (random base64url too: ~0.5% of them hold "Zo").
    presented = [sd_jwt.decode_disclosure(d) for d in only_grade.split("~")[1:-1]]
    assert presented and all(d[1] != "name" for d in presented if len(d) == 3)
    assert all("Zo" not in json.dumps(d[1:], ensure_ascii=False) for d in presented)


def test_tampered_disclosure_is_refused():
    holder = Ed25519PrivateKey.generate()
    parts = _issue(holder).compact.split("~")
    salt, name, _value = json.loads(sd_jwt.b64url_decode(parts[1]))
    parts[1] = sd_jwt.b64url_encode(json.dumps([salt, name, "10"]).encode())
    with pytest.raises(SdJwtError, match="does not belong to this SD-JWT") as caught:
        _verify("~".join(parts))
    assert caught.value.code == "disclosure"


def test_duplicate_and_foreign_disclosures_are_refused():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    twice = issued.jwt + "~" + issued.disclosures[0] + "~" + issued.disclosures[0] + "~"
    with pytest.raises(SdJwtError, match="presented twice"):
        _verify(twice)
    other = _issue(holder)
    foreign = issued.compact + other.disclosures[0] + "~"
    with pytest.raises(SdJwtError, match="does not belong"):
        _verify(foreign)


def test_a_digest_used_twice_in_the_payload_is_refused():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    payload = json.loads(sd_jwt.b64url_decode(issued.jwt.split(".")[1]))
    payload["extra"] = {"_sd": [payload["_sd"][0]]}
    jwt = sd_jwt.sign_jws({"typ": "dc+sd-jwt", "kid": KID}, payload, ISSUER)
    with pytest.raises(SdJwtError, match="more than once"):
        _verify("~".join([jwt, *issued.disclosures]) + "~")


def test_signature_and_typ_are_checked():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    header, payload, signature = issued.jwt.split(".")
    claims = json.loads(sd_jwt.b64url_decode(payload))
    claims["iss"] = "did:web:evil.example"
    forged = f"{header}.{sd_jwt.b64url_encode(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(SdJwtError, match="signature of the issuer-signed JWT does not verify") as caught:
        _verify(forged + "~")
    assert caught.value.code == "signature"
    with pytest.raises(SdJwtError, match="typ must be dc"):
        sd_jwt.verify(sd_jwt.issue({"a": 1}, signer=ISSUER, kid=KID, typ="JWT").compact, issuer_key=_issuer_key)
    with pytest.raises(SdJwtError, match="no ~ separator"):
        _verify(issued.jwt)


def test_key_binding_for_another_audience_or_nonce_is_refused():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    other_audience = sd_jwt.present(issued.compact, holder_key=holder, aud="https://other.example", nonce=NONCE)
    with pytest.raises(SdJwtError, match="another audience") as caught:
        _verify(other_audience, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert caught.value.code == "audience"
    other_nonce = sd_jwt.present(issued.compact, holder_key=holder, aud=AUD, nonce="replayed")
    with pytest.raises(SdJwtError, match="another nonce") as caught:
        _verify(other_nonce, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert caught.value.code == "nonce"


def test_key_binding_signed_by_another_key_is_refused():
    holder, thief = Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())
    issued = _issue(holder)
    stolen = sd_jwt.present(issued.compact, holder_key=thief, aud=AUD, nonce=NONCE)
    with pytest.raises(SdJwtError, match="alg ES256 does not fit its key") as caught:
        _verify(stolen, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert caught.value.code == "key_binding"
    thief_ed = Ed25519PrivateKey.generate()
    stolen = sd_jwt.present(issued.compact, holder_key=thief_ed, aud=AUD, nonce=NONCE)
    with pytest.raises(SdJwtError, match=r"key-binding JWT .* does not verify"):
        _verify(stolen, require_key_binding=True, audience=AUD, nonce=NONCE)


def test_disclosures_changed_after_key_binding_are_refused():
    holder = Ed25519PrivateKey.generate()
    issued = _issue(holder)
    presented = sd_jwt.present(
        issued.compact, keep=lambda d: len(d) == 3 and d[1] == "grade", holder_key=holder, aud=AUD, nonce=NONCE
    )
    jwt_and_disclosures, kb = presented.rsplit("~", 1)
    name_disclosure = next(d for d in issued.disclosures if sd_jwt.decode_disclosure(d)[1:2] == ["name"])
    widened = jwt_and_disclosures + "~" + name_disclosure + "~" + kb
    with pytest.raises(SdJwtError, match="sd_hash does not match") as caught:
        _verify(widened, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert caught.value.code == "sd_hash"


def test_missing_key_binding_when_required():
    holder = Ed25519PrivateKey.generate()
    with pytest.raises(SdJwtError, match="key-binding JWT is required"):
        _verify(_issue(holder).compact, require_key_binding=True, audience=AUD, nonce=NONCE)


def test_expired_credential_and_old_key_binding():
    holder = Ed25519PrivateKey.generate()
    now = int(time.time())
    expired = _issue(holder, payload={"iss": "x", "iat": now - 7200, "exp": now - 3600, "name": Disclosable("A")})
    with pytest.raises(SdJwtError, match="expired") as caught:
        _verify(expired.compact)
    assert caught.value.code == "expired"
    issued = _issue(holder)
    old = sd_jwt.present(issued.compact, holder_key=holder, aud=AUD, nonce=NONCE, iat=now - 3600)
    with pytest.raises(SdJwtError, match="too old") as caught:
        _verify(old, require_key_binding=True, audience=AUD, nonce=NONCE)
    assert caught.value.code == "expired"


def test_never_disclosable_claims_are_refused_when_issuing():
    with pytest.raises(SdJwtError, match="cannot be selectively disclosable"):
        sd_jwt.issue({"iss": Disclosable("did:web:x")}, signer=ISSUER, kid=KID)
    with pytest.raises(SdJwtError, match="cannot be a claim name"):
        sd_jwt.issue({"_sd": 1}, signer=ISSUER, kid=KID)


def test_private_holder_key_is_refused_in_cnf():
    jwk = {**sd_jwt.public_jwk(Ed25519PrivateKey.generate()), "d": "AAAA"}
    with pytest.raises(SdJwtError, match="public key only"):
        sd_jwt.issue({"a": 1}, signer=ISSUER, kid=KID, holder_jwk=jwk)


# --- Token Status List -----------------------------------------------------------------------------------


def test_token_status_list_example_from_the_draft():
    # Token Status List §4.1: 16 one-bit statuses, indices 0 3 4 5 7 8 9 13 15 invalid → b9 a3.
    raw = token_status_list.decode_lst("eNrbuRgAAhcBXQ")
    assert raw == bytes([0xB9, 0xA3])
    listed = token_status_list.TokenStatusList(bits=1, raw=raw)
    assert [i for i in range(16) if listed.get(i)] == [0, 3, 4, 5, 7, 8, 9, 13, 15]


def test_token_status_list_has_the_same_bits_as_the_bitstring_list():
    bits = vc.BitstringStatusList()
    for index in (0, 7, 8, 12345, bits.length - 1):
        bits.set(index, 1)
    uri = "https://example.org/status/x/1/token"
    token = token_status_list.status_list_token(uri, bits, signer=ISSUER, kid=KID, iat=1_700_000_000, ttl=300)
    assert token == token_status_list.status_list_token(
        uri, bits, signer=ISSUER, kid=KID, iat=1_700_000_000, ttl=300
    )  # deterministic
    header = json.loads(sd_jwt.b64url_decode(token.split(".")[0]))
    assert header["typ"] == "statuslist+jwt" and header["alg"] == "EdDSA" and header["kid"] == KID
    listed = token_status_list.read_status_list_token(token, uri=uri, issuer_key=_issuer_key)
    assert listed.size == bits.length
    assert [i for i in range(listed.size) if listed.get(i)] == [0, 7, 8, 12345, bits.length - 1]


def test_token_status_list_refusals():
    bits = vc.BitstringStatusList()
    uri = "https://example.org/status/x/1/token"
    token = token_status_list.status_list_token(uri, bits, signer=ISSUER, kid=KID, iat=1, exp=2)
    with pytest.raises(token_status_list.StatusListTokenError, match="another URI"):
        token_status_list.read_status_list_token(token, uri=uri + "x", issuer_key=_issuer_key, now=1)
    with pytest.raises(token_status_list.StatusListTokenError, match="expired"):
        token_status_list.read_status_list_token(token, uri=uri, issuer_key=_issuer_key, now=10)
    with pytest.raises(token_status_list.StatusListTokenError, match="does not verify"):
        token_status_list.read_status_list_token(
            token, uri=uri, issuer_key=lambda h, c: Ed25519PrivateKey.generate().public_key(), now=1
        )
    bomb = sd_jwt.b64url_encode(zlib.compress(bytes(1024 * 1024)))
    with pytest.raises(token_status_list.StatusListTokenError, match="too large"):
        token_status_list.decode_lst(bomb, max_bytes=1024)
