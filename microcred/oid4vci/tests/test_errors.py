"""Everything a wallet (or an attacker) can get wrong, and the OpenID4VCI/OAuth error it gets back."""

import json
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from microcred.oid4vci import services
from microcred.oid4vci.models import AccessToken, CredentialOffer, Delivery
from microcred.oid4vci.tests.wallet import PRE_AUTHORIZED_GRANT, offer_from_page

pytestmark = pytest.mark.django_db
CONFIGURATION = "OpenBadgeCredential_ldp_vc"


@pytest.fixture
def offer(holder_client, credential, wallet):
    """(pre-authorized code, tx_code) of a fresh offer, the wallet having discovered the issuer."""
    response = holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]), {"tx_code": "on"})
    link, tx_code = offer_from_page(response.content)
    offer = wallet.resolve_offer(link)
    wallet.discover(offer["credential_issuer"])
    return offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"], tx_code


@pytest.fixture
def access_token(offer, wallet):
    response = wallet.token_request(*offer)
    assert response.status_code == 200
    return response.json()["access_token"]


def error_of(response, status=400):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) <= {"error", "error_description"}
    assert "Traceback" not in json.dumps(body)
    return body["error"]


def request_with(wallet, access_token, proof=None, configuration=CONFIGURATION, **body):
    payload = {"credential_configuration_id": configuration, **body}
    if proof is not None:
        payload["proofs"] = {"jwt": [proof]}
    return wallet.credential_request(access_token, payload)


# --- token endpoint -----------------------------------------------------------------------------------


def test_a_pre_authorized_code_works_once(offer, wallet):
    assert wallet.token_request(*offer).status_code == 200
    assert error_of(wallet.token_request(*offer)) == "invalid_grant"
    assert AccessToken.objects.count() == 1


def test_a_concurrent_second_redemption_fails(offer, wallet, monkeypatch):
    """The other request wins between our look-up and our redeem: the conditional UPDATE finds nothing."""
    original = services._authorization_details

    def other_request_wins(raw, offer_row):
        CredentialOffer.objects.filter(pk=offer_row.pk).update(redeemed_at=timezone.now())
        return original(raw, offer_row)

    monkeypatch.setattr(services, "_authorization_details", other_request_wins)
    assert error_of(wallet.token_request(*offer)) == "invalid_grant"
    assert AccessToken.objects.count() == 0


def test_an_expired_code_is_refused(offer, wallet):
    CredentialOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert error_of(wallet.token_request(*offer)) == "invalid_grant"
    assert CredentialOffer.objects.get().redeemed_at is None


def test_an_unknown_code_is_refused(offer, wallet):
    assert error_of(wallet.token_request("not-a-code", offer[1])) == "invalid_grant"


def test_a_withdrawn_offer_is_refused(offer, holder_client, credential, wallet):
    holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]), {"tx_code": "on"})  # a new offer
    assert error_of(wallet.token_request(*offer)) == "invalid_grant"


def test_a_wrong_transaction_code_is_invalid_grant_then_the_right_one_works(offer, wallet):
    code, tx_code = offer
    wrong = "000000" if tx_code != "000000" else "111111"
    assert error_of(wallet.token_request(code, wrong)) == "invalid_grant"
    assert wallet.token_request(code, tx_code).status_code == 200


def test_too_many_wrong_transaction_codes_lock_the_offer(offer, wallet, settings):
    settings.OID4VCI_TX_CODE_ATTEMPTS = 3
    code, tx_code = offer
    wrong = "000000" if tx_code != "000000" else "111111"
    for _ in range(3):
        assert error_of(wallet.token_request(code, wrong)) == "invalid_grant"
    response = wallet.token_request(code, tx_code)  # even the right code is refused now
    assert error_of(response) == "invalid_grant"
    assert "Too many" in response.json()["error_description"]
    assert CredentialOffer.objects.get().tx_code_attempts == 3


def test_a_missing_transaction_code_is_invalid_request(offer, wallet):
    assert error_of(wallet.token_request(offer[0])) == "invalid_request"
    assert error_of(wallet.token_request(offer[0], "")) == "invalid_request"


