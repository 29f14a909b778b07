"""Sealing an award's ELM credential (JAdES-B-B) and verifying it: with our verifier, with an independent JOSE
implementation (jwcrypto, RFC 7797 unencoded payload with crit), the x5c chain with `cryptography`, and the payload
against the ELM 3.2 SHACL shapes; each bad input has its own failure code."""

from __future__ import annotations

import base64
import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from jwcrypto import jwk, jws
from jwcrypto.common import JWSEHeaderParameter

from microcred.audit.models import AuditEvent
from microcred.credentials.elm import elm_credential
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.tests.test_elm import offline, shacl  # noqa: F401 - the ELM tests' SHACL check
from microcred.roles import Role
from microcred.seals import certificates, jades, services
from microcred.seals.models import SealCertificate
from microcred.seals.tests.helpers import make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(issue):
    return issue(grade="8.5 / 10")


def independent_verify(data: bytes) -> tuple[dict, bytes]:
    """jwcrypto checks the JWS (JSON serialization, b64 false, crit b64 + sigT) with the key of the x5c leaf;
    `cryptography` checks that each certificate of x5c is issued by the next. → (protected header, payload)."""
    token = jws.JWS(header_registry={"sigT": JWSEHeaderParameter("Claimed signing time", False, True, None)})
    token.deserialize(data.decode("utf-8"))
    header = json.loads(base64.urlsafe_b64decode(json.loads(data)["signatures"][0]["protected"] + "=="))
    chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    for child, parent in itertools.pairwise(chain):
        child.verify_directly_issued_by(parent)
    chain[-1].verify_directly_issued_by(chain[-1])  # the test seal's root is self-signed
    digest = base64.urlsafe_b64encode(chain[0].fingerprint(hashes.SHA256())).rstrip(b"=").decode()
    assert header["x5t#S256"] == digest
    token.verify(jwk.JWK.from_pyca(chain[0].public_key()), alg="ES256")
    return header, token.payload


def test_sealed_file_verifies_with_ours_and_with_an_independent_implementation(credential, offline):
    data = services.seal_elm_credential(credential)
    report = services.verify_sealed_elm(data)
    assert report.result == "valid", [(c.name, c.passed, c.message) for c in report.checks]
    assert report.is_test_seal is True
    assert report.issuer_id == credential.issuer.did
    assert {c.name for c in report.checks} == {"signature", "payload", "chain", "validity", "issuer", "trust", "status"}

    header, payload = independent_verify(data)
    assert header["alg"] == "ES256" and header["typ"] == "jose+json" and header["cty"] == "octet-stream"
    assert header["b64"] is False and header["crit"] == ["b64", "sigT"]
    assert datetime.strptime(header["sigT"], "%Y-%m-%dT%H:%M:%SZ")
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    assert "TEST SEAL" in leaf.subject.rfc4514_string()
    # kid: the DER IssuerSerial of the seal's certificate (ETSI TS 119 182-1 §5.1.4)
    kid = base64.b64decode(header["kid"])
    assert leaf.issuer.public_bytes() in kid and kid.startswith(b"\x30")
    # the payload is the ELM export itself, unencoded, and conforms to the ELM 3.2 shapes
    document = json.loads(payload)
    assert document == elm_credential(credential)
    conforms, _results, text = shacl(document)
    assert conforms, text
    assert document["credentialStatus"]["statusListCredential"] == credential.status_list.url
    assert document["credentialStatus"]["statusListIndex"] == str(credential.status_index)


def test_the_independent_verifier_rejects_a_changed_payload(credential):
    sealed = json.loads(services.seal_elm_credential(credential))
    sealed["payload"] = sealed["payload"].replace("8.5 / 10", "9.5 / 10")
    with pytest.raises(jws.InvalidJWSSignature):
        independent_verify(json.dumps(sealed).encode())


def test_a_test_seal_is_made_once_and_audited(credential):
    services.seal_elm_credential(credential)
    services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    assert seal.is_test_seal and seal.active
    assert certificates.TEST_SEAL_LABEL in seal.subject
    assert "aesgcm1$" in seal.sealed_private_key and "PRIVATE" not in seal.sealed_private_key
    event = AuditEvent.objects.get(action="seal_certificate.installed")
    assert event.changes["test_seal"] is True and "sealed_private_key" not in json.dumps(event.changes)


def test_without_test_seals_an_issuer_without_a_seal_cannot_seal(credential, settings):
    settings.SEAL_TEST_SEALS = False
    with pytest.raises(services.SealNotAvailable, match="no active seal certificate"):
        services.seal_elm_credential(credential)
    assert not SealCertificate.objects.exists()


# --- bad input -----------------------------------------------------------------------------------------


def codes(report) -> list[str]:
    return report.codes


def test_bad_signature(credential):
    sealed = json.loads(services.seal_elm_credential(credential))
    signature = bytearray(jades.b64url_decode(sealed["signatures"][0]["signature"]))
    signature[5] ^= 0x01
    sealed["signatures"][0]["signature"] = jades.b64url(bytes(signature))
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert report.result == "invalid" and codes(report) == ["bad_signature"]


def test_tampered_payload(credential):
    sealed = json.loads(services.seal_elm_credential(credential))
    sealed["payload"] = sealed["payload"].replace("8.5 / 10", "9.5 / 10")
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert codes(report) == ["tampered_payload"]
    assert "changed after sealing" in report.checks[0].message


def test_tampered_header(credential):
    sealed = json.loads(services.seal_elm_credential(credential))
    header = json.loads(jades.b64url_decode(sealed["signatures"][0]["protected"]))
    header["sigT"] = "2026-01-01T00:00:00Z"
    sealed["signatures"][0]["protected"] = jades.b64url(json.dumps(header).encode())
    assert codes(services.verify_sealed_elm(json.dumps(sealed))) == ["bad_signature"]


