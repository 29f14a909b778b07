"""Other issuers' sealed ELM credentials are trusted when their seal certificate was issued under a certification
authority the alliance admin installed (the EU Trusted Lists are not read offline): checked before storing,
audited, and a seal outside every trusted authority stays "could not be checked", never valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.roles import Role
from microcred.seals import jades, services
from microcred.seals.models import TrustedSealAuthority
from microcred.seals.tests.helpers import make_chain

pytestmark = pytest.mark.django_db


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def foreign_seal(issue):
    """A credential sealed under a CA this platform did not install (as another platform would seal it)."""
    credential = issue()
    leaf, ca, key, _ = make_chain(did=credential.issuer.did)
    sealed = jades.sign(
        services.payload_text(credential), private_key=key, chain=[leaf, ca], signing_time=datetime.now(UTC)
    )
    return json.dumps(sealed).encode(), ca


def _trust(report):
    return next(c for c in report.checks if c.name == "trust")


def test_a_seal_under_a_trusted_authority_is_valid_and_untrusting_it_undoes_that(foreign_seal, make_user):
    data, ca = foreign_seal
    assert services.verify_sealed_elm(data).result == "unknown"
    admin = make_user(Role.ALLIANCE_ADMIN)
    authority = services.add_trusted_seal_authority(name="Example QTSP", certificate_pem=_pem(ca), actor=admin)
    report = services.verify_sealed_elm(data)
    assert report.result == "valid", [(c.name, c.passed, c.message) for c in report.checks]
    assert "Example QTSP" in _trust(report).message
    event = AuditEvent.objects.get(action="seal_authority.added")
    assert event.changes["fingerprint_sha256"] == authority.fingerprint_sha256

    services.set_trusted_seal_authority_enabled(authority, False, actor=admin)
    services.set_trusted_seal_authority_enabled(authority, False, actor=admin)  # no change: no second record
    assert services.verify_sealed_elm(data).result == "unknown"
    assert AuditEvent.objects.filter(action="seal_authority.changed").count() == 1


def test_another_authority_does_not_make_it_trusted(foreign_seal):
    data, _ca = foreign_seal
    _leaf, other_ca, _key, _ = make_chain()
    services.add_trusted_seal_authority(name="Another QTSP", certificate_pem=_pem(other_ca))
    assert _trust(services.verify_sealed_elm(data)).passed is None


def test_a_trusted_authority_does_not_vouch_for_another_issuers_certificate(issue, issuers):
    credential = issue()
    other = next(i for i in issuers.values() if i.pk != credential.issuer.pk)
    leaf, ca, key, _ = make_chain(did=other.did)  # a genuine seal, but of another university
    sealed = jades.sign(
        services.payload_text(credential), private_key=key, chain=[leaf, ca], signing_time=datetime.now(UTC)
    )
    services.add_trusted_seal_authority(name="Example QTSP", certificate_pem=_pem(ca))
    report = services.verify_sealed_elm(json.dumps(sealed))
    assert report.result == "invalid" and report.code == "certificate_other_issuer"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _pem(make_chain()[0]), "not a CA certificate"),
        (lambda: _pem(make_chain(start=datetime.now(UTC) - timedelta(days=4000), ca_days=30)[1]), "expired"),
        (lambda: b"not a certificate", "not PEM-encoded"),
        (lambda: _pem(make_chain()[1]) + _pem(make_chain()[1]), "exactly one"),
    ],
)
def test_what_cannot_be_an_authority_is_refused_and_nothing_stored(make, message):
    with pytest.raises(ValidationFailed, match=message):
        services.add_trusted_seal_authority(name="Example QTSP", certificate_pem=make())
    assert not TrustedSealAuthority.objects.exists() and not AuditEvent.objects.filter(action="seal_authority.added")


def test_the_admin_adds_an_authority_on_the_admin_site(client, make_user, foreign_seal):
    data, ca = foreign_seal
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    url = reverse("admin:seals_trustedsealauthority_add")

    refused = client.post(url, {"name": "Leaf", "certificate_file": SimpleUploadedFile("c.pem", _pem(make_chain()[0]))})
    assert refused.status_code == 200 and "not a CA certificate" in refused.content.decode()
    assert not TrustedSealAuthority.objects.exists()
    added = client.post(url, {"name": "Example QTSP", "certificate_file": SimpleUploadedFile("ca.pem", _pem(ca))})
    assert added.status_code == 302
    authority = TrustedSealAuthority.objects.get()
    assert services.verify_sealed_elm(data).ok
    change = reverse("admin:seals_trustedsealauthority_change", args=[authority.pk])
    assert client.post(change, {}).status_code == 302  # the box unticked
    authority.refresh_from_db()
    assert authority.enabled is False
    assert AuditEvent.objects.filter(action="seal_authority.changed").count() == 1
