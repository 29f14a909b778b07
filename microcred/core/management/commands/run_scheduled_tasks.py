"""Run the scheduled tasks once, in this process: what `celery -A config beat` does on its schedule in
production, for the embedded default (no broker, no beat). Run it from cron, e.g. every hour:

    manage.py run_scheduled_tasks                      # every entry of CELERY_BEAT_SCHEDULE
    manage.py run_scheduled_tasks learning-announce-ended-offerings

Each task is looked up by the name the schedule gives it (so core imports no app) and run synchronously, with
the entry's arguments: every periodic job runs through microcred/operations/schedule.py, so a job another run
holds, or that ran less than half an interval ago, is not run twice (`manage.py run_scheduled` runs one job
whatever its last run).
One task failing does not stop the others; the command ends with an error if any failed.
"""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run each scheduled task (CELERY_BEAT_SCHEDULE) once, here and now."

    def add_arguments(self, parser):
        parser.add_argument("entries", nargs="*", help="Schedule entries to run (default: all).")

    def handle(self, *args, entries, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = [name for name in entries if name not in schedule]
        if unknown:
            raise CommandError(
                f"No scheduled task named {', '.join(unknown)}. The schedule has: {', '.join(sorted(schedule))}."
            )

        current_app.loader.import_default_modules()
        failed = []
        for name in entries or list(schedule):
            task_name = schedule[name]["task"]
            task = current_app.tasks.get(task_name)
            if task is None:
                failed.append(name)
                self.stderr.write(f"{name}: no task {task_name} is registered.")
                continue
            try:
                entry = schedule[name]
                result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=True).get()
            except Exception as exc:  # one task's failure must not keep the others from running
                failed.append(name)
                self.stderr.write(f"{name}: failed: {exc!r}")
            else:
                self.stdout.write(f"{name}: done ({result!r})" if options["verbosity"] > 1 else f"{name}: done")
        if failed:
            raise CommandError(f"{len(failed)} scheduled task(s) failed: {', '.join(failed)}.")
