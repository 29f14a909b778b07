"""Sealed ELM credentials: the issuers' seal certificates, sealing an award's ELM export, verifying a sealed file.

* :func:`install_seal_certificate` (the admin site, :func:`install_from_files`) checks a chain and key before
  anything is stored, seals the key under the KEK like the issuer keys (credentials/keys.py), makes it the
  issuer's one active seal and records it in the audit log. :func:`revoke_seal_certificate` marks it revoked.
* :func:`create_test_seal`: the embedded default, a self-signed CA and seal certificate for one issuer, marked
  as a test seal ("TEST SEAL — not a qualified electronic seal"). With ``SEAL_TEST_SEALS`` on (default: under
  DEBUG), :func:`seal_for` creates one lazily for an issuer that has no seal.
* :func:`seal_elm_credential` → the JAdES-B-B sealed file (jades.py) of the award's ELM export.
* :func:`verify_sealed_elm` → a :class:`SealReport`, each check with a stable failure code.

Revocation of a seal certificate here is the alliance admin's flag: certificate revocation lists and OCSP of a
trust service provider are not consulted (the platform fetches nothing at run time).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.exceptions import DomainError, ValidationFailed
from microcred.credentials import elm, keys
from microcred.credentials.models import IssuedCredential, Issuer
from microcred.credentials.services.status_resolvers import StatusQuery, resolve_status
from microcred.seals import certificates, jades
from microcred.seals.models import SealCertificate, TrustedSealAuthority
from microcred.vc.credential_data import Graph, read_credential

ELM_VOCAB = "http://data.europa.eu/snb/model/elm/"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
EDC_TYPE = ELM_VOCAB + "EuropeanDigitalCredential"
CLOCK_SKEW = timedelta(minutes=5)


class SealNotAvailable(DomainError):
    """The issuer has no usable seal certificate."""

    code = "seal_not_available"
    status = 409


class NotSealable(DomainError):
    """This credential cannot be sealed."""

    code = "not_sealable"
    status = 409


# --- seal certificates ---------------------------------------------------------------------------------


def legal_identifier_of(issuer: Issuer) -> str:
    """The legal identifier the ELM export gives the issuer when one is configured (elm._legal_identifier)."""
    return str((getattr(settings, "ELM_LEGAL_IDENTIFIERS", None) or {}).get(issuer.institution.slug) or "")


def test_seals_allowed() -> bool:
    return bool(settings.SEAL_TEST_SEALS)


@transaction.atomic
def install_seal_certificate(
    *, issuer: Issuer, chain, private_key, actor=None, is_test_seal: bool = False
) -> SealCertificate:
    """Check (certificates.check_material), store sealed, make active (the previous active seal stops sealing)."""
    material = certificates.check_material(
        chain, private_key, did=issuer.did, legal_identifier=legal_identifier_of(issuer), at=datetime.now(UTC)
    )
    leaf = material.leaf
    fingerprint = certificates.fingerprint(leaf)
    if SealCertificate.objects.filter(fingerprint_sha256=fingerprint).exists():
        raise ValidationFailed(_("This certificate is already installed."))
    previous = list(
        SealCertificate.objects.select_for_update().filter(issuer=issuer, active=True).values_list("pk", flat=True)
    )
    SealCertificate.objects.filter(pk__in=previous).update(active=False)
    seal = SealCertificate(
        issuer=issuer,
        chain_pem=certificates.chain_to_pem(material.chain),
        fingerprint_sha256=fingerprint,
        subject=certificates.subject_text(leaf),
        issuer_name=leaf.issuer.rfc4514_string()[:500],
        serial_number=format(leaf.serial_number, "x")[:100],
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        is_test_seal=is_test_seal,
        active=True,
    )
    pkcs8 = material.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    seal.sealed_private_key = keys.seal(pkcs8, seal.associated_data)
    seal.save()
    record_audit_event(
        actor=actor,
        action="seal_certificate.installed",
        target=issuer,
        summary=f"Seal certificate {fingerprint[:16]}… installed for {issuer.slug}"
        + (" (test seal)" if is_test_seal else ""),
        changes={
            "fingerprint_sha256": fingerprint,
            "subject": seal.subject,
            "not_after": seal.not_after.isoformat(),
            "test_seal": is_test_seal,
            "replaced": previous,
        },
    )
    return seal


def install_from_files(
    *,
    issuer: Issuer,
    chain_pem: bytes | None = None,
    key_data: bytes | None = None,
    key_password: str = "",
    pkcs12_data: bytes | None = None,
    pkcs12_password: str = "",
    actor=None,
) -> SealCertificate:
    """What the admin uploads: a PEM chain and a PKCS#8 key, or one PKCS#12 file (CertificateError says what
    is wrong; nothing is stored then)."""
    if pkcs12_data:
        if chain_pem or key_data:
            raise certificates.CertificateError("Upload either a PKCS#12 file or a PEM chain with its key, not both.")
        chain, private_key = certificates.load_pkcs12(pkcs12_data, pkcs12_password.encode("utf-8") or None)
        chain = ordered_chain(chain)
    else:
        if not chain_pem or not key_data:
            raise certificates.CertificateError("Upload the certificate chain (PEM) and the private key (PKCS#8).")
        chain = certificates.load_chain_pem(chain_pem)
        private_key = certificates.load_private_key(key_data, key_password.encode("utf-8") or None)
    return install_seal_certificate(issuer=issuer, chain=chain, private_key=private_key, actor=actor)


def ordered_chain(chain):
    """A PKCS#12 file's chain (its key's certificate first) with the CA certificates in chain order from it
    (their order in the file is not defined)."""
    leaf, cas = chain[0], chain[1:]
    ordered, current, rest = [leaf], leaf, list(cas)
    while rest:
        parent = next((c for c in rest if c.subject == current.issuer), None)
        if parent is None or parent is current:
            return ordered + rest  # the chain check will say what is wrong
        ordered.append(parent)
        rest.remove(parent)
        current = parent
    return ordered


def create_test_seal(issuer: Issuer, *, actor=None) -> SealCertificate:
    """The embedded default: a self-signed test chain for ``issuer``, installed as its active seal."""
    institution = issuer.institution
    material = certificates.make_test_chain(
        did=issuer.did, organisation=institution.name, country=institution.country_code or ""
    )
    return install_seal_certificate(
        issuer=issuer, chain=material.chain, private_key=material.private_key, actor=actor, is_test_seal=True
    )


@transaction.atomic
def revoke_seal_certificate(seal: SealCertificate, *, reason: str, actor=None) -> SealCertificate:
    """The admin's revocation flag: the certificate no longer seals, and files it sealed fail verification."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for revoking the seal certificate."))
    seal = SealCertificate.objects.select_for_update().get(pk=seal.pk)
    if seal.revoked_at is not None:
        raise ValidationFailed(_("This seal certificate is already revoked."))
    seal.revoked_at = timezone.now()
    seal.revocation_reason = reason
    seal.active = False
    seal.save(update_fields=["revoked_at", "revocation_reason", "active"])
    record_audit_event(
        actor=actor,
        action="seal_certificate.revoked",
        target=seal.issuer,
        summary=f"Seal certificate {seal.fingerprint_sha256[:16]}… of {seal.issuer.slug} revoked",
        changes={"fingerprint_sha256": seal.fingerprint_sha256, "reason": reason},
    )
    return seal


