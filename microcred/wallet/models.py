"""Share links: a learner shares one credential by an unguessable link they can withdraw at any time."""

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
