"""The pathway credentials awarded (issue #12, item 4), and the background runs that award them to a cohort.

Imported by models.py (Django finds an app's models there). PathwayAward is one per learner and pathway version
(a database constraint): two awards racing yield one row and one credential (whose completion key is unique too).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PathwayAward(models.Model):
    class Trigger(models.TextChoices):
        AUTOMATIC = "automatic", _("When the last component was issued")
        RETROACTIVE = "retroactive", _("Awarded afterwards (command or officer)")

    class Review(models.TextChoices):
        NONE = "", _("Nothing to review")
        PENDING = "pending", _("A component was revoked: to decide")
        KEPT = "kept", _("Kept after a component was revoked")
        REVOKED = "revoked", _("Revoked after a component was revoked")

    pathway_version = models.ForeignKey(
        "pathways.PathwayVersion", on_delete=models.PROTECT, related_name="awards", verbose_name=_("pathway version")
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pathway_awards", verbose_name=_("learner")
    )
    credential = models.OneToOneField(
        "credentials.IssuedCredential", on_delete=models.PROTECT, related_name="pathway_award"
    )
    # The component credentials (IssuedCredential pks) that completed the rule, named in the credential's evidence.
    evidence = models.JSONField(_("component credentials"), default=list)
    trigger = models.CharField(_("awarded"), max_length=20, choices=Trigger.choices, default=Trigger.AUTOMATIC)
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, blank=True, default="")
    revoked_components = models.JSONField(_("component credentials revoked since"), default=list, blank=True)
    review_flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        verbose_name = _("pathway award")
        verbose_name_plural = _("pathway awards")
        constraints = [
            models.UniqueConstraint(fields=["pathway_version", "learner"], name="pathway_award_once_per_learner"),
            models.CheckConstraint(
                condition=Q(review__in=["", "pending", "kept", "revoked"]), name="pathway_award_review_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_version} → learner {self.learner_id}"


class AwardRun(models.Model):
    """Awarding a pathway's credentials to everyone who already completed it (retroactive award), in the
    background, with its progress. One queued or running run per pathway version."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Finished with errors")

    pathway_version = models.ForeignKey("pathways.PathwayVersion", on_delete=models.PROTECT, related_name="award_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    awarded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway_version"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_award_run_per_pathway_version",
            ),
        ]

    def __str__(self) -> str:
        return f"award run #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.processed / self.total)
