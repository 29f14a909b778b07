"""Proposals for micro-credentials, their versions, history, meetings and calls (policy 5–8, Appendix 2).

A Proposal is the case file; its content lives in ProposalVersion rows. Version 1 is the first
submission; a council's "request revisions" opens version 2, and so on. Only the current version is
editable, and only while the proposer holds the pen (draft, returned, revisions requested).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT, DOCUMENT_TEXT, SECTION_TEXT
from microcred.proposals.choices import CredentialType, Kind
from microcred.proposals.publishing import MICRO_CREDENTIAL


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_MANAGER = "awaiting_manager", _("Awaiting institutional approval")
    RETURNED = "returned", _("Returned to the proposer")
    SUBMITTED = "submitted", _("Submitted: completeness check")
    PANEL_REVIEW = "panel_review", _("Call panel review")
    READY_FOR_AGENDA = "ready_for_agenda", _("Complete: waiting for a council meeting")
    SCHEDULED = "scheduled", _("On the Academic Council agenda")
    REVISIONS_REQUESTED = "revisions_requested", _("Revisions requested")
    EXECUTIVE_REVIEW = "executive_review", _("Waiting for the Executive Board")
    EXECUTIVE_SCHEDULED = "executive_scheduled", _("On the Executive Board agenda")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The proposer may edit the current version only in these states.
EDITABLE_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.RETURNED, ProposalStatus.REVISIONS_REQUESTED})
CLOSED_STATUSES = frozenset({ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN})


class Call(models.Model):
    """An alliance-level call for proposals (policy 7.3), with a deadline and an optional panel review."""

    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), max_length=SECTION_TEXT)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateTimeField(_("deadline"))
    panel_review = models.BooleanField(_("panel review before the council"), default=False)
    panel_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="call_panels", verbose_name=_("panel members")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("proposer")
    )
    institution = models.ForeignKey(
        "reference.Institution",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("proposing university"),
        help_text=_("The proposer's university; its institutional manager approves the proposal (policy 7.4)."),
    )
    status = models.CharField(_("status"), max_length=30, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    # What approval publishes: the app that owns this type registered its publisher (publishing.py).
    proposal_type = models.CharField(_("proposal type"), max_length=40, default=MICRO_CREDENTIAL, editable=False)
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals", verbose_name=_("call")
    )
    changes_micro_credential = models.ForeignKey(
        "catalogue.MicroCredential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_proposals",
        verbose_name=_("changes the micro-credential"),
        help_text=_("Set for a change proposal to a published micro-credential."),
    )
    conditions = models.TextField(_("conditions of approval"), blank=True, max_length=COMMENT_TEXT)
    # Set when the step the proposal waits for needs a role nobody holds at its university (no institutional
    # manager, policy 7.4): the step then falls to the named fallback (workflow.FALLBACK: the board secretary)
    # and stays with it until taken, even if a manager is appointed meanwhile. Cleared by the next step.
    fell_to_fallback_at = models.DateTimeField(_("step fell to the fallback at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Incremented by every write; forms carry it so a stale submission is refused, not merged.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            models.UniqueConstraint(
                fields=["changes_micro_credential"],
                condition=Q(changes_micro_credential__isnull=False)
                & ~Q(status__in=sorted(s.value for s in CLOSED_STATUSES)),
                name="one_open_change_proposal_per_micro_credential",
            ),
        ]

    def __str__(self) -> str:
        version = self.current_version
        return f"{self.reference} {version.title if version else ''}".strip()

    @property
    def current_version(self):
        cached = getattr(self, "_current_version", None)
        if cached is None:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
            if prefetched is not None:  # a list of proposals fetched their versions at once
                cached = max(prefetched, key=lambda v: v.number, default=None)
            else:
                cached = self.versions.order_by("-number").first()
            self._current_version = cached
        return cached

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def proposer_ids(self) -> frozenset[int]:
        """The accounts that propose it: its proposer and its co-proposers (read once per instance)."""
        cached = getattr(self, "_proposer_ids", None)
        if cached is None:
            co = self.co_proposer_links.values_list("person_id", flat=True) if self.pk is not None else ()
            cached = self._proposer_ids = frozenset([self.proposer_id, *co])
        return cached

    @property
    def approving_institution_ids(self) -> list[int]:
        """The universities whose institutional approval it needs (policy 7.4): its own, then each co-proposer's,
        once each (read once per instance)."""
        cached = getattr(self, "_approving_institution_ids", None)
        if cached is None:
            cached = [self.institution_id]
            if self.pk is not None:
                for institution_id in self.co_proposer_links.values_list("institution_id", flat=True):
                    if institution_id not in cached:
                        cached.append(institution_id)
            self._approving_institution_ids = cached
        return cached


class CoProposer(models.Model):
    """A colleague who writes a proposal with its proposer (policy 7.4, "the proposer(s)"; 5.6.2.2, a micro-credential
    offered jointly by two universities or more). A co-proposer holds the proposer role at a member university, and
    is treated as the proposer is: sees the draft, edits, sends and revises it, is invited to its meetings, answers
    for its conditions, is e-mailed its steps, and never decides on it. Only the proposer adds and removes them,
    while the proposal is being written. Each proposes for a university (``institution``), whose institutional
    manager approves the proposal too (policy 7.4: every proposer has the approval of their own manager)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="co_proposer_links")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="co_proposals", verbose_name=_("co-proposer")
    )
    institution = models.ForeignKey(
        "reference.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("university"),
        help_text=_("The university the co-proposer proposes for: its institutional manager approves the proposal."),
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("co-proposer")
        verbose_name_plural = _("co-proposers")
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="co_proposer_once_per_proposal")]

    def __str__(self) -> str:
        return f"{self.person} ({self.proposal.reference})"


