"""The trust registry (issue #18 item 5): the alliance publishes its issuers as a plain and a signed registry, and
the verifier says whether a credential's issuer is listed in a registry it trusts (ours, and other alliances' the
admin adds), or that a registry could not be checked; never a guess. Other alliances' registries are served by a
local HTTP server on 127.0.0.1 (no network), as the remote status-list tests do."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.models import TrustedRegistry
from microcred.credentials.services import published, trust_registry, verification_cache
from microcred.credentials.services.issuers import rotate_issuer_key
from microcred.credentials.services.trust_registry import read_signed_registry, registry_finding
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests.partner_host import LocalWebServer
from microcred.credentials.views import VC_MEDIA_TYPE
from microcred.credentials.vocabulary import REGISTRY_CONTEXT_URL, VC_V2_CONTEXT
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.VERIFICATION_CACHE = "process"
    cache.clear()
    for memory in verification_cache._memories:
        memory.clear()
    published.forget_published_documents()
    yield
    cache.clear()


# --- publishing ---------------------------------------------------------------------------------------------


def test_the_registry_lists_every_issuer_in_the_dcc_shape_with_country_and_keys(client, issuers, alliance):
    rotate_issuer_key("ub")
    response = client.get("/trust/registry.json")
    assert response.status_code == 200
    document = response.json()
    assert document["meta"]["name"] == alliance.name  # from reference data, never hard-coded
    assert document["meta"]["publisher"] == issuers["alliance"].did
    assert vc.parse_datetime_stamp(document["meta"]["created"]) <= vc.parse_datetime_stamp(document["meta"]["updated"])
    assert set(document["registry"]) == {issuer.did for issuer in issuers.values()}
    ub = document["registry"][issuers["ub"].did]
    institution = issuers["ub"].institution
    assert ub["name"] == issuers["ub"].name and ub["url"] == f"https://{institution.domain}"
    assert ub["location"] == institution.country and ub["country"] == institution.country_code.upper()
    old, new = ub["keys"]
    assert old["id"].endswith("#key-1") and new["id"].endswith("#key-2")
    assert "validUntil" in old and "validUntil" not in new  # the retired key's end is published
    assert vc.parse_datetime_stamp(old["validUntil"]) <= vc.parse_datetime_stamp(new["validFrom"]) + _second()
    assert response["ETag"] and response["Cache-Control"] == "public, max-age=300"
    assert client.get("/trust/registry.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def _second():
    from datetime import timedelta

    return timedelta(seconds=1)


def test_the_signed_registry_carries_the_same_registry_and_verifies_with_our_verifier(client, issuers):
    plain = client.get("/trust/registry.json").json()
    response = client.get("/trust/registry.vc.json")
    assert response.status_code == 200 and response["Content-Type"].startswith(VC_MEDIA_TYPE)
    signed = response.json()
    assert signed["type"] == ["VerifiableCredential", "IssuerRegistryCredential"]
    assert signed["@context"] == [VC_V2_CONTEXT, REGISTRY_CONTEXT_URL]
    assert signed["issuer"] == issuers["alliance"].did
    assert signed["proof"][0]["verificationMethod"] == issuers["alliance"].did + "#key-1"
    # Read back from the signed data, signed by the alliance's issuer and no other.
    assert read_signed_registry(signed, signer_did=issuers["alliance"].did) == plain
    with pytest.raises(trust_registry.RegistryUnavailable, match="not by"):
        read_signed_registry(signed, signer_did=issuers["ub"].did)
    # Deterministic: another process (an emptied memo) signs the same bytes, so every process serves one ETag.
    published.forget_published_documents()
    again = client.get("/trust/registry.vc.json")
    assert again.content == response.content and again["ETag"] == response["ETag"]


def test_the_signed_registry_changes_when_a_key_is_rotated(client, issuers):
    before = client.get("/trust/registry.vc.json").json()
    rotate_issuer_key("alliance")
    after = client.get("/trust/registry.vc.json").json()
    assert after["proof"][0]["verificationMethod"].endswith("#key-2")
    keys = after["credentialSubject"]["issuerRegistry"]["registry"][issuers["alliance"].did]["keys"]
    assert len(keys) == 2 and before != after
    assert read_signed_registry(after, signer_did=issuers["alliance"].did)["registry"]


def test_the_registry_context_is_served_as_pinned(client):
    response = client.get("/ns/microcredential/registry/v1")
    assert response.status_code == 200
    assert response.json() == vc.load_context(REGISTRY_CONTEXT_URL)


def test_without_an_alliance_key_the_signed_registry_is_unavailable_not_an_error(client, alliance):
    response = client.get("/trust/registry.vc.json")
    assert response.status_code == 503 and "no usable signing key" in response.json()["error"]


# --- another alliance, served locally -----------------------------------------------------------------------


class _Alliance(LocalWebServer):
    """Another alliance's web server on 127.0.0.1: its member's DID document, its registry signer's DID document
    and its signed registry."""

    def __init__(self):
        super().__init__()
        did_host = self.host.replace(":", "%3A")
        self.member_did = f"did:web:{did_host}:issuers:member"
        self.member_key = vc.generate_private_key()
        self.signer_did = f"did:web:{did_host}:issuers:alliance"
        self.signer_key = vc.generate_private_key()
        self.registry_url = f"http://{self.host}/trust/registry.vc.json"
        self.serve(
            "/issuers/member/did.json", vc.did_web_document(self.member_did, [("key-1", self.member_key.public_key())])
        )
        self.serve(
            "/issuers/alliance/did.json",
            vc.did_web_document(self.signer_did, [("key-1", self.signer_key.public_key())]),
        )
        self.start()

    def registry(self, *, members=None, key=None, tamper=False, valid_until=None) -> dict:
        """Publish the signed registry (listing the member with key-1 valid since 2026-01-01 by default)."""
        key_entry = {"id": self.member_did + "#key-1", "validFrom": "2026-01-01T00:00:00Z"}
        if valid_until:
            key_entry["validUntil"] = valid_until
        if members is None:
            members = {self.member_did: {"name": "Member University", "country": "PT", "keys": [key_entry]}}
        content = {"meta": {"name": "Other Alliance", "created": "2026-01-01T00:00:00Z"}, "registry": members}
        unsigned = {
            "@context": [VC_V2_CONTEXT, REGISTRY_CONTEXT_URL],
            "id": self.registry_url,
            "type": ["VerifiableCredential", "IssuerRegistryCredential"],
            "issuer": self.signer_did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"http://{self.host}/trust/registry.json",
                "type": "IssuerRegistry",
                "issuerRegistry": content,
            },
        }
        signed = vc.sign(unsigned, key or self.signer_key, self.signer_did + "#key-1")
        if tamper:  # someone adds an issuer by hand after signing
            signed["credentialSubject"]["issuerRegistry"]["registry"]["did:web:intruder.example"] = {"name": "Intruder"}
        self.serve("/trust/registry.vc.json", signed)
        return signed


@pytest.fixture
def other(settings):
    server = _Alliance()
    settings.REMOTE_DOCUMENTS_ALLOW_HTTP = True
    settings.DID_WEB_ALLOWED_HOSTS = [server.host]  # for the member's credential's signature
    yield server
    server.close()


@pytest.fixture
def member_credential(issue, other):
    """A credential of the other alliance's member (signed with its key; no status list)."""
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k not in ("proof", "credentialStatus")}
    doc["issuer"] = {"id": other.member_did, "type": ["Profile"], "name": "Member University"}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    return vc.sign(doc, other.member_key, other.member_did + "#key-1")


