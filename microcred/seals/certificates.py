"""X.509 for electronic seals: reading a chain (PEM or PKCS#12), checking it, binding it to an issuer, and the
self-signed test chain of the embedded default. Framework-free (``cryptography`` only).

What "belongs to the issuer" means (our rule, checked when a certificate is installed and when a sealed file is
verified): the seal's certificate either

* carries the issuer's DID as a ``uniformResourceIdentifier`` in its subjectAltName (RFC 5280 §4.2.1.6; the
  platform's test seals do, and a trust service provider can be asked to), or
* has a subject ``organizationIdentifier`` (OID 2.5.4.97, the legal-person identifier of a qualified seal
  certificate, ETSI EN 319 412-1 §5.1.4, e.g. ``VATES-Q0818001J``) equal to the issuer's legal identifier,
  which the ELM credential carries as ``issuer.eIDASIdentifier.notation`` (settings ``ELM_LEGAL_IDENTIFIERS``).

Only certificates for ES256 (ECDSA P-256 with SHA-256, RFC 7518 §3.4) are accepted: JAdES allows it, and one
algorithm keeps verification simple.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_SEAL_LABEL = "TEST SEAL — not a qualified electronic seal"
MAX_CHAIN_LENGTH = 5


class CertificateError(ValueError):
    """A certificate, chain or key that cannot be a seal. The message says what is wrong, for the admin."""


@dataclass(frozen=True)
class SealMaterial:
    """A parsed, checked seal: the chain (the seal's certificate first) and its private key."""

    chain: tuple[x509.Certificate, ...]
    private_key: ec.EllipticCurvePrivateKey

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def chain_to_pem(chain) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain)


def load_chain_pem(data: bytes | str) -> list[x509.Certificate]:
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        chain = x509.load_pem_x509_certificates(raw)
    except ValueError as exc:
        raise CertificateError("The certificate chain is not PEM-encoded X.509 certificates.") from exc
    return chain


def load_private_key(data: bytes, password: bytes | None = None) -> ec.EllipticCurvePrivateKey:
    """A PKCS#8 private key, PEM or DER (encrypted if ``password``)."""
    loaders = (serialization.load_pem_private_key, serialization.load_der_private_key)
    for loader in loaders:
        try:
            key = loader(data, password=password or None)
            break
        except TypeError as exc:  # encrypted without a password, or a password for a plain key
            raise CertificateError(f"The private key: {exc}") from exc
        except ValueError:
            continue
    else:
        raise CertificateError("The private key is not a PKCS#8 key (PEM or DER), or the password is wrong.")
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CertificateError("The seal's key must be an ECDSA P-256 key (JAdES ES256).")
    return key


def load_pkcs12(data: bytes, password: bytes | None = None) -> tuple[list[x509.Certificate], object]:
    """(chain with the key's certificate first, private key) from a PKCS#12 file."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as exc:
        raise CertificateError("The PKCS#12 file cannot be opened (not PKCS#12, or the password is wrong).") from exc
    if key is None or certificate is None:
        raise CertificateError("The PKCS#12 file must hold the seal's private key and its certificate.")
    return [certificate, *others], key


def _signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    key = issuer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(
                certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(certificate.signature_hash_algorithm)
            )
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(
                certificate.signature,
                certificate.tbs_certificate_bytes,
                padding.PKCS1v15(),
                certificate.signature_hash_algorithm,
            )
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def issued_by(certificate: x509.Certificate, authority: x509.Certificate) -> bool:
    """``authority`` issued ``certificate``: names match and the signature verifies (RFC 5280 §6.1.3)."""
    return certificate.issuer == authority.subject and _signed_by(certificate, authority)


def authority_problem(certificate: x509.Certificate, *, at: datetime) -> str:
    """Why ``certificate`` cannot be a trusted seal authority ("" when it can): a CA certificate, valid at ``at``."""
    if not _is_ca(certificate):
        return "This is not a CA certificate (BasicConstraints cA): upload the certification authority's certificate."
    if at < certificate.not_valid_before_utc:
        return f"The CA certificate is not valid yet (from {certificate.not_valid_before_utc:%Y-%m-%d} UTC)."
    if at > certificate.not_valid_after_utc:
        return f"The CA certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d} UTC."
    return ""


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def chain_problem(chain, *, at: datetime | None) -> str:
    """Why ``chain`` is not a usable chain at the moment ``at`` ("" when it is): the seal's certificate first,
    each certificate signed by the next (RFC 5280 §6.1), the ones after the first CAs, all valid at ``at``
    (not checked when ``at`` is None)."""
    if not chain:
        return "The chain holds no certificate."
    if len(chain) > MAX_CHAIN_LENGTH:
        return f"The chain holds {len(chain)} certificates; at most {MAX_CHAIN_LENGTH} are accepted."
    if _is_ca(chain[0]):
        return "The first certificate is a CA certificate: the chain must start with the seal's own certificate."
    for position, (child, parent) in enumerate(itertools.pairwise(chain), start=1):
        if child.issuer != parent.subject or not _signed_by(child, parent):
            return (
                f"Certificate {position} is not signed by certificate {position + 1}: put the seal's certificate "
                "first, then each issuing CA in order."
            )
        if not _is_ca(parent):
            return f"Certificate {position + 1} issues another certificate but is not a CA certificate."
    for position, certificate in enumerate(chain if at is not None else [], start=1):
        if at < certificate.not_valid_before_utc:
            return (
                f"Certificate {position} is not valid yet (from {certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC)."
            )
        if at > certificate.not_valid_after_utc:
            return f"Certificate {position} expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC."
    return ""


def leaf_problem(leaf: x509.Certificate) -> str:
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        return "The seal's certificate must hold an ECDSA P-256 key (JAdES ES256)."
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            return "The seal's certificate may not be used for signatures (key usage)."
    except x509.ExtensionNotFound:
        pass
    return ""


def dids_of(certificate: x509.Certificate) -> list[str]:
    """The URIs of the certificate's subjectAltName (where a test seal names its issuer's DID)."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return list(names.get_values_for_type(x509.UniformResourceIdentifier))