class InstitutionalApproval(models.Model):
    """One proposing university's approval of a proposal sent for institutional approval (policy 7.4): by its
    institutional manager, or by the board secretary when it has none. A proposal waits for the approval of its
    university and of each co-proposer's (services.institutional_approvals); each sending clears the last round's."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="institutional_approvals")
    institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("university")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        ordering = ["approved_at", "pk"]
        verbose_name = _("institutional approval")
        verbose_name_plural = _("institutional approvals")
        constraints = [models.UniqueConstraint(fields=["proposal", "institution"], name="one_approval_per_university")]

    def __str__(self) -> str:
        return f"{self.proposal.reference}: {self.institution}"


class ProposalVersion(models.Model):
    """A proposal's content at one version: every field of policy Appendix 2 plus those docs/product-rules.md lists."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The policy version in force when this version was submitted (policy 10.2): its checklist applies those
    # thresholds for good. Empty while it is being written, when the version in force today applies.
    policy = models.ForeignKey(
        "reference.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked against the policy"),
    )

    # Kind and type (5.5–5.7, 7.20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FORMAL)
    credential_type = models.CharField(
        _("credential type"), max_length=30, choices=CredentialType.choices, default=CredentialType.MICRO_CREDENTIAL
    )
    # Appendix 2
    title = models.CharField(_("micro-credential title"), max_length=200, blank=True)
    relevance = models.TextField(_("relevance to the alliance"), blank=True, max_length=SECTION_TEXT)
    criteria = models.TextField(_("criteria"), blank=True, max_length=SECTION_TEXT)
    description = models.TextField(_("description"), blank=True, max_length=SECTION_TEXT)
    hours = models.PositiveIntegerField(_("total hours of learning"), null=True, blank=True)
    hours_calculation = models.TextField(_("calculation of hours"), blank=True, max_length=SECTION_TEXT)
    ects = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    forms_of_participation = models.JSONField(_("forms of participation"), default=list, blank=True)
    assessment_types = models.JSONField(_("types of assessment"), default=list, blank=True)
    quality_assurance = models.TextField(_("quality assurance"), blank=True, max_length=SECTION_TEXT)
    eqf_level = models.ForeignKey(
        "reference.EqfLevel", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("EQF level")
    )
    supervised_assessment = models.BooleanField(_("supervision of assessment"), null=True, blank=True)
    identity_verified = models.BooleanField(_("identity verification"), null=True, blank=True)
    # What the policy requires elsewhere (docs/product-rules.md, "Proposal content")
    accrediting_institution = models.ForeignKey(
        "reference.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accrediting (or leading) university"),
    )
    co_leads = models.ManyToManyField(
        "reference.Institution", blank=True, related_name="+", verbose_name=_("co-lead universities")
    )
    accredited_before_submission = models.BooleanField(
        _("accredited and quality assured by the accrediting university"), default=False
    )
    content_areas = models.ManyToManyField("reference.ContentArea", blank=True, verbose_name=_("content areas"))
    target_groups = models.TextField(_("target groups"), blank=True, max_length=SECTION_TEXT)
    skill_needs = models.TextField(_("skill needs answered"), blank=True, max_length=SECTION_TEXT)
    prerequisites = models.TextField(_("prerequisites"), blank=True, max_length=SECTION_TEXT)
    delivery_modalities = models.TextField(_("delivery modalities"), blank=True, max_length=SECTION_TEXT)
    stackability = models.TextField(_("stackability"), blank=True, max_length=SECTION_TEXT)
    completion_criteria = models.TextField(_("completion criteria"), blank=True, max_length=SECTION_TEXT)
    has_financial_implications = models.BooleanField(_("financial or resource implications"), default=False)
    financial_implications = models.TextField(
        _("financial or resource implications, described"), blank=True, max_length=SECTION_TEXT
    )

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique")]

    def __str__(self) -> str:
        return f"{self.proposal.reference} v{self.number}"


