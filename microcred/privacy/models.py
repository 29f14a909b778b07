"""The privacy notice (GDPR Art. 13) as versioned data, and which version each person was shown.

* PrivacyNotice: one version. A draft is edited by the alliance admin; publishing gives it the next version
  number and freezes it: a published version and its texts are never changed or deleted (refused here, in the
  admin, and by database triggers), so the text a person was shown can always be shown again at /privacy/v<N>/.
* PrivacyNoticeText: the notice in one interface language (sections as JSON, checked by `content.check_text`).
* NoticeReceipt: that a person was shown (or agreed to) a version, when, in which language and on which occasion
  (registration, the first single sign-on, reading it while logged in, agreeing to it). The controller must be
  able to show what information was given (Art. 5(2), accountability; Art. 7(1) for consent).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedNoticeIsFinal(RuntimeError):
    """A published privacy notice (or one of its texts) was about to be changed or deleted."""


class PrivacyNotice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Origin(models.TextChoices):
        FILE = "file", _("the shipped reference data")
        ADMIN = "admin", _("the alliance admin")

    version = models.PositiveIntegerField(_("version"), null=True, blank=True, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    origin = models.CharField(
        _("written by"), max_length=10, choices=Origin.choices, default=Origin.ADMIN, editable=False
    )
    to_confirm = models.JSONField(
        _("still to confirm"),
        default=list,
        blank=True,
        help_text=_("Sections whose values the alliance has not yet confirmed; the public page marks them."),
    )
    requires_consent = models.BooleanField(
        _("asks for consent"),
        default=False,
        editable=False,
        help_text=_("A purpose relies on consent: people must agree to this version before they go on."),
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("based on")
    )
    note = models.CharField(_("internal note"), max_length=200, blank=True, help_text=_("Only admins see it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = [models.F("version").desc(nulls_first=True), "-created_at"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", version__isnull=True, published_at__isnull=True)
                | Q(status="published", version__isnull=False, published_at__isnull=False),
                name="privacy_notice_version_iff_published",
            ),
        ]

    def __str__(self) -> str:
        if self.is_published:
            return str(_("Privacy notice, version %(version)d") % {"version": self.version})
        return str(_("Privacy notice, draft #%(id)s") % {"id": self.pk})

    def save(self, *args, **kwargs):
        if self._stored_as_published():
            raise PublishedNoticeIsFinal("A published privacy notice is never changed: make a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_as_published():
            raise PublishedNoticeIsFinal("A published privacy notice is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _stored_as_published(self) -> bool:
        return self.pk is not None and PrivacyNotice.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()


class PrivacyNoticeText(models.Model):
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    content = models.JSONField(_("sections"))

    class Meta:
        ordering = ["notice", "language"]
        verbose_name = _("privacy notice text")
        verbose_name_plural = _("privacy notice texts")
        constraints = [models.UniqueConstraint(fields=["notice", "language"], name="privacy_text_one_per_language")]

    def __str__(self) -> str:
        return f"{self.notice} ({self.language})"

    def save(self, *args, **kwargs):
        if self._notice_published():
            raise PublishedNoticeIsFinal("The texts of a published privacy notice are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._notice_published():
            raise PublishedNoticeIsFinal("The texts of a published privacy notice are never deleted.")
        return super().delete(*args, **kwargs)

    def _notice_published(self) -> bool:
        return PrivacyNotice.objects.filter(pk=self.notice_id, status=PrivacyNotice.Status.PUBLISHED).exists()


class NoticeReceipt(models.Model):
    class Occasion(models.TextChoices):
        REGISTRATION = "registration", _("shown when the account was created")
        SINGLE_SIGN_ON = "single_sign_on", _("linked from the log-in page when single sign-on created the account")
        READ = "read", _("read while logged in")
        CONSENT = "consent", _("agreed to")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_receipts")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="receipts")
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    language = models.CharField(_("language shown"), max_length=10)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("privacy notice shown")
        verbose_name_plural = _("privacy notices shown")
        indexes = [models.Index(fields=["user", "-at"], name="privacy_receipt_user_at")]

    def __str__(self) -> str:
        return f"user #{self.user_id}: {self.notice} ({self.occasion})"
