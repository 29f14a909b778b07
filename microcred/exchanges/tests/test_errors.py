"""Bad input at the exchange endpoint: each gets a Problem Details answer naming what is wrong, and nothing
changes (no copy made, no delivery recorded, the exchange still waiting as it was)."""

import json
import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.models import HolderBoundCredential
from microcred.credentials.services.status import revoke_credential
from microcred.exchanges.models import Exchange
from microcred.exchanges.tests.lcw import CREDENTIALS_V2, StandInLCW, path_of, read_deep_link, sign_presentation
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(wallet, deep_link):
    """A wallet that read the deep link and POSTed {}: the exchange is active, its request in `wallet.vpr`."""
    wallet.start(deep_link())
    return wallet


def assert_refused(response, status, title, *, in_detail=""):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == title and body["status"] == status and body["type"].endswith("#" + title)
    assert in_detail in body["detail"]
    return body


def assert_nothing_delivered(state="active"):
    exchange = Exchange.objects.get()
    assert (exchange.state, exchange.holder_did, exchange.completed_at, exchange.bound_credential) == (
        state,
        "",
        None,
        None,
    )
    assert not HolderBoundCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="exchange.credential_delivered").exists()


def test_a_wrong_challenge_is_refused(started):
    body = assert_refused(
        started.answer(started.presentation(challenge="not-the-challenge")), 400, "INVALID_CHALLENGE_ERROR"
    )
    assert body["code"] == -20 and body["type"] == "https://w3id.org/security#INVALID_CHALLENGE_ERROR"
    assert_nothing_delivered()


def test_a_challenge_of_another_exchange_is_refused(started, make_user, issue, client):
    """A presentation made for one exchange does not complete another (its challenge is that exchange's)."""
    other_credential = issue()
    other_holder = make_user(email=other_credential.learner_email)
    client.force_login(other_holder)
    from microcred.exchanges.tests.lcw import links_from_page

    page = client.post(reverse("exchanges:send", args=[other_credential.uuid]))
    other_wallet = StandInLCW(Client(), key=started.key)
    other_wallet.start(links_from_page(page.content)[0])
    presentation = other_wallet.presentation()  # signed for the other exchange's challenge, by the same key

    assert_refused(started.answer(presentation), 400, "INVALID_CHALLENGE_ERROR")
    assert Exchange.objects.filter(state="complete").count() == 0


def test_a_wrong_domain_is_refused(started):
    body = assert_refused(
        started.answer(started.presentation(domain="https://evil.example")), 400, "INVALID_DOMAIN_ERROR"
    )
    assert body["code"] == -19
    assert_nothing_delivered()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda vp: {**vp, "id": "urn:uuid:5b2f3a56-63a7-4b0a-9a50-1d4b8b4b0c11"}, id="member-added"),
        pytest.param(
            lambda vp: {**vp, "proof": {**vp["proof"], "created": "2020-01-01T00:00:00Z"}}, id="proof-option-changed"
        ),
        pytest.param(
            lambda vp: {**vp, "proof": {**vp["proof"], "proofValue": "z" + "1" * 86}}, id="signature-replaced"
        ),
    ],
)
def test_a_tampered_presentation_is_refused(started, tamper):
    body = assert_refused(started.answer(tamper(started.presentation())), 400, "PROOF_VERIFICATION_ERROR")
    assert body["code"] == -17 and "does not verify" in body["detail"]
    assert_nothing_delivered()


def test_a_presentation_signed_by_another_key_than_the_holders_is_refused(started):
    impostor = vc.generate_private_key()
    assert_refused(started.answer(started.presentation(key=impostor)), 400, "MALFORMED_VALUE_ERROR", in_detail="holder")
    assert_nothing_delivered()


def test_a_proof_of_another_purpose_is_refused(started):
    unsigned = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": started.did}
    presentation = sign_presentation(
        unsigned,
        started.key,
        challenge=started.vpr["challenge"],
        domain=started.vpr["domain"],
        purpose="assertionMethod",
    )
    assert_refused(started.answer(presentation), 400, "PROOF_VERIFICATION_ERROR", in_detail="authentication")
    assert_nothing_delivered()


def test_a_did_that_is_not_did_key_is_refused(started):
    presentation = started.presentation()
    presentation["proof"]["verificationMethod"] = "did:web:wallet.example#key-1"
    presentation["holder"] = "did:web:wallet.example"
    assert_refused(started.answer(presentation), 400, "UNSUPPORTED_DID_METHOD", in_detail="did:key")
    assert_nothing_delivered()


