"""The credential's pages lead with the plain-language verdict (issue #16): the public page, /verify/, the wallet's
credential page and a share link. Identifiers and every check sit in the technical details, after it."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred import vc
from microcred.credentials.services.status import revoke_credential
from microcred.roles import Role
from microcred.wallet import services as wallet_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", full_name="Katrin Hofmann")


@pytest.fixture
def credential(issue, holder):
    return issue(learner_email=holder.email, learner_name="Katrin Hofmann", learner=holder)


def _details(html: str) -> str:
    """The <details> element of the technical details (its opening tag and content)."""
    match = re.search(r'<details class="technical-details"[^>]*>.*?</details>', html, re.DOTALL)
    assert match, "no technical details"
    return match.group(0)


def _before_details(html: str) -> str:
    return html[: html.index('<details class="technical-details"')]


def test_the_public_page_leads_with_the_verdict_and_keeps_identifiers_in_closed_details(client, credential):
    html = client.get(reverse("credentials:public", args=[credential.uuid])).content.decode()
    lead = html.index('class="verdict-lead"')
    assert lead < html.index("What was achieved") < html.index("What you can do") < html.index("Technical details")
    assert "Issued by University of Barcelona to Katrin Hofmann on " in html
    details = _details(html)
    assert details.startswith('<details class="technical-details">')  # closed: the credential is valid
    assert credential.issuer.did in details and "eddsa-rdfc-2022" in details and "✔ Signature" in details
    assert "did:web" not in _before_details(html)  # the Annex 1 list names the issuer without its DID
    assert reverse("reference:institution_logo", args=["ub"]) in _before_details(html)


def test_a_revoked_credential_s_page_says_why_and_opens_its_details(client, credential, make_user):
    revoke_credential(
        make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution)), credential.pk, "Wrong person."
    )
    html = client.get(reverse("credentials:public", args=[credential.uuid])).content.decode()
    assert "This credential was revoked by University of Barcelona on " in _before_details(html)
    assert ": Wrong person." in _before_details(html)
    assert _details(html).startswith('<details class="technical-details" open>')
    assert "Not revoked" not in html


def test_only_the_holder_is_offered_the_holder_s_actions(client, credential, holder):
    url = reverse("credentials:public", args=[credential.uuid])
    assert "If this is your credential" not in client.get(url).content.decode()
    client.force_login(holder)
    html = client.get(url).content.decode()
    assert "If this is your credential" in html
    assert reverse("wallet:credential", args=[credential.uuid]) in html


def test_verify_page_names_another_issuer_and_says_it_is_not_ours(client, credential):
    key = vc.generate_private_key()
    doc = {k: v for k, v in copy.deepcopy(credential.document).items() if k not in ("proof", "credentialStatus")}
    doc["issuer"] = {"id": vc.did_key(key), "type": ["Profile"], "name": "Somebody Else Academy"}
    signed = vc.sign(doc, key, vc.did_key_verification_method_id(key))
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(signed)}).content.decode()
    before = _before_details(html)
    assert "? Could not be checked" in before
    assert "Issued by Somebody Else Academy to Katrin Hofmann on " in before
    assert "Somebody Else Academy is not one of this alliance&#x27;s issuers" in before
    assert vc.did_key(key) not in before and vc.did_key(key) in _details(html)
    assert _details(html).startswith('<details class="technical-details" open>')
    assert "the credential&#x27;s own page" not in html  # not ours: no page of ours to open


def test_verify_page_links_our_credential_s_own_page(client, credential):
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(credential.document)}).content.decode()
    assert "✔ Valid" in html and "Not revoked, not expired." in html
    assert reverse("credentials:public", args=[credential.uuid]) in html
    assert "EQF level 6" in _before_details(html)


def test_the_wallet_page_and_a_share_link_show_the_same_verdict(client, credential, holder):
    client.force_login(holder)
    wallet = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    lead = re.search(r'<p class="verdict-lead">(.*?)</p>', wallet).group(1)
    assert lead.startswith("Issued by University of Barcelona to Katrin Hofmann on ")
    assert "did:web" not in _before_details(wallet)
    _link, token = wallet_services.create_share_link(user=holder, credential_uuid=credential.uuid, label="employer")
    client.logout()
    shared = client.get(reverse("wallet:shared", args=[token])).content.decode()
    assert f'<p class="verdict-lead">{lead}</p>' in shared
    assert "Shared with you by Katrin Hofmann." in shared
    assert reverse("wallet:shared-json", args=[token]) in shared
    assert "If this is your credential" not in shared
