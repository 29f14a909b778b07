"""The learner's page that makes the deep link (QR code and links), the wallet page's link to it, and the
exchanges' part in the learner's data export and erasure."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.credentials.services.status import revoke_credential
from microcred.exchanges import personal_data
from microcred.exchanges.models import Exchange
from microcred.exchanges.tests.lcw import links_from_page, read_deep_link
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def page(credential):
    return reverse("exchanges:send", args=[credential.uuid])


def test_the_page_explains_and_offers_a_button(holder_client, credential):
    response = holder_client.get(page(credential))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Make a link for the Learner Credential Wallet" in text and 'method="post"' in text
    assert not Exchange.objects.exists()


def test_making_a_link_shows_the_qr_code_and_the_links(holder_client, credential, holder):
    response = holder_client.post(page(credential))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="lcw-qr" role="img" aria-labelledby="lcw-qr-title"' in text
    assert credential.title in text
    deep, universal = links_from_page(response.content)
    assert deep.startswith("dccrequest://request?request=")
    assert universal.startswith("https://lcw.app/request.html?request=")
    assert read_deep_link(deep) == read_deep_link(universal)
    exchange = Exchange.objects.get()
    assert (exchange.learner, exchange.credential, exchange.state) == (holder, credential, "pending")
    assert exchange.id_hash not in text and exchange.challenge not in text  # the request holds the URL only
    event = AuditEvent.objects.get(action="exchange.started")
    assert event.changes["exchange"] == exchange.pk and event.actor == holder


def test_another_person_gets_404_and_makes_nothing(client, make_user, credential):
    client.force_login(make_user(email="someone.else@example.org"))
    assert client.get(page(credential)).status_code == 404
    assert client.post(page(credential)).status_code == 404
    assert not Exchange.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, credential):
    response = client.post(page(credential))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Exchange.objects.exists()


def test_a_revoked_credential_cannot_be_sent(holder_client, credential, make_user, institution):
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Academic misconduct established by the board.")
    response = holder_client.post(page(credential))
    assert response.status_code == 200
    assert "cannot be sent to a wallet" in response.content.decode()
    assert 'id="lcw-deep-link"' not in response.content.decode()
    assert not Exchange.objects.exists()


def test_the_wallet_page_links_to_it_unless_revoked(holder_client, credential, make_user, institution):
    wallet_page = reverse("wallet:credential", args=[credential.uuid])
    assert page(credential) in holder_client.get(wallet_page).content.decode()
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Academic misconduct established by the board.")
    assert page(credential) not in holder_client.get(wallet_page).content.decode()


def test_making_links_is_rate_limited(holder_client, credential, settings):
    settings.EXCHANGE_START_RATE_LIMIT = 2
    assert [holder_client.post(page(credential)).status_code for _ in range(3)] == [200, 200, 429]
    assert Exchange.objects.count() == 2


def test_the_learner_exports_and_erases_their_exchanges(holder_client, credential, holder, wallet):
    deep, _universal = links_from_page(holder_client.post(page(credential)).content)
    wallet.receive(deep)

    exported = personal_data.export_personal_data(holder)["wallet-exchanges.json"]
    assert len(exported) == 1 and exported[0]["holder_did"] == wallet.did and exported[0]["state"] == "complete"
    assert "challenge" not in exported[0] and "id_hash" not in exported[0]

    personal_data.erase_personal_data(holder)
    assert not Exchange.objects.exists()
