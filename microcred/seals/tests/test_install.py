"""Installing a seal certificate: PEM chain + PKCS#8 key or PKCS#12, checked before anything is stored, one active
per issuer, on the admin site for the alliance admin only, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.roles import Role
from microcred.seals import certificates, services
from microcred.seals.models import SealCertificate
from microcred.seals.tests.helpers import make_chain

pytestmark = pytest.mark.django_db


def pem(*certs) -> bytes:
    return certificates.chain_to_pem(certs).encode()


def pkcs8(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def ub(issuers):
    return issuers["ub"]


def test_install_a_pem_chain_and_key(ub):
    leaf, ca, key, _ = make_chain(did=ub.did)
    seal = services.install_from_files(issuer=ub, chain_pem=pem(leaf, ca), key_data=pkcs8(key))
    assert seal.active and not seal.is_test_seal
    assert seal.fingerprint_sha256 == certificates.fingerprint(leaf)
    assert services.private_key_of(seal).private_numbers() == key.private_numbers()
    event = AuditEvent.objects.get(action="seal_certificate.installed")
    assert event.changes["fingerprint_sha256"] == seal.fingerprint_sha256


def test_a_new_seal_replaces_the_active_one(ub):
    first = services.create_test_seal(ub)
    leaf, ca, key, _ = make_chain(did=ub.did)
    second = services.install_from_files(issuer=ub, chain_pem=pem(leaf, ca), key_data=pkcs8(key))
    first.refresh_from_db()
    assert not first.active and second.active
    assert SealCertificate.objects.filter(issuer=ub, active=True).get() == second


def test_install_a_pkcs12_file_with_a_password(ub):
    leaf, ca, key, _ = make_chain(did=ub.did)
    p12 = pkcs12.serialize_key_and_certificates(
        b"seal", key, leaf, [ca], serialization.BestAvailableEncryption(b"p12-secret")
    )
    seal = services.install_from_files(issuer=ub, pkcs12_data=p12, pkcs12_password="p12-secret")
    assert seal.fingerprint_sha256 == certificates.fingerprint(leaf)
    with pytest.raises(certificates.CertificateError, match="password"):
        services.install_from_files(issuer=ub, pkcs12_data=p12, pkcs12_password="wrong")


def test_a_legal_identifier_binds_a_qualified_certificate(ub, settings):
    """A QTSP's certificate names the organisation by organizationIdentifier (ETSI EN 319 412-1), not the DID."""
    settings.ELM_LEGAL_IDENTIFIERS = {"ub": "VATES-Q0818001J"}
    leaf, ca, key, _ = make_chain(organization_identifier="VATES-Q0818001J")
    seal = services.install_from_files(issuer=ub, chain_pem=pem(leaf, ca), key_data=pkcs8(key))
    assert seal.active


def _refused(ub, match, **files):
    with pytest.raises(certificates.CertificateError, match=match):
        services.install_from_files(issuer=ub, **files)
    assert not SealCertificate.objects.exists()
    assert not AuditEvent.objects.filter(action="seal_certificate.installed").exists()


def test_an_expired_certificate_is_refused(ub):
    leaf, ca, key, _ = make_chain(did=ub.did, start=datetime.now(UTC) - timedelta(days=400), days=30)
    _refused(ub, "expired", chain_pem=pem(leaf, ca), key_data=pkcs8(key))


def test_a_certificate_not_valid_yet_is_refused(ub):
    leaf, ca, key, _ = make_chain(did=ub.did, start=datetime.now(UTC) + timedelta(days=3))
    _refused(ub, "not valid yet", chain_pem=pem(leaf, ca), key_data=pkcs8(key))


def test_a_certificate_of_another_issuer_is_refused(ub, issuers):
    leaf, ca, key, _ = make_chain(did=issuers["uu"].did)
    _refused(ub, "does not name this issuer", chain_pem=pem(leaf, ca), key_data=pkcs8(key))


def test_a_key_that_does_not_match_is_refused(ub):
    leaf, ca, _key, _ = make_chain(did=ub.did)
    _refused(ub, "does not belong", chain_pem=pem(leaf, ca), key_data=pkcs8(ec.generate_private_key(ec.SECP256R1())))


def test_a_chain_in_the_wrong_order_is_refused(ub):
    leaf, ca, key, _ = make_chain(did=ub.did)
    _refused(ub, "CA certificate", chain_pem=pem(ca, leaf), key_data=pkcs8(key))
    _leaf, ca2, _k, _ = make_chain(did=ub.did)
    _refused(ub, "not signed by", chain_pem=pem(leaf, ca2), key_data=pkcs8(key))


def test_garbage_is_refused(ub):
    _refused(ub, "not PEM", chain_pem=b"hello", key_data=b"key")
    leaf, ca, _key, _ = make_chain(did=ub.did)
    _refused(ub, "PKCS#8", chain_pem=pem(leaf, ca), key_data=b"-----BEGIN PRIVATE KEY-----\nAAAA\n")
    _refused(ub, "chain", chain_pem=pem(leaf, ca))


# --- the admin site --------------------------------------------------------------------------------------


def test_the_alliance_admin_installs_and_revokes_on_the_admin_site(client, make_user, ub):
    admin_user = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    client.force_login(admin_user)
    leaf, ca, key, _ = make_chain(did=ub.did)
    url = reverse("admin:seals_sealcertificate_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "issuer": ub.pk,
            "chain_file": SimpleUploadedFile("chain.pem", pem(leaf, ca)),
            "key_file": SimpleUploadedFile("key.pem", pkcs8(key)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    seal = SealCertificate.objects.get()
    assert AuditEvent.objects.get(action="seal_certificate.installed").actor == admin_user

    change = reverse("admin:seals_sealcertificate_change", args=[seal.pk])
    assert client.post(change, {"revoke": "on", "reason": ""}).status_code == 200  # a reason is required
    seal.refresh_from_db()
    assert seal.revoked_at is None
    assert client.post(change, {"revoke": "on", "reason": "Key exposed."}).status_code == 302
    seal.refresh_from_db()
    assert seal.revoked_at is not None and not seal.active


def test_the_admin_form_shows_why_a_certificate_is_refused(client, make_user, ub):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    leaf, ca, key, _ = make_chain(did=ub.did, start=datetime.now(UTC) - timedelta(days=400), days=30)
    response = client.post(
        reverse("admin:seals_sealcertificate_add"),
        {
            "issuer": ub.pk,
            "chain_file": SimpleUploadedFile("chain.pem", pem(leaf, ca)),
            "key_file": SimpleUploadedFile("key.pem", pkcs8(key)),
        },
    )
    assert response.status_code == 200
    assert "expired" in response.content.decode()
    assert not SealCertificate.objects.exists()


def test_only_the_alliance_admin_sees_seals(client, make_user, institution, ub):
    client.force_login(make_user((Role.CREDENTIAL_OFFICER, institution), is_staff=True))
    assert client.get(reverse("admin:seals_sealcertificate_add")).status_code in (302, 403)