def _trust(other, **overrides) -> TrustedRegistry:
    values = {"name": "Other Alliance", "url": other.registry_url, "signer_did": other.signer_did}
    values.update(overrides)
    return TrustedRegistry.objects.create(**values)


# --- the verdict --------------------------------------------------------------------------------------------


def test_our_credential_is_issued_by_a_member_of_our_registry_without_a_fetch(issue, alliance, other):
    credential = issue()
    _trust(other)
    other.registry()
    report = verify_credential_document(credential.document)
    assert report.registry.state == "member" and report.registry.ours
    assert report.registry.message == f"Issued by a member of {alliance.name}."
    assert report.result == "valid"
    assert other.hits == []  # our own registry is computed locally; others are not fetched for our issuers


def test_a_member_of_another_trusted_registry_is_named_and_the_issuer_check_passes(other, member_credential):
    registry = _trust(other)
    other.registry()
    report = verify_credential_document(member_credential)
    assert report.registry.state == "member" and not report.registry.ours, report.registry
    assert report.registry.message == "Issued by a member of Other Alliance."
    assert report.check("issuer").passed is True and "Other Alliance" in report.check("issuer").message
    assert report.result == "valid"
    registry.refresh_from_db()
    assert registry.last_fetched_at is not None and registry.last_error == ""
    verify_credential_document(member_credential)
    assert other.hits.count("/trust/registry.vc.json") == 1  # cached


