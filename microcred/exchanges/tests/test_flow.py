"""The whole exchange as the DCC Learner Credential Wallet makes it (VC-API "Participate in an exchange"): the
stand-in wallet reads the deep link, POSTs {}, answers the DID Authentication request with a presentation
signed by a fresh did:key, and receives the learner's credential bound to that DID, once."""

import pytest
from django.conf import settings

from microcred.audit.models import AuditEvent
from microcred.credentials.models import HolderBoundCredential
from microcred.credentials.services.verification import verify_credential_document
from microcred.exchanges.models import Exchange
from microcred.exchanges.tests.lcw import read_deep_link
from microcred.oid4vci.tests.wallet import assert_bound_copy_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["deep", "universal"])
def test_the_wallet_receives_the_credential_bound_to_its_did(wallet, deep_link, credential, which):
    link = deep_link(which)
    request = read_deep_link(link)
    assert request["credentialRequestOrigin"] == settings.PUBLIC_BASE_URL
    assert request["protocols"]["vcapi"].startswith(settings.PUBLIC_BASE_URL + "/exchanges/")

    received = wallet.receive(link)

    assert len(received) == 1
    document = received[0]
    assert_bound_copy_of(document, credential, wallet.did)
    report = verify_credential_document(document)
    assert report.is_valid, report.reason
    exchange = Exchange.objects.get()
    copy = HolderBoundCredential.objects.get()
    assert (exchange.state, exchange.holder_did, exchange.bound_credential) == ("complete", wallet.did, copy)
    assert exchange.completed_at is not None and copy.document == document
    actions = list(AuditEvent.objects.filter(action__startswith="exchange.").values_list("action", flat=True))
    assert sorted(actions) == ["exchange.credential_delivered", "exchange.started"]
    delivered = AuditEvent.objects.get(action="exchange.credential_delivered")
    assert wallet.did not in str(delivered.changes) and delivered.changes["boundCredential"] == copy.credential_id


def test_the_presentation_request_asks_for_did_authentication_with_a_did_key(wallet, deep_link):
    link = deep_link()
    vpr = wallet.start(link)
    exchange = Exchange.objects.get()
    assert vpr["query"] == [
        {
            "type": "DIDAuthentication",
            "acceptedMethods": [{"method": "key"}],
            "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"}],
        }
    ]
    assert vpr["challenge"] == exchange.challenge and len(vpr["challenge"]) >= 32
    assert vpr["domain"] == settings.PUBLIC_BASE_URL
    assert vpr["interact"]["service"] == [
        {
            "type": "VerifiableCredentialApiExchangeService",
            "serviceEndpoint": read_deep_link(link)["protocols"]["vcapi"],
        }
    ]
    assert exchange.state == "active"
    # A wallet that lost the answer asks again and gets the same request.
    assert wallet.post(read_deep_link(link)["protocols"]["vcapi"], {}).json()["verifiablePresentationRequest"] == vpr


def test_the_exchange_completes_once(wallet, deep_link):
    link = deep_link()
    wallet.start(link)
    presentation = wallet.presentation()
    first = wallet.answer(presentation)
    assert first.status_code == 200

    replay = wallet.answer(presentation)
    again = wallet.post(read_deep_link(link)["protocols"]["vcapi"], {})

    assert replay.status_code == 409 and replay.json()["title"] == "EXCHANGE_COMPLETE"
    assert replay["Content-Type"] == "application/problem+json"
    assert again.status_code == 409 and again.json()["title"] == "EXCHANGE_COMPLETE"
    assert HolderBoundCredential.objects.count() == 1
    assert AuditEvent.objects.filter(action="exchange.credential_delivered").count() == 1


def test_a_second_wallet_with_another_key_cannot_complete_it_either(wallet, deep_link, client):
    from microcred.exchanges.tests.lcw import StandInLCW

    link = deep_link()
    wallet.start(link)
    other = StandInLCW(client)
    other.start(link)  # same exchange, same challenge
    assert wallet.answer(wallet.presentation()).status_code == 200
    response = other.answer(other.presentation())
    assert response.status_code == 409 and response.json()["title"] == "EXCHANGE_COMPLETE"
    assert list(HolderBoundCredential.objects.values_list("holder_did", flat=True)) == [wallet.did]


def test_the_node_verifier_accepts_the_delivered_credential(wallet, deep_link, tmp_path):
    from microcred.credentials.tests.test_interop_node import INTEROP, NODE, _node_verify

    if NODE is None or not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.skip("The Node interop verifier is not installed (tests/interop: npm ci).")
    received = wallet.receive(deep_link())[0]
    code, output, stderr = _node_verify(INTEROP / "verify.mjs", tmp_path, received)
    assert code == 0 and output.get("verified") is True, (output, stderr)


# --- concurrency (PostgreSQL: SQLite serialises writers, so this race cannot happen there) --------------------


@pytest.mark.django_db(transaction=True)
def test_presentations_sent_at_once_complete_the_exchange_once(deep_link, client):
    import threading

    from django.db import connection, connections

    from microcred.exchanges import services
    from microcred.exchanges.errors import ExchangeError
    from microcred.exchanges.tests.lcw import StandInLCW

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    link = deep_link()
    exchange_id = read_deep_link(link)["protocols"]["vcapi"].rsplit("/", 1)[1]
    wallets = [StandInLCW(client) for _ in range(3)]
    for wallet in wallets:
        wallet.start(link)
    bodies = [{"verifiablePresentation": wallet.presentation()} for wallet in wallets]
    barrier = threading.Barrier(len(bodies))
    outcomes = []

    def run(body):
        try:
            barrier.wait()
            services.participate(exchange_id, body)
            outcomes.append("ok")
        except ExchangeError as exc:
            outcomes.append(exc.name)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["EXCHANGE_COMPLETE", "EXCHANGE_COMPLETE", "ok"]
    assert HolderBoundCredential.objects.count() == 1
    assert AuditEvent.objects.filter(action="exchange.credential_delivered").count() == 1
    exchange = Exchange.objects.get()
    assert exchange.holder_did == HolderBoundCredential.objects.get().holder_did
