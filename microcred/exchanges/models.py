"""A VC-API exchange that delivers one issued credential to the DCC Learner Credential Wallet (README.md here).

The exchange URL (``/exchanges/<exchange id>``) is the capability the learner hands to their wallet through the
deep link: its random id is stored only as a SHA-256 hash, so neither a database reader nor a guesser can take
part in someone else's exchange. The ``challenge`` goes to whoever holds that URL (VC-API "Participate in an
exchange", the DID Authentication request) and must come back signed in the wallet's presentation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Exchange(models.Model):
    class State(models.TextChoices):
        # Made by the learner; the wallet has not called yet.
        PENDING = "pending", _("waiting for the wallet")
        # The wallet started it (POST {}) and was asked for DID Authentication.
        ACTIVE = "active", _("waiting for the wallet's DID authentication")
        # The credential was delivered, once.
        COMPLETE = "complete", _("credential delivered")
        # Replaced by a newer exchange of the same learner and credential (an exchange past expires_at is
        # expired too, without being written: see `current_state`).
        EXPIRED = "expired", _("expired")

    # SHA-256 (hex) of the random exchange id in the exchange URL.
    id_hash = models.CharField(max_length=64, unique=True)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(
        "credentials.IssuedCredential", on_delete=models.CASCADE, related_name="vcapi_exchanges"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Random; the wallet signs it into its presentation's proof (VC Data Integrity 1.0 §2.1 `challenge`).
    challenge = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # The wallet's DID (did:key) it authenticated with and the credential was bound to: pseudonymous personal
    # data, never written to the audit log.
    holder_did = models.CharField(max_length=500, blank=True)
    # What the wallet received: the copy bound to `holder_did` (as OpenID4VCI deliveries receive). Copies outlive
    # exchanges: they hold a status entry that must stay revocable.
    bound_credential = models.ForeignKey(
        "credentials.HolderBoundCredential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vcapi_exchanges",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["credential", "learner", "state"], name="exchanges_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="complete") | (Q(completed_at__isnull=False) & ~Q(holder_did="")),
                name="exchanges_complete_has_holder",
            ),
        ]
        verbose_name = _("wallet exchange (VC-API)")
        verbose_name_plural = _("wallet exchanges (VC-API)")

    def __str__(self) -> str:
        return f"VC-API exchange #{self.pk}"

    @property
    def current_state(self) -> str:
        """The state as it is now: an open exchange past its `expires_at` is expired."""
        if self.state in (self.State.PENDING, self.State.ACTIVE) and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.state

    @property
    def holder_short(self) -> str:
        method, _sep, identifier = self.holder_did.rpartition(":")
        return f"{method}:{identifier[:6]}…{identifier[-4:]}" if len(identifier) > 12 else self.holder_did