def test_an_issuer_in_no_trusted_registry_is_said_so(other, member_credential):
    report = verify_credential_document(member_credential)
    assert report.registry.state == "not_listed"
    assert report.registry.message == "Issuer not in any registry you trust."
    assert report.check("issuer").passed is None and report.result == "could_not_check"


def test_an_issuer_missing_from_a_configured_registry_is_not_listed(other, member_credential):
    _trust(other)
    other.registry(members={"did:web:someone.example": {"name": "Someone", "keys": []}})
    assert verify_credential_document(member_credential).registry.state == "not_listed"


def test_a_disabled_registry_is_not_consulted(other, member_credential):
    _trust(other, enabled=False)
    other.registry()
    assert verify_credential_document(member_credential).registry.state == "not_listed"
    assert other.hits.count("/trust/registry.vc.json") == 0


@pytest.mark.parametrize(
    ("publish", "reason"),
    [
        ({"tamper": True}, "its signature does not match"),
        ({"key": vc.generate_private_key()}, "its signature does not match"),
    ],
)
def test_a_tampered_registry_could_not_be_checked_and_nothing_is_guessed(other, member_credential, publish, reason):
    registry = _trust(other)
    other.registry(**publish)
    report = verify_credential_document(member_credential)
    assert report.registry.state == "unavailable"
    assert report.registry.message.startswith("The registry Other Alliance could not be checked: ")
    assert reason in report.registry.message
    assert report.check("issuer").passed is None and report.result == "could_not_check"
    registry.refresh_from_db()
    assert reason in registry.last_error


def test_an_unreachable_registry_could_not_be_checked(other, member_credential):
    _trust(other, url=f"http://{other.host}/nowhere.json")
    report = verify_credential_document(member_credential)
    assert report.registry.state == "unavailable"
    assert "The registry Other Alliance could not be checked: it could not be fetched" in report.registry.message
    assert "answered 404" in report.registry.message
    verify_credential_document(member_credential)
    assert other.hits.count("/nowhere.json") == 1  # the failure is remembered briefly, not refetched each time


def test_a_registry_signed_by_someone_else_than_the_configured_signer_is_refused(other, member_credential):
    _trust(other, signer_did=other.member_did)  # the member signs nothing on the alliance's behalf
    other.registry()
    report = verify_credential_document(member_credential)
    assert report.registry.state == "unavailable" and "not by" in report.registry.message


def test_a_listed_issuer_whose_key_was_not_valid_when_it_signed_is_not_a_member(other, member_credential):
    _trust(other)
    other.registry(valid_until="2026-02-01T00:00:00Z")  # the member's credential was signed later
    report = verify_credential_document(member_credential)
    assert report.registry.state == "key_not_valid"
    assert "not the key that signed this credential" in report.registry.message
    assert report.check("issuer").passed is None


def test_a_member_of_our_registry_that_another_registry_cannot_confirm_is_still_ours(issue, other):
    _trust(other, url=f"http://{other.host}/nowhere.json")
    assert verify_credential_document(issue().document).registry.state == "member"


def test_a_credential_whose_signature_fails_consults_no_registry(issue, other):
    _trust(other)
    tampered = copy.deepcopy(issue().document)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    report = verify_credential_document(tampered)
    assert report.registry is None or report.registry.state == "not_checked"
    assert other.hits == []


def test_our_registry_is_read_from_memory_on_the_hot_path(issue, django_assert_num_queries):
    credential = issue()
    verify_credential_document(credential.document)
    with django_assert_num_queries(0):
        finding = registry_finding(
            credential.issuer.did,
            credential.document["proof"][0]["verificationMethod"],
            vc.parse_datetime_stamp(credential.document["proof"][0]["created"]),
        )
    assert finding.state == "member"


