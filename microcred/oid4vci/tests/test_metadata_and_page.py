"""Metadata documents (OpenID4VCI 1.0 §12.2 issuer, §12.3 authorization server) and the learner's offer page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.core.qr import qr_modules
from microcred.credentials.vocabulary import CREDENTIAL_CONTEXTS
from microcred.oid4vci.models import CredentialOffer
from microcred.oid4vci.tests.wallet import offer_from_page, read_offer_link

pytestmark = pytest.mark.django_db


def test_issuer_metadata(client, credential):
    response = client.get("/.well-known/openid-credential-issuer")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert document["credential_issuer"] == "https://mc.example.eu"
    assert document["credential_endpoint"] == "https://mc.example.eu/oid4vci/credential"
    assert document["nonce_endpoint"] == "https://mc.example.eu/oid4vci/nonce"
    assert "authorization_servers" not in document  # we are our own authorization server
    configuration = document["credential_configurations_supported"]["OpenBadgeCredential_ldp_vc"]
    assert configuration["format"] == "ldp_vc"
    assert configuration["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert configuration["credential_definition"]["@context"] == credential.document["@context"] == CREDENTIAL_CONTEXTS
    assert configuration["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert configuration["cryptographic_binding_methods_supported"] == ["did:key", "jwk"]
    assert configuration["proof_types_supported"] == {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}}
    display = configuration["credential_metadata"]["display"]
    assert {d["locale"] for d in display} >= {"en"} and all(d["name"] for d in display)
    assert len({d["locale"] for d in display}) == len(display)  # one object per language


def test_authorization_server_metadata(client):
    document = client.get("/.well-known/oauth-authorization-server").json()
    assert document["issuer"] == "https://mc.example.eu"
    assert document["token_endpoint"] == "https://mc.example.eu/oid4vci/token"
    assert document["grant_types_supported"] == ["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert document["pre-authorized_grant_anonymous_access_supported"] is True
    # RFC 8414 §2: REQUIRED; a non-empty array (§3.2). No authorization endpoint, so nothing to send a client to.
    assert document["response_types_supported"] == ["code"]
    assert "authorization_endpoint" not in document


def test_the_page_explains_then_makes_an_offer_on_post(holder_client, credential):
    url = reverse("oid4vci:offer", args=[credential.uuid])
    page = holder_client.get(url)
    assert page.status_code == 200 and b"<svg" not in page.content
    assert b'name="tx_code" checked' in page.content and CredentialOffer.objects.count() == 0

    response = holder_client.post(url, {"tx_code": "on"})
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby="wallet-offer-qr-title"', html)
    assert '<title id="wallet-offer-qr-title">QR code of the wallet offer for' in html
    link, tx_code = offer_from_page(response.content)
    assert f'Transaction code: <strong id="tx-code" aria-describedby="tx-code-help">{tx_code}</strong>' in html
    assert link in html.replace("&amp;", "&") and "readonly>openid-credential-offer://" in html
    assert CredentialOffer.objects.get().has_tx_code


def test_the_qr_code_holds_the_offer_link(holder_client, credential):
    response = holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]), {"tx_code": "on"})
    link, _ = offer_from_page(response.content)
    modules = qr_modules(link)
    svg = re.search(r'<path fill="#000" d="([^"]+)"', response.content.decode()).group(1)
    dark = set()
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        dark |= {(int(x) - 4 + i, int(y) - 4) for i in range(int(length))}
    assert dark == {(x, y) for y, row in enumerate(modules) for x, cell in enumerate(row) if cell}
    assert len(modules) <= 57  # QR version 10 or smaller: easily read off a screen


def test_a_new_offer_withdraws_the_open_one(holder_client, credential):
    url = reverse("oid4vci:offer", args=[credential.uuid])
    holder_client.post(url, {"tx_code": "on"})
    holder_client.post(url)
    first, second = CredentialOffer.objects.order_by("created_at")
    assert first.withdrawn_at is not None and second.withdrawn_at is None and not second.has_tx_code


def test_a_revoked_credential_cannot_be_offered(holder_client, credential):
    credential.revoked_at, credential.revocation_reason = timezone.now(), "Issued in error."
    credential.save()
    response = holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]), {"tx_code": "on"})
    assert response.status_code == 200 and b"cannot be sent to a wallet" in response.content
    assert CredentialOffer.objects.count() == 0


def test_the_offer_link_leads_to_json_with_the_issuer(holder_client, credential, wallet):
    response = holder_client.post(reverse("oid4vci:offer", args=[credential.uuid]))
    link, tx_code = offer_from_page(response.content)
    assert tx_code is None
    assert set(read_offer_link(link)) == {"credential_offer_uri"}
    assert wallet.resolve_offer(link)["credential_issuer"] == "https://mc.example.eu"
