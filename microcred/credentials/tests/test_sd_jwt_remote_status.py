"""Another issuer's SD-JWT VC: its Token Status List is fetched from an allowed host and checked (signed by the
credential's issuer, for the URI the credential names, not expired), never guessed (issue #18 item 2)."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from microcred import vc
from microcred.credentials.services.sd_jwt_verification import verify_sd_jwt_vc
from microcred.vc import sd_jwt, token_status_list

pytestmark = pytest.mark.django_db
INDEX = 77
TOKEN_PATH = "/status/1/token"


def _token_url(partner) -> str:
    return f"http://{partner.host}{TOKEN_PATH}"


def publish_token(partner, *, statuses=(), key=None, kid=None, uri=None, exp=None):
    bits = vc.BitstringStatusList(vc.MIN_ENTRIES)
    for index, _value in statuses:
        bits.set(index)
    token = token_status_list.status_list_token(
        uri or _token_url(partner),
        bits,
        signer=key or partner.key,
        kid=kid or partner.vm,
        iat=int(time.time()),
        exp=exp,
    )
    partner.bodies[TOKEN_PATH] = token.encode()


def partner_sd_jwt(partner) -> str:
    payload = {
        "iss": partner.did,
        "vct": "https://partner.example/vct/course",
        "iat": int(time.time()),
        "status": {"status_list": {"idx": INDEX, "uri": _token_url(partner)}},
        "issuer_name": "Partner University",
        "achievement": {"title": "Soil science"},
    }
    holder = ec.generate_private_key(ec.SECP256R1())
    return sd_jwt.issue(payload, signer=partner.key, kid=partner.vm, holder_jwk=sd_jwt.public_jwk(holder)).compact


def test_not_revoked_in_the_partners_list(partner):
    publish_token(partner, statuses=[(INDEX + 1, 1)])
    compact = partner_sd_jwt(partner)
    report = verify_sd_jwt_vc(compact)
    assert report.check("signature").passed is True
    assert report.check("status").passed is True and _token_url(partner) in report.check("status").message
    verify_sd_jwt_vc(compact)
    assert partner.hits.count(TOKEN_PATH) == 1  # cached


def test_revoked_in_the_partners_list(partner):
    publish_token(partner, statuses=[(INDEX, 1)])
    report = verify_sd_jwt_vc(partner_sd_jwt(partner))
    assert report.result == "invalid" and report.check("status").message.startswith("Revoked by its issuer")
    assert report.facts.status == "revoked"


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        ({"key": vc.generate_private_key()}, "does not verify"),
        ({"uri": "http://elsewhere.example/list"}, "another URI"),
        ({"exp": int(time.time()) - 60}, "expired"),
        ({"kid": "did:web:elsewhere.example#key-1"}, "not signed by a key of the credential's issuer"),
    ],
)
def test_a_list_that_cannot_be_trusted_fails_the_status(partner, publish, message):
    publish_token(partner, **publish)
    report = verify_sd_jwt_vc(partner_sd_jwt(partner))
    assert report.check("status").passed is False, report.check("status").message
    assert message in report.check("status").message
    assert report.result == "invalid"


def test_an_unreachable_list_is_said_so(partner):
    compact = partner_sd_jwt(partner)  # nothing published at the token's address: the host answers 404
    report = verify_sd_jwt_vc(compact)
    assert report.check("status").passed is None and "could not be fetched" in report.check("status").message
    assert report.facts.status == "unreachable" and report.result == "could_not_check"


def test_a_host_not_on_the_list_is_not_fetched(partner, settings):
    publish_token(partner, statuses=[(INDEX, 1)])
    settings.STATUS_LIST_ALLOWED_HOSTS = []
    report = verify_sd_jwt_vc(partner_sd_jwt(partner))
    assert report.check("status").passed is None and "not fetched" in report.check("status").message
    assert TOKEN_PATH not in partner.hits


def test_another_issuers_sd_jwt_vc_is_not_in_our_registry(partner):
    publish_token(partner)
    report = verify_sd_jwt_vc(partner_sd_jwt(partner))
    assert report.registry is not None and not report.registry.is_member
    assert report.registry.message == "Issuer not in any registry you trust."
