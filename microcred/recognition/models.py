"""Recognition of credentials by the member universities (policy 6.6, 7.26; strategic plan 5).

A learner asks a member university to recognise a credential (one of ours, or another issuer's Open Badges 3.0
credential our verifier accepts) for credit in one of its programmes (RecognitionRequest). A recognition officer of
that university decides (RecognitionDecision, stage "first"); the learner may appeal once, within
RECOGNITION_APPEAL_DAYS, and a second officer decides the appeal (stage "appeal"). Universities keep a register of
agreements (RecognitionAgreement): a matching request arrives with a proposed decision.

The request's state is `status` (submitted → decided → under appeal → appeal decided) and, once decided, `outcome`
(recognised, recognised in part, refused): the decision in force. Each decision is also kept as a row, one per stage
(a unique constraint: two officers deciding at once yield one decision).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT, LINE_TEXT

MAX_ECTS = 999


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", _("Recognised")
    RECOGNISED_IN_PART = "recognised_in_part", _("Recognised in part")
    REFUSED = "refused", _("Refused")


def programme_key(programme: str) -> str:
    """The programme as agreements and duplicates are matched: case and spacing do not count."""
    return " ".join((programme or "").split()).casefold()[:LINE_TEXT]


class RecognitionAgreement(models.Model):
    """ "Micro-credential X counts for N ECTS as course C in programme Y at university Z", valid for a period."""

    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential",
        on_delete=models.PROTECT,
        related_name="recognition_agreements",
        verbose_name=_("micro-credential"),
    )
    institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("university")
    )
    programme = models.CharField(_("programme"), max_length=LINE_TEXT)
    programme_key = models.CharField(max_length=LINE_TEXT, editable=False)
    course = models.CharField(_("course or module"), max_length=LINE_TEXT)
    ects = models.DecimalField(_("ECTS credits"), max_digits=5, decimal_places=1)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=COMMENT_TEXT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name", "programme_key", "course", "pk"]
        verbose_name = _("recognition agreement")
        verbose_name_plural = _("recognition agreements")
        indexes = [
            models.Index(fields=["micro_credential", "institution", "programme_key"], name="recog_agreement_match")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ects__gt=0) & Q(ects__lte=MAX_ECTS), name="recog_agreement_ects"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="recog_agreement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.micro_credential} → {self.course} ({self.programme}, {self.institution})"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class RecognitionRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DECIDED = "decided", _("Decided")
        UNDER_APPEAL = "under_appeal", _("Under appeal")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")

    class Source(models.TextChoices):
        WALLET = "wallet", _("From my wallet")
        UPLOAD = "upload", _("Uploaded or pasted")

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recognition_requests")
    institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("university")
    )
    programme = models.CharField(_("programme"), max_length=LINE_TEXT)
    programme_key = models.CharField(max_length=LINE_TEXT, editable=False)
    course_hoped = models.CharField(_("course or module it may replace"), max_length=LINE_TEXT, blank=True)
    message = models.TextField(_("message"), max_length=COMMENT_TEXT, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # One of ours (from the wallet, or an upload that is one of ours): kept to show its live status.
    credential = models.ForeignKey(
        "credentials.IssuedCredential", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What our verifier found when the request was made (the credential's id, hash, issuer and every check).
    verification = models.ForeignKey("credentials.VerificationRecord", on_delete=models.PROTECT, related_name="+")
    # The credential's id (or, without one, its SHA-256): one request per credential, university and programme.
    credential_key = models.CharField(max_length=500)
    # Another issuer's credential as the learner gave it (the officer re-verifies it); none for ours.
    document = models.JSONField(null=True, blank=True)
    # The Annex 1 elements of the verified credential (title, issuer, ECTS, EQF level, outcomes, assessment, date).
    annex = models.JSONField(default=dict)
    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_agreement = models.ForeignKey(
        RecognitionAgreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # The decision in force (the appeal's once decided).
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    ects = models.DecimalField(_("ECTS recognised"), max_digits=5, decimal_places=1, null=True, blank=True)
    recognised_as = models.CharField(_("recognised as"), max_length=LINE_TEXT, blank=True)
    not_recognised = models.TextField(_("what is not recognised"), max_length=COMMENT_TEXT, blank=True)
    reason = models.TextField(_("reason"), max_length=COMMENT_TEXT, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateTimeField(_("appeal possible until"), null=True, blank=True)
    appeal_reason = models.TextField(_("reason for the appeal"), max_length=COMMENT_TEXT, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    # No second recognition officer at the university: the appeal went to its institutional manager or the admin.
    appeal_flagged = models.BooleanField(default=False)
    # SHA-256 of the token of the public page of the decision (the token is only in the learner's link).
    share_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recognition request")
        verbose_name_plural = _("recognition requests")
        indexes = [models.Index(fields=["institution", "status"], name="recog_request_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "institution", "programme_key", "credential_key"], name="recog_request_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "decided", "under_appeal", "appeal_decided"]),
                name="recog_request_status",
            ),
            models.CheckConstraint(
                condition=(Q(status="submitted") & Q(outcome=""))
                | (~Q(status="submitted") & Q(outcome__in=["recognised", "recognised_in_part", "refused"])),
                name="recog_request_outcome",
            ),
            models.CheckConstraint(
                condition=Q(appealed_at__isnull=True) | Q(status__in=["under_appeal", "appeal_decided"]),
                name="recog_request_appeal",
            ),
        ]

    def __str__(self) -> str:
        return f"recognition request #{self.pk}"

    @property
    def title(self) -> str:
        return (self.annex or {}).get("title") or ""

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.SUBMITTED

    @property
    def state(self) -> str:
        """The state in one word for lists: submitted, recognised, recognised_in_part, refused, under_appeal, or
        appeal_decided."""
        if self.status == self.Status.DECIDED:
            return self.outcome
        return self.status

    @property
    def state_label(self) -> str:
        labels = {**dict(self.Status.choices), **dict(Outcome.choices)}
        return str(labels.get(self.state, self.state))


class RecognitionDecision(models.Model):
    """One decision on a request: the first (a recognition officer) or the appeal's (a second officer)."""

    class Stage(models.TextChoices):
        FIRST = "first", _("Decision")
        APPEAL = "appeal", _("Decision on the appeal")

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    ects = models.DecimalField(_("ECTS recognised"), max_digits=5, decimal_places=1, null=True, blank=True)
    recognised_as = models.CharField(_("recognised as"), max_length=LINE_TEXT, blank=True)
    not_recognised = models.TextField(_("what is not recognised"), max_length=COMMENT_TEXT, blank=True)
    reason = models.TextField(_("reason"), max_length=COMMENT_TEXT, blank=True)
    # Confirmed from the agreement the request matched (still the officer's decision).
    agreement = models.ForeignKey(
        RecognitionAgreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An appeal's decision that differs from the first.
    changed = models.BooleanField(default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "stage"], name="recog_decision_once_per_stage"),
            models.CheckConstraint(
                condition=(Q(outcome="refused") & Q(ects__isnull=True))
                | (Q(outcome__in=["recognised", "recognised_in_part"]) & Q(ects__gt=0) & Q(ects__lte=MAX_ECTS)),
                name="recog_decision_ects",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on request #{self.request_id}"