class PrincipleAlignment(models.Model):
    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="principle_alignments")
    principle = models.ForeignKey("reference.EducationalPrinciple", on_delete=models.PROTECT, related_name="+")
    how_met = models.TextField(_("how the principle is met"), blank=True, max_length=SECTION_TEXT)

    class Meta:
        ordering = ["principle__order", "principle__name"]
        constraints = [models.UniqueConstraint(fields=["version", "principle"], name="principle_alignment_unique")]


class LearningOutcome(models.Model):
    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="learning_outcomes")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("learning outcome"), max_length=COMMENT_TEXT)
    skills = models.ManyToManyField("reference.EscoSkill", blank=True, related_name="+", verbose_name=_("ESCO skills"))

    class Meta:
        ordering = ["order", "id"]


class SupportingDocument(models.Model):
    class Purpose(models.TextChoices):
        SUPPORT = "support", _("Supporting documentation from a manager or institutional contact")
        ACCREDITATION = "accreditation", _("Evidence of accreditation or quality assurance")
        MANAGER_APPROVAL = "manager_approval", _("Institutional manager's approval")
        OTHER = "other", _("Other")

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="documents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, default=Purpose.SUPPORT)
    file = models.FileField(_("file"), upload_to="proposals/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class ProposalEvent(models.Model):
    """One step of a proposal's history: who did what, when, from which state to which, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    version_number = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=30, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=30, choices=ProposalStatus.choices)
    comment = models.TextField(blank=True, max_length=COMMENT_TEXT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Review(models.Model):
    """A council member's (or panel member's) reading of a version before the meeting."""

    class Recommendation(models.TextChoices):
        NONE = "", _("No recommendation, a comment only")
        APPROVE = "approve", _("Approve")
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
        REQUEST_REVISIONS = "request_revisions", _("Request revisions")
        REJECT = "reject", _("Reject")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    version_number = models.PositiveSmallIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), max_length=COMMENT_TEXT)
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=Recommendation.choices, blank=True, default=""
    )
    panel_score = models.PositiveSmallIntegerField(
        _("panel score (1–5)"), null=True, blank=True, help_text=_("Only for a call's panel review.")
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(panel_score__isnull=True) | Q(panel_score__gte=1, panel_score__lte=5),
                name="review_panel_score_range",
            )
        ]


class Meeting(models.Model):
    class Body(models.TextChoices):
        ACADEMIC_COUNCIL = "academic_council", _("Academic Council")
        EXECUTIVE_BOARD = "executive_board", _("Executive Board")

    body = models.CharField(_("body"), max_length=30, choices=Body.choices)
    date = models.DateTimeField(_("date and time"))
    location = models.CharField(_("place or link"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=DOCUMENT_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended", verbose_name=_("present")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.get_body_display()} {timezone.localtime(self.date):%Y-%m-%d}"  # the day in TIME_ZONE


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agenda_items")
    version_number = models.PositiveSmallIntegerField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting__date", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal", "version_number"], name="agenda_item_unique_per_meeting"
            )
        ]


class Decision(models.Model):
    """The decision on one agenda item. One-to-one: the database lets exactly one decision stand."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
        REQUEST_REVISIONS = "request_revisions", _("Request revisions")
        REJECT = "reject", _("Reject")

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=30, choices=Outcome.choices)
    rationale = models.TextField(_("rationale"), max_length=COMMENT_TEXT)
    conditions = models.TextField(_("conditions"), blank=True, max_length=COMMENT_TEXT)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approve_with_conditions") | ~Q(conditions=""),
                name="decision_conditions_given",
            )
        ]


