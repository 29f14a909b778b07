"""What the operations app keeps in the database.

``ScheduledRun``: one row per periodic job (microcred/operations/schedule.py): when it last ran to the end, and
the lease that keeps two runs of it (two beats, or a command while beat runs it) from overlapping.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """The bookkeeping of one periodic job: its last successful run, and who holds it now (a lease)."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_success_at = models.DateTimeField(_("last successful run"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed run"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A run takes the lease by one conditional UPDATE (free, or expired) and gives it back when it ends; a worker
    # that died mid-run leaves a lease that expires, so the job is never stuck.
    locked_by = models.CharField(_("held by"), max_length=64, blank=True)
    locked_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name