def private_key_of(seal: SealCertificate):
    der = keys.unseal(seal.sealed_private_key, seal.associated_data)
    key = serialization.load_der_private_key(der, password=None)
    leaf = certificates.load_chain_pem(seal.chain_pem)[0]
    if certificates.public_der(key.public_key()) != certificates.public_der(leaf.public_key()):
        raise keys.KeyEncryptionKeyError(f"The stored seal key of {seal.issuer.slug} is corrupt.")
    return key


def seal_for(issuer: Issuer, *, now: datetime | None = None) -> SealCertificate:
    """The issuer's active seal, usable now; a test seal is created when there is none and test seals are
    allowed. An installed seal that expired or was revoked is refused (never silently replaced by a test seal)."""
    now = now or timezone.now()
    seal = SealCertificate.objects.select_related("issuer").filter(issuer=issuer, active=True).first()
    if seal is None:
        if SealCertificate.objects.filter(issuer=issuer, revoked_at__isnull=False).exists() or not test_seals_allowed():
            raise SealNotAvailable(
                _("%(issuer)s has no active seal certificate: the alliance admin must install one.")
                % {"issuer": issuer.name}
            )
        try:
            return create_test_seal(issuer)
        except IntegrityError:  # a concurrent request made it first (one active seal per issuer)
            seal = SealCertificate.objects.select_related("issuer").get(issuer=issuer, active=True)
    if seal.revoked_at is not None:
        raise SealNotAvailable(_("The seal certificate of %(issuer)s is revoked.") % {"issuer": issuer.name})
    if now > seal.not_after:
        raise SealNotAvailable(
            _("The seal certificate of %(issuer)s expired on %(date)s: the alliance admin must install a new one.")
            % {"issuer": issuer.name, "date": seal.not_after.date().isoformat()}
        )
    if now < seal.not_before:
        raise SealNotAvailable(_("The seal certificate of %(issuer)s is not valid yet.") % {"issuer": issuer.name})
    return seal


