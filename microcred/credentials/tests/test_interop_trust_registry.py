"""Independent verification of the signed issuer registry (issue #18 item 5): Digital Bazaar's Node stack
(tests/interop/verify.mjs, offline, the same document loader as for credentials) accepts /trust/registry.vc.json,
whose registry is one JSON literal (JSON-LD 1.1 ``@json``), and rejects it altered."""

import pytest

from microcred.credentials.tests.test_interop_node import _node_verify, node_verifier  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_node_verifies_the_signed_registry_and_rejects_it_altered(node_verifier, client, issuers, tmp_path):
    signed = client.get("/trust/registry.vc.json").json()
    code, output, stderr = _node_verify(node_verifier, tmp_path, signed)
    assert code == 0 and output["verified"] is True, (output, stderr)
    altered = dict(signed)
    subject = dict(signed["credentialSubject"])
    registry = dict(subject["issuerRegistry"])
    registry["registry"] = {**registry["registry"], "did:web:intruder.example": {"name": "Intruder"}}
    subject["issuerRegistry"] = registry
    altered["credentialSubject"] = subject
    code, output, _stderr = _node_verify(node_verifier, tmp_path, altered)
    assert code == 1 and output["verified"] is False
