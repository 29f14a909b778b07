"""The council report and its recommendations, followed until closed (policy 7.25).

The quality office assembles a ``CouncilReport`` for an Academic Council meeting: the survey results of the
micro-credentials it chose, and the recommendations it proposes. Putting it on the agenda draws its PDF, which
the meeting reads as a paper (``proposals.AgendaPaper``) and notes; the report is then frozen.

Each ``Recommendation`` is about one published micro-credential and is followed until closed: by a change proposal
(linked; approving it closes the recommendation) or by a decision with a reason ("done otherwise", "not
followed"). One open while its micro-credential is retired is flagged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT
from microcred.proposals.models import CLOSED_STATUSES

TITLE_TEXT = 200


class CouncilReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        ON_AGENDA = "on_agenda", _("On the agenda")

    title = models.CharField(_("title"), max_length=TITLE_TEXT)
    meeting = models.ForeignKey(
        "proposals.Meeting", on_delete=models.PROTECT, related_name="+", verbose_name=_("Academic Council meeting")
    )
    period_start = models.DateField(_("offerings ended from"), null=True, blank=True)
    period_end = models.DateField(_("offerings ended until"), null=True, blank=True)
    micro_credentials = models.ManyToManyField(
        "catalogue.MicroCredential", related_name="+", verbose_name=_("micro-credentials")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    paper = models.OneToOneField(
        "proposals.AgendaPaper", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "on_agenda"]), name="council_report_status"),
            models.CheckConstraint(
                condition=~Q(status="on_agenda") | Q(paper__isnull=False), name="council_report_on_agenda_has_paper"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="council_report_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Closure(models.TextChoices):
        CHANGE_PROPOSAL = "change_proposal", _("By an approved change proposal")
        DONE_OTHERWISE = "done_otherwise", _("Done otherwise")
        NOT_FOLLOWED = "not_followed", _("Not followed")

    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("micro-credential"),
    )
    report = models.ForeignKey(
        CouncilReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("council report"),
    )
    meeting = models.ForeignKey(
        "proposals.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting that made it"),
    )
    text = models.TextField(_("recommendation"), max_length=COMMENT_TEXT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    change_proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change proposal"),
    )
    closed_how = models.CharField(_("closed"), max_length=30, choices=Closure.choices, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, max_length=COMMENT_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="recommendation_status"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_how="") & Q(closed_at__isnull=True))
                | (Q(status="closed") & ~Q(closed_how="") & Q(closed_at__isnull=False)),
                name="recommendation_closed_says_how_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(closed_how__in=["done_otherwise", "not_followed"]) | ~Q(reason=""),
                name="recommendation_closed_by_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(closed_how="change_proposal") | Q(change_proposal__isnull=False),
                name="recommendation_closed_by_proposal_names_it",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.micro_credential}: {self.text[:80]}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def followed_by_open_proposal(self) -> bool:
        """Linked to a change proposal still under way (approving it will close this recommendation)."""
        return self.change_proposal_id is not None and self.change_proposal.status not in CLOSED_STATUSES

    @property
    def is_flagged(self) -> bool:
        """Open while its micro-credential was retired: nothing can follow it up any more by a change."""
        return self.is_open and self.micro_credential.status == "retired"
