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