class ApprovalCondition(models.Model):
    """One condition of an approval "with conditions", followed until the board secretary confirms it was met.

    Its owner is the proposer's university; the proposer (or a colleague there who may act on the proposal) reports
    how it was met, and the secretary confirms it or reopens it with a reason. The decision's text
    (Decision.conditions) stays the record of what was decided; these rows are its follow-up (issue #14)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REPORTED = "reported", _("Reported as met")
        CONFIRMED = "confirmed", _("Confirmed")
        REOPENED = "reopened", _("Reopened")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="condition_items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="approval_conditions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("condition"), max_length=COMMENT_TEXT)
    owner_institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    report = models.TextField(_("how it was met"), blank=True, max_length=COMMENT_TEXT)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(_("why it was reopened"), blank=True, max_length=COMMENT_TEXT)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    # Set when the owners were told it is overdue: once per condition (the daily task skips it afterwards).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "decision_id", "number"]
        verbose_name = _("condition of approval")
        verbose_name_plural = _("conditions of approval")
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="approval_condition_unique_number"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "reported", "confirmed", "reopened"]), name="approval_condition_status"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["reported", "confirmed"]) | ~Q(report=""),
                name="approval_condition_reported_with_account",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_by__isnull=False),
                name="approval_condition_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.reference} #{self.number}"

    @property
    def awaits_owner(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.REOPENED)

    def is_overdue(self, today=None) -> bool:
        """Past its due date and not yet reported (a reported condition waits for the secretary, not its owner)."""
        from django.utils import timezone

        return self.awaits_owner and self.due_on < (today or timezone.localdate())


class AgendaPaper(models.Model):
    """A document on a meeting's agenda to be noted, not decided: a quality report, a KPI report (policy 7.25).

    The board secretary places any kind of paper; the quality office places quality reports. The PDF is given to
    the proposals app as bytes by whoever produced it, so this app knows nothing of the apps that make papers.
    The chair or the secretary records that the meeting noted it, with optional minutes text."""

    class Kind(models.TextChoices):
        QUALITY_REPORT = "quality_report", _("Quality report")
        KPI_REPORT = "kpi_report", _("KPI report")
        OTHER = "other", _("Other paper")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="papers", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("presented by")
    )
    file = models.FileField(_("file"), upload_to="meetings/papers/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    noted_at = models.DateTimeField(_("noted at"), null=True, blank=True)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    noted_minutes = models.TextField(_("minutes"), blank=True, max_length=COMMENT_TEXT)

    class Meta:
        ordering = ["meeting__date", "order", "id"]
        verbose_name = _("agenda paper")
        verbose_name_plural = _("agenda papers")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["quality_report", "kpi_report", "other"]), name="paper_kind"),
            models.CheckConstraint(
                condition=Q(noted_at__isnull=True) | Q(noted_by__isnull=False), name="paper_noted_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.title
