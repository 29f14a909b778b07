"""Share links: a learner shares one credential by an unguessable link they can withdraw at any time. Credentials
from other issuers the learner added to her wallet (ReceivedCredential)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShareLink(models.Model):
    credential = models.ForeignKey("credentials.IssuedCredential", on_delete=models.CASCADE, related_name="share_links")
    # SHA-256 of the token: the token itself is only ever in the learner's link, never in the database.
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(
        _("note for yourself"),
        max_length=100,
        blank=True,
        help_text=_("For example who you sent it to. Only you see it."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share link #{self.pk}"

    @property
    def is_active(self) -> bool:
        if self.withdrawn_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class ReceivedCredential(models.Model):
    """A credential another issuer gave the learner, which she added to her wallet after our verifier accepted it
    (issue #18: receiving). Kept as she gave it, with what the verifier found then and at the last re-check.

    ``document`` is the credential as given: the JSON text of an Open Badges 3.0 credential (from a badge image,
    the credential baked in it), the compact SD-JWT VC, or the sealed European Learning Model credential. The
    issuer, title and date are read from its verified data, never from the learner. ``subject_basis`` says how we
    know it is hers (wallet.receiving: her e-mail address or name in the credential, or her own confirmation).
    """

    class Kind(models.TextChoices):
        OB3 = "ob3", _("Open Badges 3.0")
        SD_JWT_VC = "sd_jwt_vc", _("SD-JWT VC")
        SEALED_ELM = "sealed_elm", _("Sealed European Learning Model credential")

    class SubjectBasis(models.TextChoices):
        EMAIL = "email", _("Your e-mail address is in the credential")
        DID = "did", _("Its subject is the DID in your account")
        NAME = "name", _("Your name is in the credential")
        CONFIRMED = "confirmed", _("You confirmed it was issued to you")

    class Result(models.TextChoices):
        # Every check that decides passed; the issuer may be outside the alliance (wallet.receiving.accepted).
        VERIFIED = "verified", _("Verified")
        INVALID = "invalid", _("Not valid")
        COULD_NOT_CHECK = "could_not_check", _("Could not be checked")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_credentials")
    kind = models.CharField(_("format"), max_length=20, choices=Kind.choices)
    document = models.TextField(_("the credential as given"))
    # SHA-256 of the credential (wallet.receiving.digest_of): the same credential is added once per learner.
    digest = models.CharField(max_length=64)
    credential_id = models.CharField(_("credential id"), max_length=500, blank=True)
    issuer_id = models.CharField(_("issuer id"), max_length=500, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    subject_basis = models.CharField(_("issued to you because"), max_length=20, choices=SubjectBasis.choices)
    # The verification: when added, then at each re-check (the latest).
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reason = models.TextField(_("reason"), blank=True)
    checks = models.JSONField(_("checks"), default=list)
    checked_at = models.DateTimeField(_("verified on"))
    added_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name = _("credential from another issuer")
        verbose_name_plural = _("credentials from other issuers")
        constraints = [
            models.UniqueConstraint(fields=["learner", "digest"], name="wallet_received_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["ob3", "sd_jwt_vc", "sealed_elm"]), name="wallet_received_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=["verified", "invalid", "could_not_check"]),
                name="wallet_received_result",
            ),
        ]

    def __str__(self) -> str:
        return f"received credential #{self.pk}"

    @property
    def is_verified(self) -> bool:
        return self.result == self.Result.VERIFIED