def test_a_vc_1_1_presentation_is_refused_with_the_reason(started):
    presentation = started.presentation()
    presentation["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    assert_refused(started.answer(presentation), 400, "MALFORMED_VALUE_ERROR", in_detail=CREDENTIALS_V2)
    assert_nothing_delivered()


def test_a_proof_suite_we_do_not_verify_is_refused_with_its_name(started):
    """Older Learner Credential Wallet releases sign with Ed25519Signature2020, which the core does not verify."""
    presentation = started.presentation()
    presentation["proof"] = {**presentation["proof"], "type": "Ed25519Signature2020"}
    del presentation["proof"]["cryptosuite"]
    assert_refused(started.answer(presentation), 400, "PROOF_VERIFICATION_ERROR", in_detail="Ed25519Signature2020")
    assert_nothing_delivered()


def test_an_unsigned_presentation_is_refused(started):
    presentation = started.presentation()
    del presentation["proof"]
    assert_refused(started.answer(presentation), 400, "MALFORMED_VALUE_ERROR", in_detail="one proof")
    assert_nothing_delivered()


def test_an_expired_exchange_is_refused_at_both_steps(wallet, deep_link):
    link = deep_link()
    wallet.start(link)
    presentation = wallet.presentation()
    Exchange.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_refused(wallet.answer(presentation), 410, "EXCHANGE_EXPIRED")
    assert_refused(wallet.post(read_deep_link(link)["protocols"]["vcapi"], {}), 410, "EXCHANGE_EXPIRED")
    assert_nothing_delivered()


def test_a_new_link_replaces_the_old_one(wallet, deep_link):
    old = deep_link()
    wallet.start(old)
    presentation = wallet.presentation()
    new = deep_link()

    assert_refused(wallet.answer(presentation), 410, "EXCHANGE_EXPIRED")
    assert StandInLCW(Client()).receive(new)
    assert list(Exchange.objects.order_by("pk").values_list("state", flat=True)) == ["expired", "complete"]


def test_a_presentation_before_the_request_is_refused(wallet, deep_link):
    link = deep_link()
    wallet.request = read_deep_link(link)
    wallet.vpr = {
        "challenge": Exchange.objects.get().challenge,  # even knowing it: the protocol's first step comes first
        "domain": "http://127.0.0.1:8000",
        "interact": {"service": [{"serviceEndpoint": wallet.request["protocols"]["vcapi"]}]},
    }
    assert_refused(wallet.answer(wallet.presentation()), 409, "EXCHANGE_NOT_STARTED")
    assert_nothing_delivered(state="pending")


def test_a_revoked_credential_is_not_delivered(started, credential, make_user, institution):
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Academic misconduct established by the board.")
    assert_refused(started.answer(started.presentation()), 409, "CREDENTIAL_UNAVAILABLE")
    assert_nothing_delivered()


def test_a_guessed_exchange_id_is_unknown(started, client):
    exchange = Exchange.objects.get()
    for guess in (secrets.token_urlsafe(32), str(exchange.pk), exchange.id_hash, exchange.challenge):
        response = client.post(
            reverse("exchanges:participate", args=[guess]), data="{}", content_type="application/json"
        )
        assert_refused(response, 404, "UNKNOWN_EXCHANGE")
    assert Exchange.objects.get().state == "active"


@pytest.mark.parametrize(
    "body, content_type, status, title",
    [
        ("not json", "application/json", 400, "PARSING_ERROR"),
        ("[]", "application/json", 400, "PARSING_ERROR"),
        ('{"hello": 1}', "application/json", 400, "PARSING_ERROR"),
        ('{"verifiablePresentation": "text"}', "application/json", 400, "PARSING_ERROR"),
        ("{}", "text/plain", 415, "PARSING_ERROR"),
        ("{" + " " * 70000 + "}", "application/json", 413, "PARSING_ERROR"),
    ],
)
def test_malformed_requests_are_refused(started, body, content_type, status, title):
    url = path_of(started.request["protocols"]["vcapi"])
    assert_refused(started.client.post(url, data=body, content_type=content_type), status, title)
    assert_nothing_delivered()


def test_only_post_is_allowed(started):
    response = started.client.get(path_of(started.request["protocols"]["vcapi"]))
    assert_refused(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"] == "POST"


def test_an_empty_body_starts_the_exchange_like_an_empty_object(wallet, deep_link):
    url = path_of(read_deep_link(deep_link())["protocols"]["vcapi"])
    response = wallet.client.post(url, data="", content_type="application/json")
    assert response.status_code == 200 and "verifiablePresentationRequest" in response.json()


def test_the_endpoint_is_rate_limited(started, settings):
    settings.EXCHANGE_RATE_LIMIT = 3  # the wallet's first POST {} (the fixture) counts
    url = path_of(started.request["protocols"]["vcapi"])
    for _ in range(2):
        assert started.client.post(url, data="{}", content_type="application/json").status_code == 200
    response = started.client.post(url, data=json.dumps({}), content_type="application/json")
    assert_refused(response, 429, "RATE_LIMITED")
    assert response["Retry-After"] == "60"
