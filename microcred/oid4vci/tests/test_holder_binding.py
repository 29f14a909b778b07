"""Holder binding (OpenID4VCI 1.0 §8.1): the wallet receives a copy of the credential bound to the key its
`jwt` proof proved, with its own id and status entry, revoked with the original, never made twice."""

import json
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.credentials.models import HolderBoundCredential
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.oid4vci import services
from microcred.oid4vci.models import AccessToken, Delivery
from microcred.oid4vci.tests.wallet import PRE_AUTHORIZED_GRANT, ScriptedWallet, assert_bound_copy_of, offer_from_page
from microcred.roles import Role
from microcred.vc import jose

pytestmark = pytest.mark.django_db
CONFIGURATION = "OpenBadgeCredential_ldp_vc"

# The did:key method's test vectors (W3C CCG did:key): the Ed25519 key of the all-zero seed, and a P-256 key
# given as a JWK with its did:key. The server must find these DIDs on its own from the proof's key.
ED25519_ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
P256_VECTOR_D = "gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc"
P256_VECTOR_DID = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"


def ed25519_vector_key():
    return Ed25519PrivateKey.from_private_bytes(bytes(32))


def p256_vector_key():
    return ec.derive_private_key(int.from_bytes(jose.b64url_decode(P256_VECTOR_D), "big"), ec.SECP256R1())


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


def offer_link(holder_client, credential, *, tx_code=True):
    response = holder_client.post(
        reverse("oid4vci:offer", args=[credential.uuid]), {"tx_code": "on"} if tx_code else {}
    )
    assert response.status_code == 200
    return offer_from_page(response.content)


def access_token_for(wallet, holder_client, credential) -> str:
    link, tx_code = offer_link(holder_client, credential)
    offer = wallet.resolve_offer(link)
    wallet.discover(offer["credential_issuer"])
    response = wallet.token_request(offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"], tx_code)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def request_credential(wallet, token, nonce=None):
    nonce = nonce or wallet.get_nonce()
    body = {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [wallet.proof(nonce)]}}
    return wallet.credential_request(token, body)


@pytest.mark.parametrize(
    "alg, binding, key, expected_did",
    [
        ("EdDSA", "did:key", ed25519_vector_key, ED25519_ZERO_SEED_DID),
        ("EdDSA", "jwk", ed25519_vector_key, ED25519_ZERO_SEED_DID),
        ("ES256", "jwk", p256_vector_key, P256_VECTOR_DID),
        ("ES256", "did:key", p256_vector_key, P256_VECTOR_DID),
    ],
)
def test_the_wallet_receives_a_copy_bound_to_the_key_it_proved(
    holder_client, credential, alg, binding, key, expected_did
):
    wallet = ScriptedWallet(Client(), alg=alg, binding=binding, key=key())
    link, tx_code = offer_link(holder_client, credential)

    received = wallet.receive(link, tx_code)

    assert received["credentialSubject"]["id"] == expected_did
    assert_bound_copy_of(received, credential, expected_did)
    report = verify_credential_document(received)
    assert report.is_valid, report.reason
    copy = HolderBoundCredential.objects.get()
    assert copy.document == received and copy.original == credential and copy.holder_did == expected_did
    assert received["id"] == copy.credential_id
    entry = received["credentialStatus"]
    assert (entry["statusListCredential"], int(entry["statusListIndex"])) == (copy.status_list.url, copy.status_index)
    delivery = Delivery.objects.get()
    assert delivery.bound_credential == copy and delivery.holder_did == expected_did
    assert delivery.binding_method == binding and delivery.proof_alg == alg


def test_revoking_the_original_revokes_the_copy_in_the_wallet(holder_client, credential, wallet, ub_officer):
    link, tx_code = offer_link(holder_client, credential)
    received = wallet.receive(link, tx_code)
    assert verify_credential_document(received).is_valid

    revoke_credential(ub_officer, credential.pk, "Academic misconduct established by the board.")

    report = verify_credential_document(received)
    assert report.result == "invalid" and report.check("status").passed is False
    assert "Revoked on" in report.check("status").message
    assert HolderBoundCredential.objects.get().revoked_at is not None


def test_a_revoked_original_is_not_delivered(holder_client, credential, wallet, ub_officer):
    token = access_token_for(wallet, holder_client, credential)
    revoke_credential(ub_officer, credential.pk, "Issued in error.")
    response = request_credential(wallet, token)
    assert response.status_code == 400 and response.json()["error"] == "credential_request_denied"
    assert Delivery.objects.count() == 0 and HolderBoundCredential.objects.count() == 0


def test_a_revocation_between_the_check_and_the_copy_denies_the_request(
    holder_client, credential, wallet, ub_officer, monkeypatch
):
    """The revocation commits after the endpoint's first look: the copy is refused under the original's lock."""
    token = access_token_for(wallet, holder_client, credential)
    revoke_credential(ub_officer, credential.pk, "Issued in error.")
    monkeypatch.setattr(services, "offerable", lambda credential: True)  # the first look saw it unrevoked
    nonce = wallet.get_nonce()
    response = request_credential(wallet, token, nonce)
    assert response.status_code == 400 and response.json()["error"] == "credential_request_denied"
    assert Delivery.objects.count() == 0 and HolderBoundCredential.objects.count() == 0
    assert not AuditEvent.objects.filter(action="oid4vci.credential_delivered").exists()