def can_seal(issuer: Issuer) -> bool:
    """Whether a sealed file can be offered for this issuer's credentials (a usable seal, or test seals)."""
    now = timezone.now()
    seal = SealCertificate.objects.filter(issuer=issuer, active=True).first()
    if seal is None:
        return test_seals_allowed()
    return seal.revoked_at is None and seal.not_before <= now <= seal.not_after


# --- sealing -----------------------------------------------------------------------------------------------


def payload_text(credential: IssuedCredential) -> str:
    return json.dumps(elm.elm_credential(credential), ensure_ascii=False, separators=(",", ":"))


def seal_elm_credential(credential: IssuedCredential, *, now: datetime | None = None) -> bytes:
    """The award's ELM credential sealed by its issuer (JAdES-B-B, JWS JSON General Serialization), as bytes."""
    if (credential.document or {}).get("erased"):
        raise NotSealable(_("This credential was erased."))
    if credential.revoked_at is not None:
        raise NotSealable(_("A revoked credential is not sealed."))
    now = now or timezone.now()
    seal = seal_for(credential.issuer, now=now)
    chain = certificates.load_chain_pem(seal.chain_pem)
    sealed = jades.sign(payload_text(credential), private_key=private_key_of(seal), chain=chain, signing_time=now)
    return json.dumps(sealed, ensure_ascii=False, indent=2).encode("utf-8")


# --- verification ------------------------------------------------------------------------------------------


@dataclass
class SealCheck:
    name: str
    passed: bool | None  # None: could not be checked
    message: str
    code: str = ""  # the failure code when not passed


@dataclass
class SealReport:
    """What :func:`verify_sealed_elm` found. ``result``: "valid", "invalid" (a check failed) or "unknown" (none
    failed, one could not be checked). ``code`` is the first failure's code ("" when valid)."""

    checks: list[SealCheck] = field(default_factory=list)
    credential_id: str = ""
    issuer_id: str = ""
    signing_time: datetime | None = None
    certificate_subject: str = ""
    is_test_seal: bool | None = None
    payload: dict | None = None

    @property
    def result(self) -> str:
        if any(c.passed is False for c in self.checks):
            return "invalid"
        return "unknown" if any(c.passed is None for c in self.checks) else "valid"

    @property
    def ok(self) -> bool:
        return self.result == "valid"

    @property
    def code(self) -> str:
        return next((c.code for c in self.checks if c.passed is False), "")

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.checks if c.passed is False]

    def add(self, name: str, passed: bool | None, message: str, code: str = "") -> SealCheck:
        check = SealCheck(name, passed, str(message), code if passed is not True else "")
        self.checks.append(check)
        return check


