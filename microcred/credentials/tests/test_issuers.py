"""Issuers, did:web identifiers, DID documents, rotation."""

import pytest
from django.core.management import CommandError, call_command

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.models import Issuer, IssuerKey
from microcred.credentials.services.issuers import create_issuer_keys, did_for_slug, rotate_issuer_key
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.helpers import path_of


def test_did_web_identifiers_follow_public_base_url():
    assert did_for_slug("ub", "https://mc.example.eu") == "did:web:mc.example.eu:issuers:ub"
    assert did_for_slug("ub", "http://127.0.0.1:8000") == "did:web:127.0.0.1%3A8000:issuers:ub"
    assert did_for_slug("ub", "https://host.example.eu/mc/") == "did:web:host.example.eu:mc:issuers:ub"
    assert vc.did_web_document_url(did_for_slug("ub", "https://h.eu:8443")) == "https://h.eu:8443/issuers/ub/did.json"


def test_create_issuer_keys_is_idempotent_and_audited(issuers):
    assert set(issuers) == {"alliance", "ub", "uu"}
    assert all(issuer.keys.get().status == IssuerKey.Status.ACTIVE for issuer in issuers.values())
    again = create_issuer_keys()
    assert [created for _, created in again] == [False, False, False]
    assert IssuerKey.objects.count() == 3
    assert AuditEvent.objects.filter(action="issuer_key.created").count() == 3


def test_create_issuer_keys_command_adds_only_missing_issuers(issuers, make_user, capsys):
    from microcred.reference.models import Institution

    Institution.objects.create(
        slug="elte",
        short_name="ELTE",
        name="Eötvös Loránd University",
        country="Hungary",
        country_code="HU",
        domain="elte.hu",
    )
    call_command("create_issuer_keys")
    out = capsys.readouterr().out
    assert "elte" in out and "created" in out
    assert Issuer.objects.count() == 4
    assert IssuerKey.objects.count() == 4


def test_did_document_is_served(client, issuers):
    ub = issuers["ub"]
    response = client.get(path_of(ub.did_document_url))
    assert path_of(ub.did_document_url) == "/issuers/ub/did.json"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/did+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    doc = response.json()
    assert doc["id"] == ub.did == "did:web:mc.example.eu:issuers:ub"
    assert doc["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    [method] = doc["verificationMethod"]
    assert method == {
        "id": f"{ub.did}#key-1",
        "type": "Multikey",
        "controller": ub.did,
        "publicKeyMultibase": ub.keys.get().public_key_multibase,
    }
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert doc["assertionMethod"] == [f"{ub.did}#key-1"]
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_issuer_profile_is_served(client, issuers):
    doc = client.get("/issuers/ub").json()
    assert doc["id"] == issuers["ub"].did
    assert doc["type"] == ["Profile"]
    assert doc["name"] == "University of Barcelona"
    assert doc["address"]["addressCountryCode"] == "ES"


def test_rotation_keeps_old_keys_and_earlier_credentials_still_verify(client, issuers, issue):
    before = issue()
    new_key = rotate_issuer_key("ub")
    assert new_key.fragment == "key-2"
    ub = issuers["ub"]
    statuses = dict(ub.keys.values_list("number", "status"))
    assert statuses == {1: "retired", 2: "active"}
    doc = client.get("/issuers/ub/did.json").json()
    assert [m["id"] for m in doc["verificationMethod"]] == [f"{ub.did}#key-1", f"{ub.did}#key-2"]
    assert all(m["controller"] == ub.did for m in doc["verificationMethod"])
    # Old keys stay in assertionMethod, or verifiers would reject everything signed before the rotation.
    assert doc["assertionMethod"] == [f"{ub.did}#key-1", f"{ub.did}#key-2"]

    after = issue()
    assert after.document["proof"][0]["verificationMethod"] == f"{ub.did}#key-2"
    assert before.document["proof"][0]["verificationMethod"] == f"{ub.did}#key-1"
    assert verify_credential_document(before.document).is_valid
    assert verify_credential_document(after.document).is_valid

    # Independently of the database: resolve keys from the served DID document only.
    methods = {m["id"]: m for m in doc["verificationMethod"]}
    for credential in (before, after):
        assert vc.verify(credential.document, lambda vm: methods[vm]).verified
    event = AuditEvent.objects.get(action="issuer_key.rotated")
    assert event.changes["retired"] == f"{ub.did}#key-1"
    assert event.changes["active"] == f"{ub.did}#key-2"


def test_rotate_command(issuers, capsys):
    call_command("rotate_issuer_key", "uu")
    assert "key-2" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no issuer 'nobody'"):
        call_command("rotate_issuer_key", "nobody")


def test_a_demo_officer_made_for_an_issuer_can_log_in(issuers, client):
    """Issue #11: the officers the demo creates for universities without one had an empty password hash,
    which Django counts as usable, so the README's log-ins for them failed."""
    from microcred.accounts.demo import DEMO_PASSWORD
    from microcred.credentials.demo import _officer_for

    officer = _officer_for(issuers["uu"])
    assert officer.email == "officer.uu@demo.microcred.eu"
    assert client.login(email=officer.email, password=DEMO_PASSWORD)
    assert _officer_for(issuers["uu"]) == officer  # idempotent
