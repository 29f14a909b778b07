"""Hand-offs after approval (policy 7.8): the tasks an approval creates for the offices that take it on.

The plan is data: each TaskKind names the role that owns its task (at the awarding university, or alliance-wide),
the days it is due after approval and its checklist, and is edited on the admin site; the default plan (the
communication office, the awarding university's institutional manager for delivery and the learning platform, the
quality office) is written by this app's first data migration. Each approval of a micro-credential proposal gets one
HandoffTask per active kind (unique: a repeated decision signal creates none twice), with its checklist copied.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT
from microcred.roles import Role

ITEM_TEXT = 300


class TaskKind(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=COMMENT_TEXT)
    # A role of microcred.roles.Role (checked on the admin site); no choices here, so a role added there needs no
    # migration of this app.
    owner_role = models.CharField(_("owner role"), max_length=40)
    at_awarding_university = models.BooleanField(
        _("held at the awarding university"),
        default=False,
        help_text=_("The owners are the holders of the role at the micro-credential's awarding university."),
    )
    due_days = models.PositiveSmallIntegerField(_("due (days after approval)"), default=30)
    checklist = models.JSONField(_("checklist"), default=list, help_text=_("The items to tick, one text each."))
    policy = models.CharField(_("policy reference"), max_length=40, blank=True, default="7.8")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("created on approval"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("hand-off task kind")
        verbose_name_plural = _("hand-off plan")

    def __str__(self) -> str:
        return self.name


class HandoffTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.ForeignKey(TaskKind, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("kind"))
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="handoff_tasks")
    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential", on_delete=models.PROTECT, null=True, blank=True, related_name="handoff_tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner_role = models.CharField(_("owner role"), max_length=40)
    owner_institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True, max_length=COMMENT_TEXT)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("hand-off task")
        verbose_name_plural = _("hand-off tasks")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="handoff_task_once_per_approval"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "cancelled"]), name="handoff_task_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="handoff_task_cancelled_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.proposal.reference})"

    @property
    def owner_role_label(self) -> str:
        return str(dict(Role.choices).get(self.owner_role, self.owner_role))

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CANCELLED)

    def is_overdue(self, today=None) -> bool:
        return not self.is_closed and self.due_on < (today or timezone.localdate())


class ChecklistItem(models.Model):
    task = models.ForeignKey(HandoffTask, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(_("item"), max_length=ITEM_TEXT)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="handoff_item_unique_order")]

    def __str__(self) -> str:
        return self.text
