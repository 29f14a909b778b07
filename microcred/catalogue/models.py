"""Approved micro-credentials and their versions (the output of the approval workflow).

A MicroCredential is the stable identity; each approval produces a MicroCredentialVersion holding
every Annex 1 element as it was approved. Versions are never changed or deleted: issued credentials
point to them.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MicroCredential(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retirement_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("micro-credential")
        verbose_name_plural = _("micro-credentials")

    def __str__(self) -> str:
        current = self.current_version
        return current.title if current else self.slug

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class MicroCredentialVersion(models.Model):
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="+")
    proposal_version = models.OneToOneField(
        "proposals.ProposalVersion", on_delete=models.PROTECT, related_name="micro_credential_version"
    )
    approved_at = models.DateTimeField(_("approved at"))
    # Denormalised for listing and search; the full record is `annex1`.
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    credential_type = models.CharField(_("credential type"), max_length=30)
    ects = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), null=True, blank=True)
    awarding_institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("awarding body")
    )
    issued_by_alliance = models.BooleanField(
        _("issued centrally by the alliance"),
        help_text=_("Non-formal micro-credentials and participation badges are issued centrally (policy 7.20.3)."),
    )
    skills = models.ManyToManyField("reference.EscoSkill", blank=True, related_name="+")
    annex1 = models.JSONField(_("Annex 1 elements and the rest of the approved record"))

    class Meta:
        ordering = ["micro_credential", "number"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "number"], name="micro_credential_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="micro_credential_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"
