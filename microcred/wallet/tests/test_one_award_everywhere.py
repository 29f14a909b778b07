"""Issue #18, "Done when": one completion yields, from the wallet, the Open Badges 3.0 credential, the sealed ELM
file and an SD-JWT VC delivered to a stand-in EU Digital Identity Wallet through OpenID4VCI; each verifies with an
independent implementation (Digital Bazaar's Node stack; jwcrypto and `cryptography` with the ELM SHACL shapes;
the OpenWallet Foundation's @sd-jwt in Node); revoking the award revokes all three; the verify page shows the
registry verdict.

Skipped only when `node` is not installed (the interop fixtures run `npm ci` when node_modules is missing)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.credentials.services.status import revoke_credential
from microcred.credentials.tests.test_elm import shacl
from microcred.credentials.tests.test_interop_node import _node_verify, node_verifier  # noqa: F401 - fixture
from microcred.credentials.tests.test_interop_sd_jwt import _node, node_script  # noqa: F401 - fixture
from microcred.oid4vci.tests.wallet import EudiWallet, offer_from_page
from microcred.roles import Role
from microcred.seals import services as seals
from microcred.seals.tests.test_sealing import independent_verify

pytestmark = pytest.mark.django_db


def test_one_award_three_formats_each_verified_independently_and_revoked_together(
    client, issue, make_user, institution, settings, node_verifier, node_script, tmp_path
):
    settings.SEAL_TEST_SEALS = True  # the embedded default: a TEST seal made when first needed
    credential = issue(grade="8.5", learner_name="Katrin Hofmann")
    client.force_login(make_user(email=credential.learner_email))
    page = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    assert reverse("credentials:download", args=[credential.uuid, "json"]) in page
    assert reverse("seals:download", args=[credential.uuid]) in page

    # 1. The Open Badges 3.0 credential, verified by Digital Bazaar's Node stack.
    ob = json.loads(client.get(reverse("credentials:download", args=[credential.uuid, "json"])).content)
    code, output, stderr = _node_verify(node_verifier, tmp_path, ob)
    assert code == 0 and output.get("verified") is True, (output, stderr)

    # 2. The sealed ELM file: the JAdES seal checked by jwcrypto and the chain by `cryptography`; the payload
    #    conforms to the ELM 3.2 shapes.
    sealed = client.get(reverse("seals:download", args=[credential.uuid]))
    assert sealed.status_code == 200
    _header, payload = independent_verify(sealed.content)
    conforms, _results, text = shacl(json.loads(payload))
    assert conforms, text

    # 3. The SD-JWT VC, delivered through OpenID4VCI to a stand-in EUDI wallet and verified by @sd-jwt in Node.
    offer = client.post(f"/credentials/{credential.uuid}/wallet-offer/", {"tx_code": "on", "format": "sd-jwt"})
    link, tx_code = offer_from_page(offer.content)
    compact = EudiWallet(Client()).receive(link, tx_code)
    verified = _node(node_script, tmp_path, credential, compact)
    assert verified["ok"] and verified["payload"]["grade"] == "8.5", verified

    # The verify page says who the issuer is according to the registries we trust.
    shown = Client().post("/verify/", {"credential": json.dumps(ob), "audience": "", "nonce": ""})
    assert shown.context["report"].result == "valid"
    assert shown.context["report"].registry.is_member and "Issuer registries" in shown.content.decode()

    # Revoking the award revokes all three, for the independent verifiers too.
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Issued in error.")
    code, output, _stderr = _node_verify(node_verifier, tmp_path, ob)
    assert code != 0 and "revoked" in json.dumps(output).lower(), output
    assert seals.verify_sealed_elm(sealed.content).code == "credential_revoked"
    revoked = _node(node_script, tmp_path, credential, compact)
    assert not revoked["ok"] and "revoked" in revoked["error"]
