"""Approved micro-credentials and their versions (the output of the approval workflow), and the public catalogue.

A MicroCredential is the stable identity; each approval produces a MicroCredentialVersion holding
every Annex 1 element as it was approved. Versions are never changed or deleted: issued credentials
point to them. The catalogue adds, next to each version, derived data that it may rebuild at any
time (search text, search document, facet rows), translations of the content fields, and the
communication office's category overviews.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from microcred.catalogue import kinds
from microcred.catalogue.annex import AnnexOne
from microcred.core.text import COMMENT_TEXT, DOCUMENT_TEXT, SECTION_TEXT


class MicroCredential(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retirement_reason = models.TextField(blank=True, max_length=COMMENT_TEXT)

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

    class Source(models.TextChoices):
        WORKFLOW = "workflow", _("Approved through the platform's workflow")
        IMPORTED = "imported", _("Approved outside the platform and imported")

    # Empty only for records approved before the platform existed (source = imported).
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposal_version = models.OneToOneField(
        "proposals.ProposalVersion",
        on_delete=models.PROTECT,
        related_name="micro_credential_version",
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.WORKFLOW)
    approval_note = models.TextField(_("where and when it was approved"), blank=True, max_length=COMMENT_TEXT)
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
    # Relations copied from the approved record, for filtering.
    co_lead_institutions = models.ManyToManyField(
        "reference.Institution", blank=True, related_name="+", verbose_name=_("co-leading universities")
    )
    content_areas = models.ManyToManyField(
        "reference.ContentArea", blank=True, related_name="+", verbose_name=_("content areas")
    )
    # Catalogue index (derived; rebuilt by microcred.catalogue.indexing, never edited by hand).
    is_current = models.BooleanField(_("current version"), default=False, db_index=True)
    search_text = models.TextField(_("search text"), blank=True, default="")
    search_document = SearchVectorField(null=True, blank=True)

    class Meta:
        ordering = ["micro_credential", "number"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "number"], name="micro_credential_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="micro_credential_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def annex(self) -> AnnexOne:
        """The approved record as a typed value (read from `annex1` each time: the record never changes)."""
        return AnnexOne.from_json(self.annex1)

    @property
    def credential_kind(self) -> str:
        """Formal, non-formal or participation badge (`catalogue.kinds.credential_kind`)."""
        return kinds.credential_kind(self.kind, self.credential_type)

    @property
    def is_participation_badge(self) -> bool:
        return kinds.is_participation_badge(self.credential_type)

    def universities(self) -> list:
        """The awarding university, then the co-leading ones (`version_universities`)."""
        return version_universities(self)

    def university_ids(self) -> set[int]:
        """The ids of the awarding and co-leading universities: who may offer, assess and change it."""
        return {self.awarding_institution_id, *self.co_lead_institutions.values_list("pk", flat=True)}


def version_universities(version) -> list:
    """A micro-credential version's universities: the awarding one first, then its co-leads (policy 5.10, 5.11).

    `co_lead_institutions` is the truth for every version, whether approved through the workflow (copied
    from the proposal's co-leads when published) or imported (given when imported; such a version has no
    proposal). A plain function, so that migrations can call it with their historical models.
    """
    return [version.awarding_institution, *version.co_lead_institutions.all()]


class CatalogueFacet(models.Model):
    """One (facet, value) of a version, e.g. ("lang", "en"): the rows facet counts are computed from."""

    class Facet(models.TextChoices):
        AREA = "area", _("Content area")
        SKILL = "skill", _("ESCO skill")
        EQF = "eqf", _("EQF level")
        LANGUAGE = "lang", _("Language")
        FORM = "form", _("Form of participation")
        UNIVERSITY = "university", _("University")
        KIND = "kind", _("Kind")

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20, choices=Facet.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "facet", "value"], name="catalogue_facet_unique"),
        ]
        indexes = [models.Index(fields=["facet", "value", "version"], name="catalogue_facet_lookup")]


class MicroCredentialTranslation(models.Model):
    """The content fields of one version in another language (the approved record stays as it was)."""

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=SECTION_TEXT)
    learning_outcomes = models.JSONField(_("learning outcomes"), default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="micro_credential_translation_unique"),
        ]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.version} [{self.language}]"


class CategoryOverview(models.Model):
    """A page the communication office writes about one part of the offer (policy 7.21)."""

    class Scope(models.TextChoices):
        FORMAL = "formal", _("Formal micro-credentials")
        NON_FORMAL = "non_formal", _("Non-formal micro-credentials")
        PARTICIPATION = "participation_badge", _("Participation badges")
        CONTENT_AREA = "content_area", _("A content area")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    body = models.TextField(
        _("text"),
        max_length=DOCUMENT_TEXT,
        help_text=_("Sanitised HTML: headings, paragraphs, lists, links, emphasis."),
    )
    scope = models.CharField(_("scope"), max_length=30, choices=Scope.choices)
    content_area = models.ForeignKey(
        "reference.ContentArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("content area"),
    )
    featured = models.ManyToManyField(
        MicroCredential, blank=True, related_name="featured_in", verbose_name=_("featured micro-credentials")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("category overview")
        verbose_name_plural = _("category overviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="content_area", content_area__isnull=False) | ~Q(scope="content_area"),
                name="category_overview_area_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title
