"""OpenID4VCI pre-authorized code flow state (README.md in this folder).

* CredentialOffer: one offer of one issued credential to a wallet, made by its holder, passed by reference
  (credential_offer_uri). Holds the pre-authorized code (hashed; single use, short-lived) and the optional
  transaction code (keyed hash, limited attempts).
* AccessToken: what the token endpoint hands out for a redeemed offer (hashed, short-lived, bound to it).
* Delivery: one credential response, with the holder key the wallet proved possession of and the
  holder-bound copy it received (credentials.HolderBoundCredential). Its `nonce_hash` is unique, so a
  c_nonce is accepted at most once and one delivery never yields two copies.

No secret is stored in clear: codes and tokens are only ever in the learner's page or the wallet.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CredentialOffer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.ForeignKey(
        "credentials.IssuedCredential", on_delete=models.CASCADE, related_name="wallet_offers"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The credential configurations offered (metadata.CONFIGURATION_IDS), separated by spaces, in offer order.
    configuration_id = models.CharField(max_length=100)
    # SHA-256 (hex) of the random handle in the offer's credential_offer_uri. The pre-authorized code is
    # derived from the handle (HMAC with SECRET_KEY), so neither is stored in clear.
    handle_hash = models.CharField(max_length=64, unique=True)
    # SHA-256 (hex) of the pre-authorized code.
    code_hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA-256 (hex, keyed with SECRET_KEY and `tx_code_salt`) of the transaction code; empty = none asked.
    tx_code_hash = models.CharField(max_length=64, blank=True)
    tx_code_salt = models.CharField(max_length=32, blank=True)
    tx_code_length = models.PositiveSmallIntegerField(null=True, blank=True)
    tx_code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["credential", "created_at"], name="oid4vci_offer_cred_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(tx_code_hash="") | Q(tx_code_length__isnull=False), name="oid4vci_tx_code_has_length"
            ),
        ]
        verbose_name = _("wallet credential offer")
        verbose_name_plural = _("wallet credential offers")

    def __str__(self) -> str:
        return f"wallet offer {self.public_id}"

    @property
    def configuration_ids(self) -> list[str]:
        return self.configuration_id.split()

    @property
    def has_tx_code(self) -> bool:
        return bool(self.tx_code_hash)

    @property
    def is_open(self) -> bool:
        return self.redeemed_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()


class AccessToken(models.Model):
    offer = models.ForeignKey(CredentialOffer, on_delete=models.CASCADE, related_name="access_tokens")
    # SHA-256 (hex) of the bearer token.
    token_hash = models.CharField(max_length=64, unique=True)
    # Set when the token request used authorization_details: the credential request must then name it.
    credential_identifier = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wallet access token")
        verbose_name_plural = _("wallet access tokens")

    def __str__(self) -> str:
        return f"access token #{self.pk} of {self.offer}"


class Delivery(models.Model):
    class Binding(models.TextChoices):
        DID_KEY = "did:key", "did:key"
        JWK = "jwk", "jwk"

    offer = models.ForeignKey(CredentialOffer, on_delete=models.CASCADE, related_name="deliveries")
    access_token = models.ForeignKey(AccessToken, on_delete=models.SET_NULL, null=True, related_name="deliveries")
    credential = models.ForeignKey(
        "credentials.IssuedCredential", on_delete=models.CASCADE, related_name="wallet_deliveries"
    )
    configuration_id = models.CharField(max_length=100)
    delivered_at = models.DateTimeField(auto_now_add=True)
    # The holder key the wallet proved possession of (a public key: pseudonymous, never written to logs):
    # how it was named in the proof (`kid` did:key or `jwk`), and the DID the credential was bound to.
    binding_method = models.CharField(max_length=10, choices=Binding.choices)
    holder_did = models.CharField(max_length=500, blank=True)
    holder_jwk = models.JSONField(default=dict)
    holder_jwk_thumbprint = models.CharField(max_length=64)
    proof_alg = models.CharField(max_length=10)
    # SHA-256 (hex) of the c_nonce the proof carried: unique, so every c_nonce is good for one delivery.
    nonce_hash = models.CharField(max_length=64, unique=True)
    # What the wallet received: the copy bound to `holder_did`. Empty for an SD-JWT VC (`configuration_id`
    # MicroCredential_dc_sd_jwt: bound through cnf.jwk = `holder_jwk`, its status the original's own entry) and
    # for deliveries made before credentials were bound (the original was sent as issued). Copies outlive
    # deliveries: they hold a status entry that must stay revocable.
    bound_credential = models.ForeignKey(
        "credentials.HolderBoundCredential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )

    class Meta:
        ordering = ["-delivered_at"]
        verbose_name = _("wallet delivery")
        verbose_name_plural = _("wallet deliveries")

    def __str__(self) -> str:
        return f"delivery #{self.pk} of {self.offer}"

    @property
    def is_sd_jwt_vc(self) -> bool:
        """The wallet received the award as an SD-JWT VC (bound through cnf.jwk; no holder-bound copy)."""
        return self.configuration_id == "MicroCredential_dc_sd_jwt"

    @property
    def is_bound(self) -> bool:
        """What the wallet received is bound to the key it proved: a holder-bound copy, or an SD-JWT VC."""
        return self.bound_credential_id is not None or self.is_sd_jwt_vc

    @property
    def holder_short(self) -> str:
        """The wallet key for people: the DID's start and end (`did:key:z6Mkha…2doK`), or its JWK thumbprint's."""
        if self.holder_did:
            method, _sep, identifier = self.holder_did.rpartition(":")
            return f"{method}:{identifier[:6]}…{identifier[-4:]}" if len(identifier) > 12 else self.holder_did
        return f"JWK {self.holder_jwk_thumbprint[:8]}…"
