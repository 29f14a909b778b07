"""OpenID4VCI delivers the award as an SD-JWT VC to a stand-in EU Digital Identity Wallet (issue #18, item 2):
offer → token → nonce → proof JWT → credential, then a presentation with a key-binding JWT, verified by us."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from microcred.audit.models import AuditEvent
from microcred.credentials.services.sd_jwt_verification import verify_sd_jwt_vc
from microcred.credentials.services.status import revoke_credential
from microcred.oid4vci import services
from microcred.oid4vci.metadata import CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID
from microcred.oid4vci.models import Delivery
from microcred.oid4vci.tests.wallet import EudiWallet, offer_from_page
from microcred.roles import Role
from microcred.vc import sd_jwt

VERIFIER = "https://employer.example"
NONCE = "verifier-nonce-4711"


@pytest.fixture
def eudi_wallet(db):
    from django.test import Client

    return EudiWallet(Client())


def _payload(compact: str) -> dict:
    return json.loads(sd_jwt.b64url_decode(compact.split("~")[0].split(".")[1]))


def test_metadata_has_both_configurations(client):
    configurations = client.get("/.well-known/openid-credential-issuer").json()["credential_configurations_supported"]
    assert set(configurations) == {CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID}
    sd = configurations[SD_JWT_CONFIGURATION_ID]
    assert sd["format"] == "dc+sd-jwt" and sd["vct"] == "https://mc.example.eu/vct/micro-credential/v1"
    assert sd["cryptographic_binding_methods_supported"] == ["jwk"]
    assert sd["credential_signing_alg_values_supported"] == ["EdDSA"]
    assert "EdDSA" in sd["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
    assert sd["credential_metadata"]["display"][0]["locale"] == "en"


def test_eudi_wallet_receives_and_presents_the_sd_jwt_vc(holder_client, credential, eudi_wallet):
    page = holder_client.post(f"/credentials/{credential.uuid}/wallet-offer/", {"tx_code": "on", "format": "sd-jwt"})
    link, tx_code = offer_from_page(page.content)
    received = eudi_wallet.receive(link, tx_code)

    payload = _payload(received)
    assert payload["cnf"]["jwk"] == eudi_wallet.public_jwk() | {"kty": "EC", "crv": "P-256"}
    assert payload["iss"] == credential.issuer.did
    assert payload["status"]["status_list"]["idx"] == credential.status_index
    delivery = Delivery.objects.get()
    assert delivery.configuration_id == SD_JWT_CONFIGURATION_ID and delivery.bound_credential is None
    assert delivery.binding_method == "jwk" and delivery.proof_alg == "ES256"
    event = AuditEvent.objects.filter(action="oid4vci.credential_delivered").get()
    assert event.changes["configuration"] == SD_JWT_CONFIGURATION_ID
    assert credential.learner_name not in json.dumps(event.changes)

    # The wallet shows the grade only, to an employer who asked with its own nonce.
    presentation = eudi_wallet.present(received, aud=VERIFIER, nonce=NONCE, keep=lambda d: d[1] != "name")
    report = verify_sd_jwt_vc(presentation, audience=VERIFIER, nonce=NONCE)
    assert report.result == "valid", report.reason
    assert "name" not in report.content["claims"] and report.content["claims"]["achievement"]["title"]
    replayed = verify_sd_jwt_vc(presentation, audience=VERIFIER, nonce="the-next-nonce")
    assert replayed.result == "invalid" and "another nonce" in replayed.reason
    elsewhere = verify_sd_jwt_vc(presentation, audience="https://other.example", nonce=NONCE)
    assert elsewhere.result == "invalid" and "another audience" in elsewhere.reason
    stolen = eudi_wallet.present(received, aud=VERIFIER, nonce=NONCE, key=ec.generate_private_key(ec.SECP256R1()))
    assert verify_sd_jwt_vc(stolen, audience=VERIFIER, nonce=NONCE).result == "invalid"


def test_an_offer_of_both_lets_the_wallet_take_either(holder_client, credential, eudi_wallet):
    page = holder_client.post(f"/credentials/{credential.uuid}/wallet-offer/", {"format": "both"})
    link, _code = offer_from_page(page.content)
    offer = eudi_wallet.resolve_offer(link)
    assert offer["credential_configuration_ids"] == [CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID]
    received = eudi_wallet.receive(link, None)
    assert verify_sd_jwt_vc(received).result == "valid"


def test_the_open_badge_wallet_still_gets_the_open_badge_from_an_offer_of_both(holder, credential, wallet):
    created = services.create_offer(
        user=holder,
        credential=credential,
        with_tx_code=False,
        configurations=[CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID],
    )
    received = wallet.receive(created.link, None)
    assert received["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_a_configuration_not_offered_is_refused(holder, credential, eudi_wallet):
    created = services.create_offer(user=holder, credential=credential, with_tx_code=False)  # the Open Badge only
    offer = eudi_wallet.resolve_offer(created.link)
    eudi_wallet.discover(offer["credential_issuer"])
    token = eudi_wallet.token_request(
        offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
    ).json()
    nonce = eudi_wallet.get_nonce()
    response = eudi_wallet.credential_request(
        token["access_token"],
        {"credential_configuration_id": SD_JWT_CONFIGURATION_ID, "proofs": {"jwt": [eudi_wallet.proof(nonce)]}},
    )
    assert response.status_code == 400 and response.json()["error"] == "unknown_credential_configuration"
    assert not Delivery.objects.exists()


def test_authorization_details_name_the_sd_jwt_configuration(holder, credential, eudi_wallet):
    created = services.create_offer(
        user=holder,
        credential=credential,
        with_tx_code=False,
        configurations=[CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID],
    )
    offer = eudi_wallet.resolve_offer(created.link)
    eudi_wallet.discover(offer["credential_issuer"])
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": SD_JWT_CONFIGURATION_ID}])
    code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
    token = eudi_wallet.token_request(code, authorization_details=details).json()
    (detail,) = token["authorization_details"]
    assert detail["credential_configuration_id"] == SD_JWT_CONFIGURATION_ID
    identifier = detail["credential_identifiers"][0]
    response = eudi_wallet.credential_request(
        token["access_token"],
        {"credential_identifier": identifier, "proofs": {"jwt": [eudi_wallet.proof(eudi_wallet.get_nonce())]}},
    )
    assert response.status_code == 200 and isinstance(response.json()["credentials"][0]["credential"], str)


def test_a_revoked_award_is_not_delivered_and_a_delivered_one_is_revoked(
    holder, credential, eudi_wallet, make_user, institution
):
    created = services.create_offer(
        user=holder, credential=credential, with_tx_code=False, configurations=[SD_JWT_CONFIGURATION_ID]
    )
    received = eudi_wallet.receive(created.link, None)
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.credential_id, "Degree withdrawn by the examination board.")
    report = verify_sd_jwt_vc(received)
    assert report.result == "invalid" and report.check("status").message == "This credential has been revoked."


def test_an_unknown_format_choice_offers_the_open_badge(holder_client, credential):
    holder_client.post(f"/credentials/{credential.uuid}/wallet-offer/", {"format": "mdoc"})
    from microcred.oid4vci.models import CredentialOffer

    assert CredentialOffer.objects.get().configuration_ids == [CONFIGURATION_ID]


def test_create_offer_refuses_unknown_configurations(holder, credential):
    from microcred.oid4vci.errors import OfferNotPossible

    with pytest.raises(OfferNotPossible):
        services.create_offer(user=holder, credential=credential, configurations=["mso_mdoc"])
    with pytest.raises(OfferNotPossible):
        services.create_offer(user=holder, credential=credential, configurations=[CONFIGURATION_ID, CONFIGURATION_ID])


def test_the_learners_wallet_page_lists_the_sd_jwt_delivery_as_bound(holder_client, holder, credential, eudi_wallet):
    created = services.create_offer(
        user=holder, credential=credential, with_tx_code=False, configurations=[SD_JWT_CONFIGURATION_ID]
    )
    eudi_wallet.receive(created.link, None)
    page = holder_client.get(f"/wallet/{credential.uuid}/").content.decode()
    section = page[page.index('id="deliveries-heading"') :]
    section = section[: section.index("</section>")]
    assert "(SD-JWT VC, for EU Digital Identity Wallets)" in section and "(not bound to this key)" not in section
    assert "✔" in section