def test_a_replayed_request_makes_no_second_copy(holder_client, credential, wallet):
    token = access_token_for(wallet, holder_client, credential)
    proof = wallet.proof(wallet.get_nonce())
    body = {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [proof]}}
    first = wallet.credential_request(token, body)
    assert first.status_code == 200
    again = wallet.credential_request(token, body)
    assert again.status_code == 400 and again.json()["error"] == "invalid_nonce"
    assert HolderBoundCredential.objects.count() == 1 and Delivery.objects.count() == 1


def test_a_retry_with_a_fresh_nonce_gets_the_same_copy(holder_client, credential, wallet):
    """A wallet that lost the response asks again (OpenID4VCI §13.8: with a new nonce): the same copy."""
    token = access_token_for(wallet, holder_client, credential)
    first = request_credential(wallet, token).json()["credentials"][0]["credential"]
    second = request_credential(wallet, token).json()["credentials"][0]["credential"]
    assert second == first
    assert HolderBoundCredential.objects.count() == 1
    assert (
        list(Delivery.objects.values_list("bound_credential", flat=True))
        == [HolderBoundCredential.objects.get().pk] * 2
    )
    events = AuditEvent.objects.filter(action="oid4vci.credential_delivered").order_by("pk")
    assert [e.changes["newCopy"] for e in events] == [True, False]
    assert AuditEvent.objects.filter(action="credential.bound_copy_issued").count() == 1


def test_each_wallet_key_gets_its_own_copy_and_all_are_revoked(holder_client, credential, wallet, ub_officer):
    token = access_token_for(wallet, holder_client, credential)
    other = ScriptedWallet(wallet.client, alg="ES256", binding="jwk")
    mine = request_credential(wallet, token).json()["credentials"][0]["credential"]
    theirs = request_credential(other, token).json()["credentials"][0]["credential"]
    assert mine["credentialSubject"]["id"] == wallet.did and theirs["credentialSubject"]["id"] == other.did
    assert mine["id"] != theirs["id"] and mine["credentialStatus"] != theirs["credentialStatus"]
    revoke_credential(ub_officer, credential.pk, "Issued in error.")
    assert {verify_credential_document(d).check("status").passed for d in (mine, theirs)} == {False}


def test_the_audit_names_the_copy_not_the_holder(holder_client, credential, wallet):
    link, tx_code = offer_link(holder_client, credential)
    received = wallet.receive(link, tx_code)
    delivered = AuditEvent.objects.get(action="oid4vci.credential_delivered")
    issued = AuditEvent.objects.get(action="credential.bound_copy_issued")
    assert delivered.changes["boundCredential"] == received["id"] == issued.changes["copy"]
    assert issued.changes["statusListIndex"] == int(received["credentialStatus"]["statusListIndex"])
    text = json.dumps([[e.summary, e.object_repr, e.changes] for e in (delivered, issued)]).lower()
    identifier = wallet.did.removeprefix("did:key:").lower()
    for private in (credential.learner_email.lower(), credential.learner_name.lower(), identifier):
        assert private not in text


# --- concurrency (PostgreSQL: SQLite serialises writers, so these races cannot happen there) --------------


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            outcomes.append(action())
        except services.OAuthError as exc:
            outcomes.append(exc.error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_the_same_request_twice_at_once_makes_one_copy(holder_client, credential, wallet):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    access_token_for(wallet, holder_client, credential)
    token = AccessToken.objects.get()
    body = {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]}}

    def deliver():
        return services.deliver_credential(access_token=AccessToken.objects.get(pk=token.pk), request=body)

    outcomes = _race(deliver, deliver, deliver)
    assert sorted(o if isinstance(o, str) else "ok" for o in outcomes) == ["invalid_nonce", "invalid_nonce", "ok"]
    assert HolderBoundCredential.objects.count() == 1 and Delivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_key_with_two_nonces_at_once_gets_one_copy(holder_client, credential, wallet):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    access_token_for(wallet, holder_client, credential)
    token = AccessToken.objects.get()
    bodies = [
        {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]}}
        for _ in range(2)
    ]

    def deliver(body):
        return lambda: services.deliver_credential(access_token=AccessToken.objects.get(pk=token.pk), request=body)

    outcomes = _race(*(deliver(body) for body in bodies))
    assert outcomes[0] == outcomes[1] and isinstance(outcomes[0], dict)
    assert HolderBoundCredential.objects.count() == 1 and Delivery.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_delivery_racing_a_revocation_never_leaves_a_valid_copy(holder_client, credential, wallet, ub_officer):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    access_token_for(wallet, holder_client, credential)
    token = AccessToken.objects.get()
    body = {"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]}}

    def deliver():
        return services.deliver_credential(access_token=AccessToken.objects.get(pk=token.pk), request=body)

    def revoke():
        revoke_credential(ub_officer, credential.pk, "Issued in error.")
        return "revoked"

    outcomes = _race(deliver, revoke)
    assert "revoked" in outcomes
    copies = list(HolderBoundCredential.objects.all())
    if "credential_request_denied" in outcomes:
        assert copies == [] and Delivery.objects.count() == 0
    else:
        [copy] = copies
        assert copy.revoked_at is not None
        assert verify_credential_document(copy.document).check("status").passed is False