def _payload_as_issued(payload: str) -> bool | None:
    """After a failed signature: does the payload equal our own export of the credential it names (then the
    signature or header was altered), or not (the payload was)? None when it is not one of our credentials."""
    try:
        document = json.loads(payload)
        notation = uuid.UUID(str(document["identifier"]["notation"]).removeprefix("urn:uuid:"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    credential = IssuedCredential.objects.filter(uuid=notation).first()
    if credential is None:
        return None
    try:
        return elm.elm_credential(credential) == document
    except elm.ElmExportError:  # an export that fails now says nothing about the file
        return None


def _read_payload(report: SealReport, payload: str):
    """(facts, quads) of the sealed ELM credential, or None after adding the failed check."""
    try:
        document = json.loads(payload)
        if not isinstance(document, dict):
            raise ValueError("not an object")
        quads = vc.document_to_quads(document, elm.elm_context_registry())
        facts = read_credential(quads)
    except (ValueError, vc.VCError) as exc:
        report.add(
            "payload",
            False,
            _("The sealed content is not an ELM credential this verifier can read: %(why)s") % {"why": exc},
            "payload_invalid",
        )
        return None
    if EDC_TYPE not in facts.types:
        report.add("payload", False, _("The sealed content is not a European Digital Credential."), "payload_invalid")
        return None
    report.payload = document
    report.credential_id = facts.id
    report.issuer_id = facts.issuer_ids[0] if len(facts.issuer_ids) == 1 else ""
    report.add("payload", True, _("The sealed content is a European Digital Credential (ELM 3.2)."))
    return facts, quads


def _legal_identifier_in(quads, issuer_id: str) -> str:
    graph = Graph(quads)
    for node in graph.nodes(f"<{issuer_id}>", ELM_VOCAB + "eidasLegalIdentifier"):
        for text in graph.texts(node, SKOS_NOTATION):
            return text
    return ""


def _validity_checks(report: SealReport, parsed: jades.ParsedSeal, now: datetime) -> None:
    leaf, sigt = parsed.leaf, parsed.signing_time
    order = certificates.chain_problem(list(parsed.chain), at=None)  # validity: below, at sigT and now
    if order:
        report.add("chain", False, order, "chain_invalid")
        return
    report.add("chain", True, _("Each certificate of the chain is signed by the next."))
    if sigt > now + CLOCK_SKEW:
        report.add("signing_time", False, _("The signing time is in the future."), "signing_time_in_future")
        return
    if sigt < leaf.not_valid_before_utc:
        report.add(
            "validity",
            False,
            _("The seal's certificate was not valid yet when the credential was sealed (valid from %(date)s).")
            % {"date": leaf.not_valid_before_utc.date().isoformat()},
            "certificate_not_yet_valid",
        )
        return
    if now < leaf.not_valid_before_utc - CLOCK_SKEW:
        report.add("validity", False, _("The seal's certificate is not valid yet."), "certificate_not_yet_valid")
        return
    for moment, label in ((sigt, _("when the credential was sealed")), (now, _("now"))):
        expired = next((c for c in parsed.chain if moment > c.not_valid_after_utc), None)
        if expired is not None:
            report.add(
                "validity",
                False,
                _("A certificate of the seal expired on %(date)s, so it is not valid %(when)s.")
                % {"date": expired.not_valid_after_utc.date().isoformat(), "when": label},
                "certificate_expired",
            )
            return
    report.add(
        "validity",
        True,
        _("The seal's certificate was valid when the credential was sealed (%(sigt)s) and is valid now.")
        % {"sigt": jades.format_sigt(sigt)},
    )


def _trusted_authority_of(chain) -> TrustedSealAuthority | None:
    """The enabled authority that is in the seal's chain or issued its last certificate (the chain itself is
    checked by the "chain" check: each certificate signed by the next)."""
    fingerprints = {certificates.fingerprint(c) for c in chain}
    for authority in TrustedSealAuthority.objects.filter(enabled=True).order_by("pk"):
        if authority.fingerprint_sha256 in fingerprints:
            return authority
        anchor = certificates.load_chain_pem(authority.certificate_pem)[0]
        if certificates.issued_by(chain[-1], anchor):
            return authority
    return None


def _trust_check(report: SealReport, parsed: jades.ParsedSeal, issuer_id: str) -> None:
    fingerprint = certificates.fingerprint(parsed.leaf)
    seal = SealCertificate.objects.select_related("issuer").filter(fingerprint_sha256=fingerprint).first()
    authority = _trusted_authority_of(parsed.chain) if seal is None else None
    if authority is not None:
        report.is_test_seal = False
        report.add(
            "trust",
            True,
            _("The seal's certificate was issued under %(authority)s, a certification authority this platform trusts.")
            % {"authority": authority.name},
        )
        return
    if seal is None:
        report.add(
            "trust",
            None,
            _(
                "The seal's certificate is not one installed on this platform; whether its issuer is a qualified "
                "trust service provider on the EU Trusted Lists, and whether it is revoked, was not checked here."
            ),
            "certificate_unknown",
        )
        return
    report.is_test_seal = seal.is_test_seal
    if seal.revoked_at is not None:
        report.add(
            "trust",
            False,
            _("The seal's certificate was revoked on %(date)s.") % {"date": seal.revoked_at.date().isoformat()},
            "certificate_revoked",
        )
        return
    if seal.issuer.did != issuer_id:
        report.add(
            "issuer",
            False,
            _("The seal's certificate is installed for %(other)s, not for the credential's issuer.")
            % {"other": seal.issuer.name},
            "certificate_other_issuer",
        )
        return
    if seal.is_test_seal:
        report.add(
            "trust",
            True,
            _("Sealed with %(issuer)s's TEST SEAL: not a qualified electronic seal.") % {"issuer": seal.issuer.name},
        )
    else:
        report.add("trust", True, _("The seal certificate installed for %(issuer)s.") % {"issuer": seal.issuer.name})


def _status_check(report: SealReport, facts) -> None:
    if not facts.statuses:
        report.add("status", True, _("The credential has no revocation status (it cannot be revoked)."))
        return
    for entry in facts.statuses:
        if not entry.is_bitstring_entry or len(entry.list_urls) != 1 or len(entry.indexes) != 1:
            report.add("status", None, _("The credential's status entry cannot be checked."), "status_unknown")
            continue
        index = entry.indexes[0]
        if not (index.isascii() and index.isdigit()) or len(index) > 12:
            report.add("status", False, _("The status list index is not valid."), "status_invalid")
            continue
        answer = resolve_status(
            StatusQuery(
                url=entry.list_urls[0],
                index=int(index),
                purpose=(entry.purposes or ("revocation",))[0],
                issuer_id=report.issuer_id,
            )
        )
        code = {True: "", False: "credential_revoked" if answer.state in ("revoked", "suspended") else "status_invalid"}
        report.add("status", answer.passed, answer.message, code.get(answer.passed, "status_unknown"))


def verify_sealed_elm(data: bytes | str, *, now: datetime | None = None) -> SealReport:
    """Verify a sealed ELM credential: the JAdES signature with the seal's certificate, the payload (an ELM
    credential read with the pinned contexts), the chain and its validity at the signing time and now, that the
    certificate belongs to the credential's issuer (certificates.belongs_to), the platform's revocation flag on
    the certificate, and the credential's revocation status (the Bitstring Status List entry)."""
    now = now or datetime.now(UTC)
    report = SealReport()
    try:
        parsed = jades.parse_and_check_signature(data)
    except jades.JadesError as exc:
        code, message = exc.code, exc.message
        if code == "bad_signature" and exc.__cause__ is not None:
            payload = json.loads(data)["payload"]
            if _payload_as_issued(payload) is False:
                code = "tampered_payload"
                message = _("The sealed credential was changed after sealing: the seal no longer matches it.")
        report.add("signature", False, message, code)
        return report
    report.signing_time = parsed.signing_time
    report.certificate_subject = certificates.subject_text(parsed.leaf)
    report.add("signature", True, _("The seal's signature verifies with the key of its certificate."))
    read = _read_payload(report, parsed.payload)
    if read is None:
        return report
    facts, quads = read
    _validity_checks(report, parsed, now)
    legal_identifier = _legal_identifier_in(quads, report.issuer_id)
    if not certificates.belongs_to(parsed.leaf, did=report.issuer_id, legal_identifier=legal_identifier):
        report.add(
            "issuer",
            False,
            _("The seal's certificate is not the issuer's: it names neither %(issuer)s nor its legal identifier.")
            % {"issuer": report.issuer_id or "?"},
            "certificate_other_issuer",
        )
    else:
        report.add("issuer", True, _("The seal's certificate names the credential's issuer."))
    _trust_check(report, parsed, report.issuer_id)
    _status_check(report, facts)
    return report


# --- key custody ---------------------------------------------------------------------------------------------


@transaction.atomic
def reseal_seal_keys(*, actor=None) -> int:
    """Re-seal every seal key still under a previous KEK (CREDENTIAL_KEK_PREVIOUS) under CREDENTIAL_KEK, all or
    nothing, as credentials.services.key_custody.rotate_kek does for issuer keys (run both during a KEK rotation).
    Returns how many were re-sealed; audited as a KEK rotation."""
    current = keys.get_kek()
    current_id = keys.kek_id(current)
    seals = list(SealCertificate.objects.select_for_update(of=("self",)).select_related("issuer").order_by("pk"))
    opened = [
        (seal, keys.unseal(seal.sealed_private_key, seal.associated_data))
        for seal in seals
        if keys.sealed_kek_id(seal.sealed_private_key) != current_id
    ]  # every key opens before one is written
    for seal, der in opened:
        seal.sealed_private_key = keys.seal(der, seal.associated_data, current)
        seal.save(update_fields=["sealed_private_key"])
    if opened:
        record_audit_event(
            actor=actor,
            action="credential_kek.rotated",
            summary=f"{len(opened)} seal keys re-sealed under KEK id {current_id}",
            changes={"kek_id": current_id, "seal_certificates": [seal.fingerprint_sha256 for seal, _ in opened]},
        )
    return len(opened)


# --- Certification authorities trusted for other issuers' seals ----------------------------------------------


@transaction.atomic
def add_trusted_seal_authority(*, name: str, certificate_pem: bytes | str, actor=None) -> TrustedSealAuthority:
    """Trust seals issued under this CA certificate (checked: one PEM certificate, a CA, valid now). Audited."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the authority a name (as its trust service provider calls itself)."))
    try:
        chain = certificates.load_chain_pem(certificate_pem)
    except certificates.CertificateError as exc:
        raise ValidationFailed(str(exc)) from exc
    if len(chain) != 1:
        raise ValidationFailed(_("Upload exactly one CA certificate (PEM), not %(n)d.") % {"n": len(chain)})
    problem = certificates.authority_problem(chain[0], at=datetime.now(UTC))
    if problem:
        raise ValidationFailed(problem)
    fingerprint = certificates.fingerprint(chain[0])
    if TrustedSealAuthority.objects.filter(fingerprint_sha256=fingerprint).exists():
        raise ValidationFailed(_("This certificate is already a trusted seal authority."))
    authority = TrustedSealAuthority.objects.create(
        name=name[:200],
        certificate_pem=certificates.chain_to_pem(chain),
        fingerprint_sha256=fingerprint,
        subject=certificates.subject_text(chain[0])[:500],
        not_after=chain[0].not_valid_after_utc,
    )
    record_audit_event(
        actor=actor,
        action="seal_authority.added",
        target=authority,
        summary=f"Seals issued under {authority.name} trusted",
        changes={"fingerprint_sha256": fingerprint, "subject": authority.subject},
    )
    return authority


@transaction.atomic
def set_trusted_seal_authority_enabled(authority: TrustedSealAuthority, enabled: bool, *, actor=None) -> None:
    """Stop (or start again) trusting seals issued under ``authority``. Audited when it changes."""
    if authority.enabled == enabled:
        return
    authority.enabled = enabled
    authority.save(update_fields=["enabled"])
    record_audit_event(
        actor=actor,
        action="seal_authority.changed",
        target=authority,
        summary=f"{authority.name}: {'trusted' if enabled else 'no longer trusted'}",
        changes={"enabled": [not enabled, enabled]},
    )
