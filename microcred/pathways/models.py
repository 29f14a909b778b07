"""Stackable pathways (policy 5.12; issue #12): approved micro-credentials that add up to something larger.

A Pathway is the stable identity (its address, published or retired); each approval produces a PathwayVersion
holding what was approved: title, description, the universities behind it, the issuer of its credential, the
rule (rules.py, stored in its JSON form) and the components (PathwayComponent: each micro-credential with the
version current at approval, pinned). Versions are never changed or deleted: awarded pathway credentials point
to them.

A pathway is proposed and reviewed like a micro-credential (the proposals app's workflow, proposal type
``pathway``): the proposal's common fields (title, description, the proposing/lead university, co-leads,
financial implications) live in its ProposalVersion; what only a pathway has (the rule, "only the pinned
versions count") lives in PathwayDraft, one per proposal version; PathwayProposal ties a change proposal to the
pathway it changes.

Who issues a pathway credential (``PathwayVersion.issued_by_alliance``, decided at approval by
``pathway_issued_by_alliance``): the lead university only when it alone is behind the pathway and it issues
every component itself (formal micro-credentials it accredits, policy 7.10); otherwise the alliance's central
issuer, as for non-formal micro-credentials (policy 7.20.3): a pathway across universities is the alliance's.
The fields are named as on MicroCredentialVersion (``awarding_institution``, ``issued_by_alliance``) so that
credentials' ``issuer_for_version`` reads either.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT, SECTION_TEXT
from microcred.pathways import rules


def _empty_rule() -> dict:
    return {"requirements": []}


class Pathway(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retirement_reason = models.TextField(_("why it was retired"), blank=True, max_length=COMMENT_TEXT)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["published", "retired"]), name="pathway_status_valid"),
        ]

    def __str__(self) -> str:
        current = self.current_version
        return current.title if current else self.slug

    @property
    def current_version(self):
        """The version approved last (is_current), or None before the first approval."""
        cached = getattr(self, "_current_version", None)
        if cached is None:
            cached = self.versions.filter(is_current=True).first() or self.versions.order_by("-number").first()
            self._current_version = cached
        return cached

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PathwayVersion(models.Model):
    class Source(models.TextChoices):
        WORKFLOW = "workflow", _("Approved through the platform's workflow")
        IMPORTED = "imported", _("Approved outside the platform and imported")

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=SECTION_TEXT)
    # The universities behind it: the lead (proposing) university, then the co-leads (policy 5.10, 5.11).
    awarding_institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead university")
    )
    co_lead_institutions = models.ManyToManyField(
        "reference.Institution", blank=True, related_name="+", verbose_name=_("co-leading universities")
    )
    issued_by_alliance = models.BooleanField(
        _("issued centrally by the alliance"),
        help_text=_(
            "The lead university issues the pathway credential only when it alone is behind the pathway and "
            "issues every component itself; otherwise the alliance issues it."
        ),
    )
    # The rule in its JSON form (rules.parse reads it; rules.Rule.as_json wrote it).
    rule = models.JSONField(_("rule"))
    # Policy: the council may say "only the pinned versions count"; otherwise later versions of a component count.
    pinned_only = models.BooleanField(
        _("only the pinned versions of the components count"),
        default=False,
        help_text=_("Otherwise a credential for a later version of a component counts too."),
    )
    # The fewest ECTS that complete the rule with the pinned versions' ECTS (rules.minimum_ects), for listings.
    minimum_ects = models.DecimalField(_("at least (ECTS)"), max_digits=5, decimal_places=1, null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WORKFLOW)
    approval_note = models.TextField(_("where and when it was approved"), blank=True, max_length=COMMENT_TEXT)
    # The proposal it was approved from; empty only for an imported pathway (source = imported).
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposal_version = models.OneToOneField(
        "proposals.ProposalVersion",
        on_delete=models.PROTECT,
        related_name="pathway_version",
        null=True,
        blank=True,
    )
    # The version the catalogue lists (one per pathway: the last approved).
    is_current = models.BooleanField(_("current version"), default=False, db_index=True)
    # Catalogue search (derived from the title, description, universities and components; rebuilt, never edited).
    search_text = models.TextField(_("search text"), blank=True, default="")

    class Meta:
        ordering = ["pathway", "number"]
        verbose_name = _("pathway version")
        verbose_name_plural = _("pathway versions")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="pathway_version_unique"),
            models.UniqueConstraint(
                fields=["pathway"], condition=Q(is_current=True), name="one_current_version_per_pathway"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="pathway_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def parsed_rule(self) -> rules.Rule:
        return rules.parse(self.rule)

    def universities(self) -> list:
        """The lead university first, then the co-leads."""
        return [self.awarding_institution, *self.co_lead_institutions.all()]

    def university_ids(self) -> set[int]:
        return {self.awarding_institution_id, *self.co_lead_institutions.values_list("pk", flat=True)}


class PathwayComponent(models.Model):
    """A micro-credential of a pathway version, with the version of it current when the pathway was approved."""

    pathway_version = models.ForeignKey(PathwayVersion, on_delete=models.PROTECT, related_name="components")
    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential", on_delete=models.PROTECT, related_name="pathway_components"
    )
    micro_credential_version = models.ForeignKey(
        "catalogue.MicroCredentialVersion",
        on_delete=models.PROTECT,
        related_name="pathway_components",
        verbose_name=_("version pinned at approval"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pathway_version", "order"]
        verbose_name = _("pathway component")
        verbose_name_plural = _("pathway components")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway_version", "micro_credential"], name="pathway_component_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_version}: {self.micro_credential_version}"


class PathwayProposal(models.Model):
    """A proposal of type ``pathway``; for a change proposal, the pathway it changes."""

    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.CASCADE, related_name="pathway_proposal")
    changes_pathway = models.ForeignKey(
        Pathway,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_proposals",
        verbose_name=_("changes the pathway"),
    )

    class Meta:
        verbose_name = _("pathway proposal")
        verbose_name_plural = _("pathway proposals")


class PathwayDraft(models.Model):
    """What only a pathway proposal has, for one proposal version: its rule and whether only pinned versions count.

    A later proposal version without its own draft reads the draft of the one before it (selectors.draft_for)."""

    proposal_version = models.OneToOneField(
        "proposals.ProposalVersion", on_delete=models.CASCADE, related_name="pathway_draft"
    )
    rule = models.JSONField(_("rule"), default=_empty_rule, blank=True)
    pinned_only = models.BooleanField(_("only the pinned versions of the components count"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pathway draft")
        verbose_name_plural = _("pathway drafts")


def pathway_issued_by_alliance(
    lead_institution_id: int, co_lead_ids: Iterable[int], component_versions: Iterable
) -> bool:
    """Whether the alliance issues the pathway credential (see the module's docstring): False only when the lead
    university is alone behind it and issues every component itself."""
    if set(co_lead_ids) - {lead_institution_id}:
        return True
    versions = list(component_versions)
    if not versions:
        return True
    return any(v.issued_by_alliance or v.awarding_institution_id != lead_institution_id for v in versions)


# The awards (award_models.py: the learner side, issue #12 item 4), registered with this app's models.
from microcred.pathways.award_models import AwardRun, PathwayAward  # noqa: E402, F401
