"""Run one periodic job now, as Celery beat would, or list them all with their last runs.

    manage.py run_scheduled --list
    manage.py run_scheduled surveys-send-reminders
    manage.py run_scheduled surveys-send-reminders --if-due     # from cron: only when its interval has passed

The job takes its lease first (microcred/operations/schedule.py): while beat or another command runs it, this
one says so and does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from microcred.operations import schedule
from microcred.operations.models import ScheduledRun


def _when(value) -> str:
    return value.isoformat(timespec="seconds") if value else "never"


class Command(BaseCommand):
    help = "Run a periodic job (the list: --list) here and now, unless another run of it holds its lease."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="The job to run (see --list).")
        parser.add_argument("--list", action="store_true", help="List every periodic job and its last runs.")
        parser.add_argument(
            "--if-due", action="store_true", help="Run only when the job's interval has passed since its last success."
        )

    def handle(self, *args, name=None, list=False, if_due=False, **options):
        if list:
            rows = {row.name: row for row in ScheduledRun.objects.all()}
            for job in schedule.JOBS:
                row = rows.get(job.name)
                self.stdout.write(
                    f"{job.name}\tevery {schedule.interval_of(job)} s\t"
                    f"last success: {_when(row and row.last_success_at)}\t"
                    f"last failure: {_when(row and row.last_failure_at)}\t{job.description}"
                )
            return
        if not name:
            raise CommandError(f"Name a job, or use --list. The jobs are: {', '.join(sorted(schedule.BY_NAME))}.")
        try:
            job = schedule.job_named(name)
        except schedule.UnknownJob as exc:
            raise CommandError(str(exc)) from None
        if if_due:
            from django.utils import timezone

            if not schedule.is_due(job, timezone.now()):
                self.stdout.write(f"{name}: not due")
                return
        try:
            outcome = schedule.run_job(name)
        except Exception as exc:
            raise CommandError(f"{name}: failed: {exc!r}") from exc
        if outcome.state == schedule.BUSY:
            self.stdout.write(f"{name}: another run holds it; nothing done")
        else:
            self.stdout.write(f"{name}: done ({outcome.result!r})" if options["verbosity"] > 1 else f"{name}: done")
