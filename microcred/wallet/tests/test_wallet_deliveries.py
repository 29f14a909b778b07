"""The learner's credential page lists the copies sent to wallet apps; their data goes with the account."""

import io
import json
import re
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from microcred.credentials.models import HolderBoundCredential, StatusList
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import status_bit
from microcred.oid4vci.models import Delivery
from microcred.oid4vci.services import create_offer
from microcred.oid4vci.tests.wallet import ScriptedWallet
from microcred.roles import Role

pytestmark = pytest.mark.django_db

# did:key test vector (W3C CCG did:key): the Ed25519 key of the all-zero seed.
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", password="katrin-password-42", full_name="Katrin Weber")


@pytest.fixture
def credential(issue, holder):
    return issue(learner_email="Katrin@Example.org", learner_name="Katrin Weber")


def send_to_wallet(holder, credential, key=None) -> dict:
    wallet = ScriptedWallet(Client(), key=key or Ed25519PrivateKey.generate())
    return wallet.receive(create_offer(user=holder, credential=credential, with_tx_code=False).link, None)


def deliveries_section(client, credential) -> str:
    html = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    return re.search(r'<section aria-labelledby="deliveries-heading".*?</section>', html, re.S).group(0)


def test_the_page_lists_the_deliveries_with_the_wallet_key_and_their_state(client, holder, credential, make_user):
    client.force_login(holder)
    section = deliveries_section(client, credential)
    assert '<h2 id="deliveries-heading">Sent to wallet apps</h2>' in section
    assert "<caption>Deliveries to wallet apps</caption>" in section
    assert re.findall(r'<th scope="col">([^<]+)</th>', section) == ["Delivered", "Wallet key", "State"]
    assert "Not sent to a wallet app yet." in section

    send_to_wallet(holder, credential, Ed25519PrivateKey.from_private_bytes(bytes(32)))
    section = deliveries_section(client, credential)
    assert "Not sent to a wallet app yet." not in section
    assert f'<code title="{ZERO_SEED_DID}">did:key:z6MkiT…ooWp</code>' in section
    assert localtime(Delivery.objects.get().delivered_at).strftime("%Y-%m-%d %H:%M") in section
    assert "✔ Valid" in section and "not bound" not in section

    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution)), credential.pk, "Error.")
    section = deliveries_section(client, credential)
    revoked_on = localtime(HolderBoundCredential.objects.get().revoked_at).strftime("%Y-%m-%d")
    assert f"✖ Revoked on {revoked_on}" in section and "✔ Valid" not in section


def test_a_credential_lists_only_its_own_deliveries(client, holder, credential, issue):
    other = issue(learner_email="katrin@example.org")
    send_to_wallet(holder, other)
    client.force_login(holder)
    assert "Not sent to a wallet app yet." in deliveries_section(client, credential)
    assert "✔ Valid" in deliveries_section(client, other)


def test_a_delivery_from_before_binding_says_so(client, holder, credential):
    send_to_wallet(holder, credential)
    Delivery.objects.update(bound_credential=None, holder_did="")  # as recorded before copies were bound
    client.force_login(holder)
    section = deliveries_section(client, credential)
    thumbprint = Delivery.objects.get().holder_jwk_thumbprint
    assert f"JWK {thumbprint[:8]}…" in section and "(not bound to this key)" in section


def test_the_export_holds_the_copies_sent_to_wallets(client, holder, credential):
    received = send_to_wallet(holder, credential)
    client.force_login(holder)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("wallet:export")).content))
    copy = HolderBoundCredential.objects.get()
    assert json.loads(archive.read(f"credentials/wallet-copies/{copy.uuid}.json")) == received


def test_erasing_the_account_erases_the_copies_which_stay_revocable(client, holder, credential, make_user):
    received = send_to_wallet(holder, credential)
    client.force_login(holder)
    client.post(reverse("wallet:erase"), {"password": "katrin-password-42", "confirm": "on"})
    copy = HolderBoundCredential.objects.get()
    assert copy.holder_did == "" and copy.document == {"id": received["id"], "erased": True}
    assert "Katrin" not in json.dumps(copy.document) and not Delivery.objects.exists()
    assert verify_credential_document(received).is_valid  # the wallet's copy still verifies…

    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution)), credential.pk, "Error.")
    copy.refresh_from_db()
    assert copy.revoked_at is not None  # …and is still revoked with the original
    encoded = StatusList.objects.get(pk=copy.status_list_id).credential["credentialSubject"]["encodedList"]
    assert status_bit(encoded, copy.status_index) == 1
    assert verify_credential_document(received).check("status").passed is False
