"""Offerings (editions) of approved micro-credentials, enrolments and assessment results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT


class Offering(models.Model):
    """One run of a micro-credential: dates, place, language, capacity, enrolment window, fee."""

    class Format(models.TextChoices):
        BLENDED_INTENSIVE = "blended_intensive", _("Blended intensive programme")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        WINTER_SCHOOL = "winter_school", _("Winter school")
        HACKATHON = "hackathon", _("Hackathon")
        VIRTUAL_MOBILITY = "virtual_mobility", _("Virtual mobility")
        COURSE = "course", _("Course")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On-site")
        BLENDED = "blended", _("Blended")

    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential",
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("micro-credential"),
    )
    version = models.ForeignKey(
        "catalogue.MicroCredentialVersion",
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("version"),
        help_text=_("The approved version this run delivers (credentials point to it)."),
    )
    institution = models.ForeignKey(
        "reference.Institution",
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("delivering university"),
    )
    format = models.CharField(_("format"), max_length=30, choices=Format.choices, default=Format.COURSE)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    location = models.CharField(_("place (for on-site or blended)"), max_length=200, blank=True)
    language = models.CharField(_("language of instruction"), max_length=10, default="en")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrolment_opens = models.DateTimeField(_("enrolment opens"))
    enrolment_closes = models.DateTimeField(_("enrolment closes"))
    capacity = models.PositiveIntegerField(_("places"))
    fee = models.DecimalField(_("fee (EUR)"), max_digits=8, decimal_places=2, default=0)
    fee_waivers = models.TextField(_("fee waivers"), blank=True, max_length=COMMENT_TEXT)
    grade_scale = models.CharField(
        _("grade scale"),
        max_length=200,
        default="0-10",
        help_text=_("A range such as 0-10 or 0-100, or the grades as a list such as A,B,C,D,E,F."),
    )
    lms_code = models.CharField(_("course code in the learning management system"), max_length=100, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OfferingAssessor",
        through_fields=("offering", "user"),
        related_name="+",
        blank=True,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_announced_at = models.DateTimeField(
        _("end announced at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the “offering ended” event was sent (once per offering, after its last day)."),
    )

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="offering_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrolment_closes__gt=models.F("enrolment_opens")), name="offering_window_ordered"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offering_capacity_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="offering_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.version.title} ({self.starts_on:%Y-%m-%d})"

    @property
    def has_ended(self) -> bool:
        """After its last day an offering is part of the record: it is no longer edited, nor its enrolments."""
        return timezone.localdate() > self.ends_on

    @property
    def is_participation_badge(self) -> bool:
        return self.version.is_participation_badge

    @property
    def prerequisites(self) -> str:
        return self.version.annex.prerequisites.strip()


class OfferingAssessor(models.Model):
    """An assessor assigned to one offering (by the offering's creator): records its results."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="assessor_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessed_offerings")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [models.UniqueConstraint(fields=["offering", "user"], name="offering_assessor_unique")]

    def __str__(self) -> str:
        return f"user #{self.user_id} → offering #{self.offering_id}"  # by number: it names audit events


class Enrolment(models.Model):
    """A learner's place (or place in the queue) on an offering. Cancelled rows are kept for the record."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.ENROLLED, Status.WAITLISTED)

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="enrolments")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    prerequisites_acknowledged = models.BooleanField(_("prerequisites acknowledged"), default=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("wait-listed at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "learner"],
                condition=Q(status__in=["enrolled", "waitlisted"]),
                name="enrolment_one_active_per_learner",
            ),
        ]
        indexes = [models.Index(fields=["offering", "status", "waitlisted_at"], name="enrolment_queue_idx")]

    def __str__(self) -> str:
        return f"learner #{self.learner_id} · offering #{self.offering_id} · {self.status}"  # by number (audit)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def waitlist_position(self) -> int | None:
        """1 for the first in line; None unless wait-listed."""
        if self.status != self.Status.WAITLISTED:
            return None
        earlier = Enrolment.objects.filter(offering_id=self.offering_id, status=self.Status.WAITLISTED).filter(
            Q(waitlisted_at__lt=self.waitlisted_at) | Q(waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
        )
        return earlier.count() + 1


class Result(models.Model):
    """The assessment result of one learner on one offering: one row per (offering, learner), updated in place."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Did not pass")

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="results")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="results")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="results")
    participated = models.BooleanField(_("participated"))
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["offering", "learner__email"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["offering", "learner"], name="result_one_per_learner"),
            models.CheckConstraint(condition=Q(outcome__in=["", "pass", "fail"]), name="result_outcome_known"),
        ]

    def __str__(self) -> str:
        return f"learner #{self.learner_id} · offering #{self.offering_id} · {self.outcome or '-'}"  # (audit)


class ResultImport(models.Model):
    """An uploaded results file: its validated preview, kept server-side until it is committed (or not)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    changed_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"