def test_a_transaction_code_nobody_asked_for_is_invalid_request(holder_client, credential, wallet):
    response = holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]))
    link, tx_code = offer_from_page(response.content)
    assert tx_code is None
    code = wallet.resolve_offer(link)["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    assert error_of(wallet.token_request(code, "123456")) == "invalid_request"


def test_other_grant_types_and_malformed_token_requests(offer, wallet):
    client = wallet.client
    assert (
        error_of(
            client.post(
                "/oid4vci/token",
                "grant_type=authorization_code&code=x",
                content_type="application/x-www-form-urlencoded",
            )
        )
        == "unsupported_grant_type"
    )
    assert (
        error_of(
            client.post("/oid4vci/token", "pre-authorized_code=x", content_type="application/x-www-form-urlencoded")
        )
        == "invalid_request"
    )
    assert (
        error_of(client.post("/oid4vci/token", {"grant_type": PRE_AUTHORIZED_GRANT}, content_type="application/json"))
        == "invalid_request"
    )
    assert error_of(client.get("/oid4vci/token"), status=405) == "invalid_request"


def test_bad_authorization_details_are_refused(offer, wallet):
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": "SomethingElse"}])
    assert error_of(wallet.token_request(*offer, authorization_details=details)) == "invalid_authorization_details"


# --- credential endpoint: access token ----------------------------------------------------------------


def test_an_unknown_access_token_is_invalid_token(access_token, wallet):
    response = request_with(wallet, "not-a-token", wallet.proof(wallet.get_nonce()))
    assert error_of(response, status=401) == "invalid_token"
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_an_expired_access_token_is_invalid_token(access_token, wallet):
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert error_of(request_with(wallet, access_token, wallet.proof(wallet.get_nonce())), status=401) == "invalid_token"
    assert Delivery.objects.count() == 0


def test_no_access_token_is_401(access_token, wallet):
    response = request_with(wallet, None, wallet.proof(wallet.get_nonce()))
    assert error_of(response, status=401) == "invalid_token"
    assert "Bearer" in response["WWW-Authenticate"]


# --- credential endpoint: the request -----------------------------------------------------------------


def test_an_unknown_configuration_is_refused(access_token, wallet):
    response = request_with(wallet, access_token, wallet.proof(wallet.get_nonce()), configuration="UniversityDegree")
    assert error_of(response) == "unknown_credential_configuration"


def test_malformed_credential_requests(access_token, wallet):
    client, headers = wallet.client, {"Authorization": f"Bearer {access_token}"}
    assert (
        error_of(client.post("/oid4vci/credential", "{not json", content_type="application/json", headers=headers))
        == "invalid_credential_request"
    )
    assert (
        error_of(client.post("/oid4vci/credential", "[]", content_type="application/json", headers=headers))
        == "invalid_credential_request"
    )
    assert (
        error_of(client.post("/oid4vci/credential", "eyJ.x.y", content_type="application/jwt", headers=headers))
        == "invalid_credential_request"
    )
    assert error_of(request_with(wallet, access_token, configuration=None)) == "invalid_credential_request"
    assert error_of(request_with(wallet, access_token, credential_identifier="x")) == "invalid_credential_request"
    encrypted = request_with(
        wallet,
        access_token,
        wallet.proof(wallet.get_nonce()),
        credential_response_encryption={"jwk": {}, "enc": "A256GCM"},
    )
    assert error_of(encrypted) == "invalid_encryption_parameters"


def test_a_revoked_credential_is_no_longer_delivered(access_token, wallet, credential):
    credential.revoked_at, credential.revocation_reason = timezone.now(), "Issued in error."
    credential.save()
    assert error_of(request_with(wallet, access_token, wallet.proof(wallet.get_nonce()))) == "credential_request_denied"


# --- credential endpoint: the key proof ---------------------------------------------------------------


def test_a_proof_is_required(access_token, wallet):
    assert error_of(request_with(wallet, access_token)) == "invalid_proof"
    assert error_of(request_with(wallet, access_token, proofs={"di_vp": [{}]})) == "invalid_proof"
    two = {"jwt": [wallet.proof(wallet.get_nonce()), wallet.proof(wallet.get_nonce())]}
    assert error_of(request_with(wallet, access_token, proofs=two)) == "invalid_proof"


def test_a_proof_for_a_wrong_nonce_is_invalid_nonce(access_token, wallet, settings):
    forged = signing.TimestampSigner(salt="somebody else").sign("abc")
    assert error_of(request_with(wallet, access_token, wallet.proof(forged))) == "invalid_nonce"
    assert error_of(request_with(wallet, access_token, wallet.proof("made-up"))) == "invalid_nonce"
    settings.OID4VCI_NONCE_TTL = -1  # every nonce is already expired
    assert error_of(request_with(wallet, access_token, wallet.proof(wallet.get_nonce()))) == "invalid_nonce"
    settings.OID4VCI_NONCE_TTL = 300
    assert request_with(wallet, access_token, wallet.proof(wallet.get_nonce())).status_code == 200


def test_a_nonce_works_for_one_delivery_only(access_token, wallet):
    nonce = wallet.get_nonce()
    assert request_with(wallet, access_token, wallet.proof(nonce)).status_code == 200
    assert error_of(request_with(wallet, access_token, wallet.proof(nonce))) == "invalid_nonce"
    assert Delivery.objects.count() == 1


def test_a_proof_without_nonce_is_invalid_proof(access_token, wallet):
    assert error_of(request_with(wallet, access_token, wallet.proof(None))) == "invalid_proof"


def test_a_proof_for_another_audience_is_invalid_proof(access_token, wallet):
    proof = wallet.proof(wallet.get_nonce(), aud="https://evil.example")
    assert error_of(request_with(wallet, access_token, proof)) == "invalid_proof"
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize("iat_offset", [-3600, 3600])
def test_a_proof_with_a_stale_or_future_iat_is_invalid_proof(access_token, wallet, iat_offset):
    proof = wallet.proof(wallet.get_nonce(), iat=int(time.time()) + iat_offset)
    assert error_of(request_with(wallet, access_token, proof)) == "invalid_proof"


def test_a_proof_of_the_wrong_type_is_invalid_proof(access_token, wallet):
    proof = wallet.proof(wallet.get_nonce(), typ="JWT")
    assert error_of(request_with(wallet, access_token, proof)) == "invalid_proof"


def test_a_proof_signed_by_another_key_is_invalid_proof(access_token, wallet):
    proof = wallet.proof(wallet.get_nonce(), key=Ed25519PrivateKey.generate())  # kid names the wallet's key
    assert error_of(request_with(wallet, access_token, proof)) == "invalid_proof"


def test_mac_and_unsigned_proofs_are_invalid_proof(access_token, wallet):
    claims = {"aud": "https://mc.example.eu", "iat": int(time.time()), "nonce": wallet.get_nonce()}
    header = {"typ": "openid4vci-proof+jwt", "jwk": {"kty": "oct", "k": "c2VjcmV0"}}
    hs256 = jwt.encode(claims, "secret-secret-secret-secret-secret", algorithm="HS256", headers=header)
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"typ": "openid4vci-proof+jwt", "kid": wallet.kid})
    for proof in (hs256, unsigned, "not.a.jwt", "a.b"):
        assert error_of(request_with(wallet, access_token, proof)) == "invalid_proof"


