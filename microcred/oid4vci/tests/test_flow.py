"""The whole pre-authorized code flow, from the learner's offer page to a verified credential in the wallet."""

import json

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.credentials.services.verification import verify_credential_document
from microcred.oid4vci.models import AccessToken, CredentialOffer, Delivery
from microcred.oid4vci.tests.wallet import (
    PRE_AUTHORIZED_GRANT,
    ScriptedWallet,
    assert_bound_copy_of,
    offer_from_page,
    read_offer_link,
)

pytestmark = pytest.mark.django_db


def make_offer(client, credential, *, tx_code=True):
    url = reverse("oid4vci:offer", args=[credential.uuid])
    response = client.post(url, {"tx_code": "on"} if tx_code else {})
    assert response.status_code == 200
    return offer_from_page(response.content)


def test_scripted_wallet_receives_the_signed_credential(holder_client, credential, wallet):
    link, tx_code = make_offer(holder_client, credential)
    assert tx_code is not None and len(tx_code) == 6 and tx_code.isdigit()

    received = wallet.receive(link, tx_code)

    assert_bound_copy_of(received, credential, wallet.did)
    report = verify_credential_document(received)
    assert report.is_valid, report.reason
    delivery = Delivery.objects.get()
    assert delivery.credential == credential and delivery.bound_credential.document == received
    assert delivery.binding_method == "did:key" and delivery.holder_did == wallet.did
    assert delivery.holder_jwk == wallet.public_jwk()
    assert delivery.proof_alg == "EdDSA"
    offer = CredentialOffer.objects.get()
    assert offer.redeemed_at is not None and offer.tx_code_attempts == 1


def test_es256_wallet_with_a_jwk_and_no_transaction_code(holder_client, credential, client):
    wallet = ScriptedWallet(client.__class__(), alg="ES256", binding="jwk")
    link, tx_code = make_offer(holder_client, credential, tx_code=False)
    assert tx_code is None
    assert "tx_code" not in wallet.resolve_offer(link)["grants"][PRE_AUTHORIZED_GRANT]

    received = wallet.receive(link, None)

    assert verify_credential_document(received).is_valid
    assert wallet.did.startswith("did:key:zDn")  # a jwk-proven key is bound through its did:key
    assert_bound_copy_of(received, credential, wallet.did)
    delivery = Delivery.objects.get()
    assert delivery.binding_method == "jwk" and delivery.holder_did == wallet.did
    assert delivery.holder_jwk["crv"] == "P-256" and delivery.proof_alg == "ES256"


def test_the_offer_is_what_digest_4_asks_for(holder_client, credential, settings, wallet):
    link, _ = make_offer(holder_client, credential)
    assert link.startswith(
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fmc.example.eu%2Foid4vci%2Foffers%2F"
    )
    offer = wallet.resolve_offer(link)
    assert offer["credential_issuer"] == settings.PUBLIC_BASE_URL == "https://mc.example.eu"
    assert offer["credential_configuration_ids"] == ["OpenBadgeCredential_ldp_vc"]
    grant = offer["grants"][PRE_AUTHORIZED_GRANT]
    assert len(grant["pre-authorized_code"]) >= 43
    assert grant["tx_code"]["length"] == 6 and grant["tx_code"]["input_mode"] == "numeric"
    assert len(grant["tx_code"]["description"]) <= 300
    stored = CredentialOffer.objects.get()
    handle = read_offer_link(link)["credential_offer_uri"].rsplit("/", 1)[1]
    stored_values = [str(getattr(stored, f.attname)) for f in stored._meta.concrete_fields]
    assert not any(grant["pre-authorized_code"] in v or handle in v for v in stored_values)  # hashes only


def test_the_offer_uri_answers_only_while_the_offer_is_open(holder_client, credential, wallet):
    link, tx_code = make_offer(holder_client, credential)
    uri = read_offer_link(link)["credential_offer_uri"]
    offer = wallet.resolve_offer(link)
    assert wallet.resolve_offer(link) == offer  # a wallet may look twice before it redeems
    assert wallet.client.get(uri.replace("https://mc.example.eu", "") + "x").status_code == 404
    wallet.token_request(offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"], tx_code)
    response = wallet.client.get(uri.replace("https://mc.example.eu", ""))
    assert response.status_code == 404 and response.json()["error"] == "invalid_request"


def test_authorization_details_give_a_credential_identifier(holder_client, credential, wallet):
    link, tx_code = make_offer(holder_client, credential)
    offer = wallet.resolve_offer(link)
    wallet.discover(offer["credential_issuer"])
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": "OpenBadgeCredential_ldp_vc"}])
    response = wallet.token_request(
        offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"], tx_code, authorization_details=details
    )
    assert response.status_code == 200, response.content
    token = response.json()
    [detail] = token["authorization_details"]
    [identifier] = detail["credential_identifiers"]

    by_configuration = wallet.credential_request(
        token["access_token"],
        {
            "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
            "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]},
        },
    )
    assert by_configuration.status_code == 400
    assert by_configuration.json()["error"] == "invalid_credential_request"

    response = wallet.credential_request(
        token["access_token"],
        {"credential_identifier": identifier, "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]}},
    )
    assert response.status_code == 200, response.content
    assert_bound_copy_of(response.json()["credentials"][0]["credential"], credential, wallet.did)


def test_the_access_token_serves_several_requests_each_with_a_fresh_nonce(holder_client, credential, wallet):
    link, tx_code = make_offer(holder_client, credential)
    offer = wallet.resolve_offer(link)
    wallet.discover(offer["credential_issuer"])
    token = wallet.token_request(offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"], tx_code).json()
    for _ in range(2):
        response = wallet.credential_request(
            token["access_token"],
            {
                "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
                "proofs": {"jwt": [wallet.proof(wallet.get_nonce())]},
            },
        )
        assert response.status_code == 200
    assert Delivery.objects.count() == 2 and AccessToken.objects.count() == 1


def test_every_step_is_audited_without_personal_data(holder_client, holder, credential, wallet):
    link, tx_code = make_offer(holder_client, credential)
    wallet.receive(link, tx_code)
    events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="oid4vci.")}
    assert set(events) == {"oid4vci.offer_created", "oid4vci.offer_redeemed", "oid4vci.credential_delivered"}
    assert events["oid4vci.offer_created"].actor == holder
    delivered = events["oid4vci.credential_delivered"]
    assert delivered.object_id == str(credential.pk)
    assert delivered.changes["binding"] == "did:key"
    text = json.dumps([[e.summary, e.object_repr, e.changes] for e in events.values()]).lower()
    for private in (credential.learner_email.lower(), credential.learner_name.lower(), wallet.did.lower(), tx_code):
        assert private not in text
