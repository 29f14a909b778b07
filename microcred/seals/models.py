"""An issuer's electronic-seal certificate: the X.509 chain and the sealed private key that seal its ELM credentials.

The seal is the Europass way of signing an ELM credential (a JAdES signature, ETSI TS 119 182-1; jades.py). In
production it is a qualified certificate for electronic seals issued to the university by a qualified trust
service provider (eIDAS Regulation (EU) No 910/2014, articles 35 to 40); the embedded default is a self-signed
*test seal* (``is_test_seal``), which no one should trust. Holds no personal data: the certificate names an
organisation.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from microcred.credentials.models import Issuer


class SealCertificate(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="seal_certificates")
    chain_pem = models.TextField(
        _("certificate chain (PEM)"), help_text=_("The seal's certificate first, then each issuing CA.")
    )
    # The P-256 private key (PKCS#8 DER) sealed with AES-256-GCM under the KEK, as issuer keys are
    # (credentials/keys.py); the associated data names this issuer and the certificate's fingerprint.
    sealed_private_key = models.TextField(editable=False)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint of the certificate"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    issuer_name = models.CharField(_("issued by"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=100)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    is_test_seal = models.BooleanField(
        _("test seal"), default=False, help_text=_("Self-signed by the platform: not a qualified electronic seal.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Seals new ELM credentials (one per issuer)."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seal certificate")
        verbose_name_plural = _("seal certificates")
        ordering = ["issuer__slug", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"], condition=Q(active=True), name="seals_one_active_certificate_per_issuer"
            )
        ]

    def __str__(self) -> str:
        kind = " (test seal)" if self.is_test_seal else ""
        return f"{self.issuer.slug}: {self.subject}{kind}"

    def __repr__(self) -> str:  # never show the sealed value
        return f"<SealCertificate {self.pk} {self.issuer_id} {self.fingerprint_sha256[:16]}>"

    @property
    def associated_data(self) -> str:
        return f"microcred:seal-key:v1:{self.issuer.slug}:{self.fingerprint_sha256}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class TrustedSealAuthority(models.Model):
    """A certification authority whose seal certificates this platform trusts for other issuers' sealed ELM
    credentials: in production, the CA certificates of qualified trust service providers on the EU Trusted Lists
    (eIDAS art. 22) that the alliance admin installs, since the lists are not read offline. A seal whose chain
    ends at (or is issued by) an enabled authority passes the trust check; the certificate must still name the
    credential's issuer. Holds no personal data: it names an organisation."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("CA certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint of the certificate"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    not_after = models.DateTimeField(_("valid until"))
    enabled = models.BooleanField(_("trusted"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted seal authority")
        verbose_name_plural = _("trusted seal authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