# --- the offer page -----------------------------------------------------------------------------------


def test_nobody_makes_an_offer_for_someone_elses_credential(client, make_user, credential, issue):
    own = issue()
    someone = make_user(email=own.learner_email)
    client.force_login(someone)
    url = reverse("oid4vci:offer", args=[credential.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"tx_code": "on"}).status_code == 404
    assert CredentialOffer.objects.count() == 0


def test_the_offer_page_needs_a_login(client, credential):
    response = client.post(reverse("oid4vci:offer", args=[credential.uuid]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert CredentialOffer.objects.count() == 0


# --- rate limits --------------------------------------------------------------------------------------


def test_the_token_endpoint_is_rate_limited(offer, wallet, settings):
    settings.OID4VCI_TOKEN_RATE_LIMIT = 2
    for _ in range(2):
        wallet.token_request("guess", "000000")
    response = wallet.token_request(*offer)
    assert error_of(response, status=429) == "rate_limited"
    assert response["Retry-After"] == "60"


def test_the_credential_endpoint_is_rate_limited(access_token, wallet, settings):
    settings.OID4VCI_CREDENTIAL_RATE_LIMIT = 1
    assert request_with(wallet, access_token, wallet.proof(wallet.get_nonce())).status_code == 200
    assert error_of(request_with(wallet, access_token, wallet.proof(wallet.get_nonce())), status=429) == "rate_limited"