# --- the pages and the API ----------------------------------------------------------------------------------


def test_the_verify_page_shows_the_registry_verdict(client, issue, alliance):
    credential = issue()
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(credential.document)}).content.decode()
    assert "Issuer registries" in html and f"Issued by a member of {alliance.name}." in html


def test_the_verify_page_shows_an_unreachable_registry(client, other, member_credential):
    _trust(other, url=f"http://{other.host}/nowhere.json")
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(member_credential)}).content.decode()
    assert "The registry Other Alliance could not be checked" in html


def test_the_public_credential_page_shows_the_registry_verdict(client, issue, alliance):
    credential = issue()
    html = client.get(reverse("credentials:public", args=[credential.uuid])).content.decode()
    assert f"Issued by a member of {alliance.name}." in html


def test_the_api_adds_the_registry_finding(client, issue, alliance):
    credential = issue()
    response = client.post("/api/v1/verify", json.dumps(credential.document), content_type="application/json")
    body = response.json()
    assert {"verified", "result", "reason", "checks"} <= set(body)
    assert body["registry"] == {
        "state": "member",
        "message": f"Issued by a member of {alliance.name}.",
        "registry": alliance.name,
    }


# --- the admin ----------------------------------------------------------------------------------------------

ADD = "/admin/credentials/trustedregistry/add/"
GOOD = {
    "name": "Other Alliance",
    "url": "https://registry.other-alliance.example/trust/registry.vc.json",
    "signer_did": "did:web:registry.other-alliance.example:issuers:alliance",
    "enabled": "on",
}


def test_the_alliance_admin_adds_changes_and_removes_a_registry_each_audited(client, make_user):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    response = client.post(ADD, GOOD)
    assert response.status_code == 302, response.content.decode()[:3000]
    registry = TrustedRegistry.objects.get()
    added = AuditEvent.objects.get(action="trusted_registry.added")
    assert added.object_id == str(registry.pk) and added.changes["url"] == GOOD["url"]
    change = f"/admin/credentials/trustedregistry/{registry.pk}/change/"
    assert client.post(change, {**GOOD, "name": "Other Alliance (EU)"}).status_code == 302
    changed = AuditEvent.objects.get(action="trusted_registry.changed")
    assert changed.changes["fields"] == ["name"] and changed.changes["name"] == "Other Alliance (EU)"
    delete = f"/admin/credentials/trustedregistry/{registry.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TrustedRegistry.objects.exists()
    assert AuditEvent.objects.get(action="trusted_registry.deleted").changes["url"] == GOOD["url"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "http://registry.other-alliance.example/r.json", "must be an https:// address"),
        ("url", "https://mc.example.eu/trust/registry.vc.json", "our own registry is always trusted"),
        ("signer_did", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "must be a did:web identifier"),
        ("signer_did", "did:web:mc.example.eu:issuers:alliance", "own registry is always trusted"),
    ],
)
def test_a_bad_registry_is_refused_with_its_reason_and_nothing_is_saved(client, make_user, field, value, message):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    response = client.post(ADD, {**GOOD, field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not TrustedRegistry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="trusted_registry.").exists()


def test_only_the_alliance_admin_sees_the_registries(client, make_user, institution):
    client.force_login(make_user((Role.CREDENTIAL_OFFICER, institution), is_staff=True))
    assert client.get(ADD).status_code in {302, 403}
    assert client.post(ADD, GOOD).status_code in {302, 403}
    assert not TrustedRegistry.objects.exists()


def test_a_change_of_configured_registries_reaches_the_verifier_at_once(other, member_credential):
    other.registry()
    assert verify_credential_document(member_credential).registry.state == "not_listed"
    registry = _trust(other)
    assert verify_credential_document(member_credential).registry.state == "member"
    registry.delete()
    assert verify_credential_document(member_credential).registry.state == "not_listed"


def test_the_command_prints_the_registry_finding(issue, alliance, tmp_path, capsys):
    from django.core.management import call_command

    credential = issue()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(credential.document), encoding="utf-8")
    call_command("verify_credential", str(path))
    assert f"Registries: Issued by a member of {alliance.name}." in capsys.readouterr().out
    call_command("verify_credential", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["registry"]["state"] == "member"