@pytest.mark.parametrize(
    ("garbage", "code"),
    [
        (b"not json", "malformed"),
        (b'{"payload": "{}", "signatures": []}', "malformed"),
        (b"[1, 2]", "malformed"),
    ],
)
def test_unreadable_files(garbage, code):
    report = services.verify_sealed_elm(garbage)
    assert report.result == "invalid" and codes(report) == [code]


def test_expired_certificate(credential):
    data = services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    later = seal.not_after + timedelta(days=1)
    report = services.verify_sealed_elm(data, now=later)
    assert codes(report) == ["certificate_expired"]
    assert "not valid now" in next(c.message for c in report.checks if c.name == "validity")
    # and an expired seal no longer seals (never silently replaced by a test seal)
    with pytest.raises(services.SealNotAvailable, match="expired"):
        services.seal_elm_credential(credential, now=later)


def test_certificate_not_yet_valid_at_the_signing_time(credential):
    services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    chain = certificates.load_chain_pem(seal.chain_pem)
    early = seal.not_before - timedelta(days=2)
    sealed = jades.sign(
        services.payload_text(credential), private_key=services.private_key_of(seal), chain=chain, signing_time=early
    )
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert codes(report) == ["certificate_not_yet_valid"]


def test_certificate_of_another_issuer(credential, issuers):
    other = services.create_test_seal(issuers["uu"])
    sealed = jades.sign(
        services.payload_text(credential),
        private_key=services.private_key_of(other),
        chain=certificates.load_chain_pem(other.chain_pem),
        signing_time=datetime.now(UTC),
    )
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert report.result == "invalid"
    assert "certificate_other_issuer" in codes(report)


def test_revoked_certificate(credential, make_user):
    data = services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    admin = make_user(Role.ALLIANCE_ADMIN)
    services.revoke_seal_certificate(seal, reason="The seal key was exposed.", actor=admin)
    report = services.verify_sealed_elm(data)
    assert codes(report) == ["certificate_revoked"]
    assert AuditEvent.objects.filter(action="seal_certificate.revoked").count() == 1
    with pytest.raises(services.SealNotAvailable):  # no test seal replaces a revoked seal
        services.seal_elm_credential(credential)
    with pytest.raises(services.ValidationFailed, match="already revoked"):
        services.revoke_seal_certificate(seal, reason="Again.")


def test_revoking_the_award_revokes_the_sealed_credential(credential, make_user, institution):
    data = services.seal_elm_credential(credential)
    assert services.verify_sealed_elm(data).ok
    officer = make_user((Role.CREDENTIAL_OFFICER, institution))
    revoke_credential(officer, credential.pk, "Academic misconduct established by the board.")
    report = services.verify_sealed_elm(data)
    assert codes(report) == ["credential_revoked"]
    assert "Revoked" in next(c.message for c in report.checks if c.name == "status")
    credential.refresh_from_db()
    with pytest.raises(services.NotSealable, match="revoked"):
        services.seal_elm_credential(credential)


def test_a_payload_that_is_no_elm_credential(credential):
    services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    sealed = jades.sign(
        json.dumps({"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"]}),
        private_key=services.private_key_of(seal),
        chain=certificates.load_chain_pem(seal.chain_pem),
        signing_time=datetime.now(UTC),
    )
    assert codes(services.verify_sealed_elm(json.dumps(sealed))) == ["payload_invalid"]


def test_a_certificate_not_installed_here_is_unknown_not_valid(credential):
    """A chain we did not install (e.g. another platform's): signature and issuer binding can pass, but trust in
    its CA (EU Trusted Lists) and its revocation (CRL/OCSP) are not checked offline."""
    leaf, ca, key, _ = make_chain(did=credential.issuer.did)
    sealed = jades.sign(
        services.payload_text(credential), private_key=key, chain=[leaf, ca], signing_time=datetime.now(UTC)
    )
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert report.result == "unknown"
    assert next(c for c in report.checks if c.name == "trust").code == "certificate_unknown"


def test_the_private_key_is_sealed_under_the_kek(credential, settings):
    services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    key = services.private_key_of(seal)
    assert (
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        not in seal.sealed_private_key.encode()
    )
    from microcred.credentials.keys import KeyEncryptionKeyError
    from microcred.credentials.tests.conftest import OTHER_KEK

    settings.CREDENTIAL_KEK = OTHER_KEK
    with pytest.raises(KeyEncryptionKeyError):
        services.seal_elm_credential(credential)


def test_a_signing_time_in_the_future(credential):
    services.seal_elm_credential(credential)
    seal = SealCertificate.objects.get(issuer=credential.issuer)
    sealed = jades.sign(
        services.payload_text(credential),
        private_key=services.private_key_of(seal),
        chain=certificates.load_chain_pem(seal.chain_pem),
        signing_time=datetime.now(UTC) + timedelta(days=1),
    )
    assert codes(services.verify_sealed_elm(json.dumps(sealed))) == ["signing_time_in_future"]


def test_a_chain_whose_ca_did_not_issue_the_seal(credential):
    leaf, _ca, key, _ = make_chain(did=credential.issuer.did)
    _leaf, other_ca, _key, _ = make_chain(did=credential.issuer.did)
    sealed = jades.sign(
        services.payload_text(credential), private_key=key, chain=[leaf, other_ca], signing_time=datetime.now(UTC)
    )
    assert "chain_invalid" in codes(services.verify_sealed_elm(json.dumps(sealed)))