def organization_identifiers(certificate: x509.Certificate) -> list[str]:
    return [str(a.value) for a in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)]


def belongs_to(certificate: x509.Certificate, *, did: str, legal_identifier: str = "") -> bool:
    """Whether the seal's certificate names this issuer (see the module's rule)."""
    if did and did in dids_of(certificate):
        return True
    return bool(legal_identifier) and legal_identifier in organization_identifiers(certificate)


def subject_text(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()[:500]


def check_material(chain, private_key, *, did: str, legal_identifier: str = "", at: datetime) -> SealMaterial:
    """A chain and key checked to be a usable seal of this issuer now (CertificateError says why not)."""
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(private_key.curve, ec.SECP256R1):
        raise CertificateError("The seal's key must be an ECDSA P-256 key (JAdES ES256).")
    chain = list(chain)
    problem = chain_problem(chain, at=at) or leaf_problem(chain[0])
    if problem:
        raise CertificateError(problem)
    if public_der(chain[0].public_key()) != public_der(private_key.public_key()):
        raise CertificateError("The private key does not belong to the seal's certificate (the first of the chain).")
    if not belongs_to(chain[0], did=did, legal_identifier=legal_identifier):
        raise CertificateError(
            f"The certificate does not name this issuer: it carries neither the issuer's DID ({did}) as a "
            "subjectAltName URI nor its legal identifier"
            + (f" ({legal_identifier})" if legal_identifier else " (none is configured in ELM_LEGAL_IDENTIFIERS)")
            + " as organizationIdentifier."
        )
    return SealMaterial(chain=tuple(chain), private_key=private_key)


def make_test_chain(
    *, did: str, organisation: str, country: str, now: datetime | None = None, days: int = 730
) -> SealMaterial:
    """A self-signed test CA and a seal certificate under it for one issuer, marked as a test seal everywhere a
    person reads it (the common names and the organisational unit)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start, end = now - timedelta(minutes=5), now + timedelta(days=days)
    country = (country or "").upper()[:2]
    base = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)] if len(country) == 2 and country.isalpha() else []
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [*base, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "Issuer"),
         x509.NameAttribute(NameOID.COMMON_NAME, "TEST SEAL CA — not a qualified trust service")]
    )  # fmt: skip
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name(
        [*base, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "Issuer"),
         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_SEAL_LABEL),
         x509.NameAttribute(NameOID.COMMON_NAME, TEST_SEAL_LABEL)]
    )  # fmt: skip
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(ca_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation (contentCommitment)
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(did)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return SealMaterial(chain=(leaf, ca), private_key=seal_key)


def issuer_serial_der(certificate: x509.Certificate) -> bytes:
    """DER of ``IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }`` (RFC 5035), the value of
    a JAdES ``kid`` (ETSI TS 119 182-1 §5.1.4): the issuer's name as a directoryName ([4], explicit)."""
    name = certificate.issuer.public_bytes()
    serial = certificate.serial_number
    serial_bytes = serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True) if serial else b"\x00"
    directory_name = _tlv(0xA4, name)
    general_names = _tlv(0x30, directory_name)
    return _tlv(0x30, general_names + _tlv(0x02, serial_bytes))


def _tlv(tag: int, value: bytes) -> bytes:
    length = len(value)
    if length < 0x80:
        encoded = bytes([length])
    else:
        octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
        encoded = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + encoded + value


def der_sha256(certificate: x509.Certificate) -> bytes:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()
