"""Issue #18 (receiving): the learner adds another university's SD-JWT VC to her wallet by pasting it; it is listed
as from another issuer, verified on a date; every page visited passes the accessibility check."""

import pytest
from django.core.cache import cache

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.credentials.tests.partner_host import PartnerHost as _Host
from microcred.roles import Role
from microcred.vc import sd_jwt
from microcred.vc.sd_jwt import Disclosable
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_learner_adds_a_credential_from_another_issuer(page, make_user, settings):
    cache.clear()
    partner = _Host()
    settings.REMOTE_DOCUMENTS_ALLOW_HTTP = True
    settings.DID_WEB_ALLOWED_HOSTS = [partner.host]
    try:
        make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")
        payload = {
            "iss": partner.did,
            "vct": "https://partner.example/credentials/micro-credential",
            "issuer_name": "Partner University",
            "achievement": {"title": "Circular economy basics"},
            "name": Disclosable("Katrin Weber"),
        }
        compact = sd_jwt.issue(payload, signer=partner.key, kid=partner.vm).compact
        log_in(page, "katrin@example.org")
        page.goto("/wallet/")
        page.get_by_role("link", name="Add a credential from another issuer").click()
        page.check()
        page.get_by_label("Or paste it").fill(compact)
        page.get_by_role("button", name="Verify and add to my wallet").click()
        page.check()
        assert page.get_by_role("heading", name="Circular economy basics").is_visible()
        page.goto("/wallet/")
        assert page.get_by_text("From another issuer — verified on").first.is_visible()
    finally:
        partner.close()
        cache.clear()


def test_the_learner_sends_a_credential_to_the_learner_credential_wallet(page, make_user, issue, settings):
    """Issue #18 (VC-API exchanges): from the wallet's credential page to the one-time link and its QR code; the
    sealed Europass file is offered beside the other downloads; every page passes the accessibility check."""
    settings.SEAL_TEST_SEALS = True  # the embedded default: the issuer seals with a TEST seal
    make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")
    credential = issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    log_in(page, "katrin@example.org")
    page.goto(f"/wallet/{credential.uuid}/")
    page.check()
    assert page.get_by_role("link", name="Sealed Europass file (ELM)").count() == 1
    page.get_by_role("link", name="Send to the Learner Credential Wallet (QR code)").click()
    page.check()
    page.get_by_role("button", name="Make a link for the Learner Credential Wallet").click()
    page.check()
    assert page.get_by_role("heading", name="Your link for the Learner Credential Wallet is ready").is_visible()
    assert page.locator("#lcw-qr").count() == 1
    assert page.locator("#lcw-deep-link").get_attribute("href").startswith("dccrequest://request?request=")
