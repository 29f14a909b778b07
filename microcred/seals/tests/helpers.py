"""Certificates for the tests: a CA and seal certificates with chosen names and dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_chain(*, did="", organization_identifier="", start=None, days=365, ca_days=3650):
    """(leaf, ca, leaf key, ca key): a CA and a seal certificate under it, valid from ``start`` for ``days``."""
    start = start or datetime.now(UTC) - timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Qualified Seal CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(days=10))
        .not_valid_after(start + timedelta(days=ca_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, "University seal")]
    if organization_identifier:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, organization_identifier))
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if did:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(did)]), False)
    return builder.sign(ca_key, hashes.SHA256()), ca, key, ca_key
